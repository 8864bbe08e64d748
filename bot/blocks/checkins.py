"""Check-in messages, and the messages that follow an answer."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import date_picker, input_block, static_select, text_input
from bot.blocks.text import (
    Mrkdwn,
    button,
    context,
    md,
    mention,
    mentions,
    plain,
    section,
    truncate,
)
from bot.i18n import N_, _, formats
from bot.payloads import CheckInAnswer, DisputeButton, ItemButton, ItemMeta
from models import ActionItem, Dispute, Side

# Marked for the catalog only: shown through _() (answered_line).
ANSWER_WORDS = {
    "done": N_(":white_check_mark: Done"),
    "partly": N_(":large_orange_circle: Partly done"),
    "not_yet": N_(":hourglass_flowing_sand: Not done yet"),
}


def _due(item: ActionItem) -> str:
    return formats.short_day(item.due_date)


def checkin_message(
    dispute: Dispute, checkin_id: int, items: list[ActionItem], answered: dict[int, Mrkdwn] | None = None
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """One question per action item, each with Yes, done / Partly / Not yet. It asks both sides
    alike (every party of each, and any item's owner who is not one): either can answer."""
    answered = answered or {}
    people = mentions(
        dict.fromkeys(
            [p.user_id for p in dispute.parties if p.side in (Side.PROVIDER, Side.CLIENT)]
            + [i.owner_user for i in items]
        )
    )
    blocks: list[dict[str, Any]] = [
        section(
            md(
                # Translators: {people} are the mentions of everyone asked.
                _(
                    ":alarm_clock: *Check-in on {ref}* · {title}\n{people}, a quick check on what you "
                    "agreed: either side can answer."
                ),
                ref=dispute.reference,
                title=truncate(dispute.title, 150),
                people=people,
            )
        )
    ]
    for item in items:
        blocks.append(
            section(
                md(
                    _("*Was “{what}” done?*\nOwner {owner} · due {due}"),
                    what=item.text,
                    owner=mention(item.owner_user),
                    due=_due(item),
                )
            )
        )
        if item.id in answered:
            blocks.append(context(answered[item.id]))
            continue
        value = CheckInAnswer(d=dispute.id, c=checkin_id, i=item.id).encode()
        blocks.append(
            {
                "type": "actions",
                "block_id": f"checkin_{checkin_id}_{item.id}",
                "elements": [
                    button(_("Yes, done"), ids.CHECKIN_DONE, value, style="primary"),
                    button(_("Partly"), ids.CHECKIN_PARTLY, value),
                    button(_("Not yet"), ids.CHECKIN_NOT_YET, value),
                ],
            }
        )
    # Translators: an action item's text in quotation marks (use your language's own).
    names = Mrkdwn("; ").join(md(_("“{what}”"), what=truncate(i.text, 80)) for i in items)
    return md(
        # Translators: {names} are quoted action items, separated by semicolons; {people} mentions.
        _("Check-in on {ref}: was {names} done? {people}"),
        ref=dispute.reference,
        names=names,
        people=people,
    ), blocks


def answered_line(answer: str, who: str) -> Mrkdwn:
    """What a check-in shows under an item once someone answered it."""
    # Translators: {answer} is ":white_check_mark: Done", "… Partly done" or "… Not done yet".
    return md(_("{answer}, says {who}"), answer=_(ANSWER_WORDS[answer]), who=who)


def not_yet_options(dispute: Dispute, item: ActionItem, who: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    text = md(
        _(
            "{who} says “{what}” is not done yet. What would help: a new date, reopening the "
            "dispute, or a neutral mediator?"
        ),
        who=who,
        what=item.text,
    )
    value = ItemButton(d=dispute.id, i=item.id).encode()
    return text, [
        section(text),
        {
            "type": "actions",
            "block_id": f"not_yet_{item.id}",
            "elements": [
                button(_("Set a new date"), ids.NEW_DATE, value, style="primary"),
                button(_("Reopen the dispute"), ids.REOPEN, value),
                button(_("Ask for a mediator"), ids.REQUEST_MEDIATOR, value),
            ],
        },
    ]


def all_done(dispute: Dispute, client_users: list[str]) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    text = md(
        _("Every action item of {ref} is marked done. {who}, is the dispute resolved for you?"),
        ref=dispute.reference,
        who=mentions(client_users),
    )
    value = DisputeButton(d=dispute.id).encode()
    return text, [
        section(text),
        {
            "type": "actions",
            "block_id": "confirm_resolved",
            "elements": [
                button(_("Yes, it's resolved"), ids.CONFIRM_RESOLVED, value, style="primary"),
                button(_("Not yet"), ids.NOT_RESOLVED, value),
            ],
        },
    ]


def resolved(dispute: Dispute, who: str, client_users: list[str]) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """(The audit trail's head at this moment goes in the message's metadata, not its words.)"""
    text = md(
        _(":tada: {who} confirmed that {ref} is resolved. Thank you both for working it through."),
        who=who,
        ref=dispute.reference,
    )
    return text, [
        section(text),
        section(
            md(
                _("{who}, how did this go for you? Your rating helps the team improve."),
                who=mentions(client_users),
            )
        ),
        {
            "type": "actions",
            "block_id": "feedback",
            "elements": [button(_("Give feedback"), ids.GIVE_FEEDBACK, DisputeButton(d=dispute.id).encode())],
        },
    ]


def new_date_modal(dispute: Dispute, item: ActionItem) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.NEW_DATE_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Set a new date")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Save")),
        "close": plain(_("Cancel")),
        "private_metadata": ItemMeta(d=dispute.id, i=item.id).encode(),
        "blocks": [
            section(
                md(
                    _("*{what}* · {ref}\nIt was due {due}. Parley will check in again on the new date."),
                    what=truncate(item.text, 200),
                    ref=dispute.reference,
                    due=_due(item),
                )
            ),
            input_block(ids.B_NEW_DATE, _("New due date"), date_picker(ids.A_NEW_DATE)),
        ],
    }


