"""The "Raise a dispute" modal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, option
from bot.blocks.text import Mrkdwn, channel_link, context, md, plain, quoted
from bot.i18n import _, formats
from bot.payloads import OpenDisputeMeta
from bot.services.people_text import one_line
from bot.services.vocabulary import CATEGORIES, CURRENCIES

TITLE_MAX = 150
HAPPENED_MAX = 2500
OUTCOME_MAX = 1500
MAX_PARTIES = 20


def open_dispute_modal(channel_id: str, title: str = "") -> dict[str, Any]:
    title_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.A_TITLE,
        "max_length": TITLE_MAX,
        "placeholder": plain(_("e.g. Homepage redesign delivered late")),
    }
    if one_line(title):
        title_input["initial_value"] = one_line(title)[:TITLE_MAX]
    return {
        "type": "modal",
        "callback_id": ids.OPEN_DISPUTE_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Raise a dispute")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Open dispute")),
        "close": plain(_("Cancel")),
        "private_metadata": OpenDisputeMeta(channel_id=channel_id).encode(),
        "blocks": [
            context(
                md(
                    _(
                        "Parley will open a thread in {channel} where both sides can see this and "
                        "settle it step by step. Everyone in the channel can read it, so keep it factual."
                    ),
                    channel=channel_link(channel_id),
                )
            ),
            input_block(ids.B_TITLE, _("Title"), title_input),
            input_block(
                ids.B_PARTIES,
                _("Who is this with?"),
                {
                    "type": "multi_users_select",
                    "action_id": ids.A_PARTIES,
                    "placeholder": plain(_("Choose people from the other side")),
                    "max_selected_items": MAX_PARTIES,
                },
                hint=_("People from a connected organization can take part too; they use buttons."),
            ),
            input_block(
                ids.B_CATEGORY,
                _("Category"),
                {
                    "type": "static_select",
                    "action_id": ids.A_CATEGORY,
                    "placeholder": plain(_("Choose a category")),
                    # the labels are marked for the catalog where they are defined (vocabulary.py)
                    "options": [option(key, _(label)) for key, label in CATEGORIES.items()],
                },
            ),
            input_block(
                ids.B_HAPPENED,
                _("What happened?"),
                {
                    "type": "plain_text_input",
                    "action_id": ids.A_HAPPENED,
                    "multiline": True,
                    "max_length": HAPPENED_MAX,
                    "placeholder": plain(_("The facts, with dates where you have them")),
                },
            ),
            input_block(
                ids.B_OUTCOME,
                _("What outcome do you want?"),
                {
                    "type": "plain_text_input",
                    "action_id": ids.A_OUTCOME,
                    "multiline": True,
                    "max_length": OUTCOME_MAX,
                    "placeholder": plain(_("e.g. Fix the two screens by Friday")),
                },
            ),
            input_block(
                ids.B_AMOUNT,
                _("Amount in question"),
                {
                    "type": "plain_text_input",
                    "action_id": ids.A_AMOUNT,
                    "max_length": 20,
                    # Translators: {amount} is an example amount, written as the reader writes numbers.
                    "placeholder": plain(
                        _("e.g. {amount}").format(amount=formats.amount(Decimal("1250.50"), None))
                    ),
                },
                optional=True,
                hint=_("Only if money is involved."),
            ),
            input_block(
                ids.B_CURRENCY,
                _("Currency"),
                {
                    "type": "static_select",
                    "action_id": ids.A_CURRENCY,
                    "placeholder": plain(_("Choose a currency")),
                    "options": [option(code, code) for code in CURRENCIES],
                },
                optional=True,
            ),
        ],
    }


def not_opened(why: str, happened: str) -> Mrkdwn:
    """Private answer when a dispute the form accepted could not be opened after all (the
    channel's provider changed in between): why, and what the person wrote, to use again."""
    return md(
        # Translators: {why} is a sentence saying why; {text} is what the person wrote, quoted.
        _("Your dispute was not opened: {why}\nWhat you wrote, to use in a new `/dispute`:\n{text}"),
        why=why,
        text=quoted(happened, 2500),
    )


def example_amount(value: str = "1250.50") -> str:
    """'1,250.50' or '1.250,50': an amount as the reader writes numbers (and Parley reads them)."""
    return formats.amount(Decimal(value), None) or value
