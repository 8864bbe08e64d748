"""Closing or withdrawing a dispute, and the internal lessons-learned request."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, static_select, text_input, user_select
from bot.blocks.text import button, context, escape, mention, plain, section, truncate
from bot.payloads import DisputeButton
from bot.services.vocabulary import ROOT_CAUSES
from models import Dispute, LessonLearned

WHAT_HAPPENS = {
    "withdrawn": "You opened this dispute, so this withdraws it. Both sides will see your reason.",
    "closed": "This closes the dispute for both sides. Both sides will see your reason.",
    "request": "This proposes closing the dispute; it closes when the other side agrees.",
}


def close_modal(dispute: Dispute, how: str) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": ids.CLOSE_MODAL,
        "title": plain("Withdraw" if how == "withdrawn" else "Close the dispute"),
        "submit": plain("Withdraw" if how == "withdrawn" else "Close" if how == "closed" else "Propose"),
        "close": plain("Cancel"),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            section(f"*{dispute.reference} · {escape(truncate(dispute.title, 200))}*\n{WHAT_HAPPENS[how]}"),
            input_block(ids.B_CLOSE_REASON, "Why?", text_input(ids.A_CLOSE_REASON, max_length=1000,
                                                             multiline=True)),
        ],
    }


def ended_text(dispute: Dispute, who: str, how: str) -> str:
    reason = f"\n>{escape(truncate(dispute.ended_reason or '', 1000))}" if dispute.ended_reason else ""
    if how == "withdrawn":
        return f":lock: {escape(who)} withdrew {dispute.reference}.{reason}"
    return f":lock: {dispute.reference} is closed ({escape(who)} closed it).{reason}"


def close_requested(dispute: Dispute, who: str, reason: str) -> str:
    return (f"{escape(who)} proposes closing {dispute.reference}:\n>{escape(truncate(reason, 1000))}\n"
            "If the other side agrees, they can use *Close or withdraw* on the card.")


def lessons_request(dispute: Dispute) -> tuple[str, list[dict[str, Any]]]:
    text = (f"{dispute.reference} ({escape(truncate(dispute.title, 150))}) has ended. What should the "
            "team take from it? This stays inside your team.")
    return text, [section(text), {"type": "actions", "block_id": "lessons", "elements": [
        button("Record lessons learned", ids.RECORD_LESSONS, DisputeButton(d=dispute.id).encode(),
               style="primary")]}]


def lessons_modal(dispute: Dispute) -> dict[str, Any]:
    return {
        "type": "modal", "callback_id": ids.LESSONS_MODAL, "title": plain("Lessons learned"),
        "submit": plain("Save"), "close": plain("Cancel"),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            context("Internal: only your team sees this, never the client."),
            input_block(ids.B_ROOT_CAUSE, "Root cause", static_select(
                ids.A_ROOT_CAUSE, ROOT_CAUSES, placeholder="Choose one")),
            input_block(ids.B_CHANGE, "What should change?", text_input(
                ids.A_CHANGE, max_length=2000, multiline=True)),
            input_block(ids.B_LESSON_OWNER, "Owner", user_select(ids.A_LESSON_OWNER), optional=True),
        ],
    }


def lessons_posted(dispute: Dispute, lesson: LessonLearned) -> str:
    owner = f" · owner {mention(lesson.owner_user)}" if lesson.owner_user else ""
    return (f":memo: Lessons learned from {dispute.reference} ({ROOT_CAUSES.get(lesson.root_cause)}{owner}):\n"
            f">{escape(truncate(lesson.what_to_change, 2000))}")