def feedback_modal(dispute: Dispute) -> dict[str, Any]:
    ratings = {
        "5": _("5 · Very well"),
        "4": _("4 · Well"),
        "3": _("3 · Okay"),
        "2": _("2 · Poorly"),
        "1": _("1 · Very poorly"),
    }
    return {
        "type": "modal",
        "callback_id": ids.FEEDBACK_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Your feedback")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Send")),
        "close": plain(_("Cancel")),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            section(
                md(
                    _("How was {ref} handled? Only the team that handled it sees this."),
                    ref=dispute.reference,
                )
            ),
            input_block(
                ids.B_RATING,
                _("Rating"),
                static_select(ids.A_RATING, ratings, placeholder=_("Choose 1 to 5")),
            ),
            input_block(
                ids.B_COMMENT,
                _("Anything to add?"),
                text_input(ids.A_COMMENT, max_length=1000, multiline=True),
                optional=True,
            ),
        ],
    }


def new_date_set(dispute: Dispute, who: str, item: ActionItem, when: Any) -> Mrkdwn:
    return md(
        _("{who} set a new date for “{what}”: {when}. Parley will check in then."),
        who=who,
        what=item.text,
        when=formats.short_day(when),
    )


def reopened(dispute: Dispute, who: str) -> Mrkdwn:
    return md(
        _(
            "{who} reopened {ref}. The agreement stays on record; a new proposal or a new "
            "agreement can now follow."
        ),
        who=who,
        ref=dispute.reference,
    )


def ask_again_next_time() -> str:
    """The private answer to "Partly"."""
    return _("Thanks. Parley will ask again at the next check-in.")


def not_resolved_yet() -> str:
    """The private answer to "Not yet" on "is the dispute resolved for you?"."""
    # Translators: *Ask for a mediator* and *Reopen the dispute* are buttons: use their labels.
    return _(
        "Thanks for saying so. Tell the other side in this thread what is still missing; if "
        "you are stuck, *Ask for a mediator* or *Reopen the dispute* are on the last check-in."
    )


def feedback_from_client_only() -> str:
    return _("Feedback is asked of the client's people. Thank you all the same.")


def feedback_thanks(fresh: bool) -> str:
    """`fresh`: this was the person's first feedback on the dispute (only the first counts)."""
    if fresh:
        return _("Thank you for your feedback.")
    return _("You had already given feedback on this dispute; the first one counts.")


def choose_a_rating() -> str:
    return _("Choose a rating from 1 to 5.")


def pick_a_date() -> str:
    return _("Pick a date.")


def date_in_the_past() -> str:
    return _("The new date is in the past; pick today or later.")
