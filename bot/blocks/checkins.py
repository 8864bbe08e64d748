"""Check-in messages, and the messages that follow an answer."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import date_picker, input_block, static_select, text_input
from bot.blocks.text import (
    button,
    context,
    escape,
    mention,
    mentions,
    plain,
    section,
    truncate,
)
from bot.payloads import CheckInAnswer, DisputeButton, ItemButton, ItemMeta
from models import ActionItem, Dispute

ANSWER_WORDS = {"done": ":white_check_mark: Done", "partly": ":large_orange_circle: Partly done",
                "not_yet": ":hourglass_flowing_sand: Not done yet"}


def _due(item: ActionItem) -> str:
    return f"{item.due_date.day} {item.due_date:%b %Y}"


def checkin_message(dispute: Dispute, checkin_id: int, items: list[ActionItem],
                    answered: dict[int, str] | None = None) -> tuple[str, list[dict[str, Any]]]:
    """One question per action item, each with Yes, done / Partly / Not yet."""
    answered = answered or {}
    owners = list(dict.fromkeys(i.owner_user for i in items))
    blocks: list[dict[str, Any]] = [section(
        f":alarm_clock: *Check-in on {dispute.reference}* · {escape(truncate(dispute.title, 150))}\n"
        f"{mentions(owners)}, a quick update on what was agreed, please.")]
    for item in items:
        blocks.append(section(f"*Was “{escape(item.text)}” done?*\nOwner {mention(item.owner_user)} · "
                              f"due {_due(item)}"))
        if item.id in answered:
            blocks.append(context(answered[item.id]))
            continue
        value = CheckInAnswer(d=dispute.id, c=checkin_id, i=item.id).encode()
        blocks.append({"type": "actions", "block_id": f"checkin_{checkin_id}_{item.id}", "elements": [
            button("Yes, done", ids.CHECKIN_DONE, value, style="primary"),
            button("Partly", ids.CHECKIN_PARTLY, value),
            button("Not yet", ids.CHECKIN_NOT_YET, value),
        ]})
    names = "; ".join(f"“{truncate(i.text, 80)}”" for i in items)
    return f"Check-in on {dispute.reference}: was {names} done? {mentions(owners)}", blocks


def not_yet_options(dispute: Dispute, item: ActionItem, who: str) -> tuple[str, list[dict[str, Any]]]:
    text = (f"{escape(who)} says “{escape(item.text)}” is not done yet. What would help: a new date, "
            "reopening the dispute, or a neutral mediator?")
    value = ItemButton(d=dispute.id, i=item.id).encode()
    return text, [section(text), {"type": "actions", "block_id": f"not_yet_{item.id}", "elements": [
        button("Set a new date", ids.NEW_DATE, value, style="primary"),
        button("Reopen the dispute", ids.REOPEN, value),
        button("Request a mediator", ids.REQUEST_MEDIATOR, value),
    ]}]


def all_done(dispute: Dispute, client_users: list[str]) -> tuple[str, list[dict[str, Any]]]:
    text = (f"Every action item of {dispute.reference} is marked done. {mentions(client_users)}, "
            "is the dispute resolved for you?")
    value = DisputeButton(d=dispute.id).encode()
    return text, [section(text), {"type": "actions", "block_id": "confirm_resolved", "elements": [
        button("Yes, it's resolved", ids.CONFIRM_RESOLVED, value, style="primary"),
        button("Not yet", ids.NOT_RESOLVED, value),
    ]}]


def resolved(dispute: Dispute, who: str, client_users: list[str]) -> tuple[str, list[dict[str, Any]]]:
    text = (f":tada: {escape(who)} confirmed that {dispute.reference} is resolved. Thank you both for "
            "working it through.")
    return text, [section(text), section(
        f"{mentions(client_users)}, how did this go for you? Your rating helps the team improve."),
        {"type": "actions", "block_id": "feedback", "elements": [
            button("Give feedback", ids.GIVE_FEEDBACK, DisputeButton(d=dispute.id).encode())]}]


def new_date_modal(dispute: Dispute, item: ActionItem) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": ids.NEW_DATE_MODAL, "title": plain("Set a new date"),
        "submit": plain("Save"), "close": plain("Cancel"),
        "private_metadata": ItemMeta(d=dispute.id, i=item.id).encode(),
        "blocks": [
            section(f"*{escape(truncate(item.text, 200))}* · {dispute.reference}\n"
                    f"It was due {_due(item)}. Parley will check in again on the new date."),
            input_block(ids.B_NEW_DATE, "New due date", date_picker(ids.A_NEW_DATE)),
        ],
    }


def feedback_modal(dispute: Dispute) -> dict[str, Any]:
    ratings = {"5": "5 · Very well", "4": "4 · Well", "3": "3 · Okay", "2": "2 · Poorly",
               "1": "1 · Very poorly"}
    return {
        "type": "modal", "callback_id": ids.FEEDBACK_MODAL, "title": plain("Your feedback"),
        "submit": plain("Send"), "close": plain("Cancel"),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            section(f"How was {dispute.reference} handled? Only the team that handled it sees this."),
            input_block(ids.B_RATING, "Rating", static_select(ids.A_RATING, ratings,
                                                              placeholder="Choose 1 to 5")),
            input_block(ids.B_COMMENT, "Anything to add?", text_input(
                ids.A_COMMENT, max_length=1000, multiline=True), optional=True),
        ],
    }




