"""The "Add a party" modal and the welcome for people added later."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, multi_user_select
from bot.blocks.text import Mrkdwn, md, mention, mentions, plain, section, truncate
from bot.i18n import _
from bot.payloads import AddPartyMeta
from models import Dispute

MAX_NEW_PARTIES = 10


def add_party_modal(dispute: Dispute) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.ADD_PARTY_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Add a party")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Add")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": AddPartyMeta(d=dispute.id).encode(),
        "blocks": [
            section(
                md(
                    _(
                        "*{ref} · {title}*\nAdded people can share their perspective, propose and "
                        "answer proposals."
                    ),
                    ref=dispute.reference,
                    title=truncate(dispute.title, 200),
                )
            ),
            input_block(
                ids.B_NEW_PARTIES,
                _("Who should take part?"),
                multi_user_select(
                    ids.A_NEW_PARTIES, max_selected=MAX_NEW_PARTIES, placeholder=_("Choose people")
                ),
            ),
        ],
    }


def parties_added(user_ids: list[str], by_user: str) -> Mrkdwn:
    return md(
        _(
            "{by} added {who} to this dispute. Welcome: please share your perspective with the "
            "button at the top of the thread."
        ),
        by=mention(by_user),
        who=mentions(user_ids),
    )


def only_opener_or_mediator(dispute: Dispute) -> Mrkdwn:
    return md(_("Only the person who opened {ref}, or its mediator, can add parties."), ref=dispute.reference)


def no_newcomers() -> str:
    """The "Add a party" form's error when nobody but the person themselves was chosen."""
    return _("Choose at least one person other than yourself.")
