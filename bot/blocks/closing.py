"""Closing or withdrawing a dispute, and the internal lessons-learned request."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, static_select, text_input, user_select
from bot.blocks.text import (
    Mrkdwn,
    button,
    channel_link,
    context,
    md,
    mention,
    plain,
    quoted,
    section,
    truncate,
)
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
        "type": "modal",
        "callback_id": ids.CLOSE_MODAL,
        "title": plain("Withdraw" if how == "withdrawn" else "Close the dispute"),
        "submit": plain("Withdraw" if how == "withdrawn" else "Close" if how == "closed" else "Propose"),
        "close": plain("Cancel"),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            section(
                md(
                    "*{ref} · {title}*\n{what}",
                    ref=dispute.reference,
                    title=truncate(dispute.title, 200),
                    what=WHAT_HAPPENS[how],
                )
            ),
            input_block(
                ids.B_CLOSE_REASON, "Why?", text_input(ids.A_CLOSE_REASON, max_length=1000, multiline=True)
            ),
        ],
    }


def ended_text(dispute: Dispute, who: str, how: str) -> Mrkdwn:
    reason = md("\n{why}", why=quoted(truncate(dispute.ended_reason, 1000))) if dispute.ended_reason else ""
    if how == "withdrawn":
        return md(":lock: {who} withdrew {ref}.{reason}", who=who, ref=dispute.reference, reason=reason)
    return md(
        ":lock: {ref} is closed ({who} closed it).{reason}", ref=dispute.reference, who=who, reason=reason
    )


def close_requested(dispute: Dispute, who: str, reason: str, waiting: str = "the other side") -> Mrkdwn:
    """`waiting`: the side whose agreement would close it ("Studio's side")."""
    return md(
        "{who} proposes closing {ref}:\n{why}\nIf {waiting} agrees, they can use *Close "
        "or withdraw* on the card.",
        who=who,
        ref=dispute.reference,
        why=quoted(truncate(reason, 1000)),
        waiting=waiting,
    )


def lessons_request(dispute: Dispute) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    text = md(
        "{ref} ({title}) has ended. What should the team take from it? This stays inside your team.",
        ref=dispute.reference,
        title=truncate(dispute.title, 150),
    )
    return text, [
        section(text),
        {
            "type": "actions",
            "block_id": "lessons",
            "elements": [
                button(
                    "Record lessons learned",
                    ids.RECORD_LESSONS,
                    DisputeButton(d=dispute.id).encode(),
                    style="primary",
                )
            ],
        },
    ]


def lessons_modal(dispute: Dispute) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.LESSONS_MODAL,
        "title": plain("Lessons learned"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            context("Internal: only your team sees this, never the client."),
            input_block(
                ids.B_ROOT_CAUSE,
                "Root cause",
                static_select(ids.A_ROOT_CAUSE, ROOT_CAUSES, placeholder="Choose one"),
            ),
            input_block(
                ids.B_CHANGE, "What should change?", text_input(ids.A_CHANGE, max_length=2000, multiline=True)
            ),
            input_block(ids.B_LESSON_OWNER, "Owner", user_select(ids.A_LESSON_OWNER), optional=True),
        ],
    }


def lessons_posted(dispute: Dispute, lesson: LessonLearned) -> Mrkdwn:
    owner = md(" · owner {who}", who=mention(lesson.owner_user)) if lesson.owner_user else ""
    return md(
        ":memo: Lessons learned from {ref} ({cause}{owner}):\n{what}",
        ref=dispute.reference,
        cause=ROOT_CAUSES.get(lesson.root_cause, lesson.root_cause),
        owner=owner,
        what=quoted(truncate(lesson.what_to_change, 2000)),
    )


def lessons_saved(channel_id: str | None, text: Mrkdwn) -> Mrkdwn:
    """The private thank-you after lessons learned: where they went, or the text itself."""
    if channel_id:
        return md("Thank you. The lessons learned are posted in {channel}.", channel=channel_link(channel_id))
    return md("Thank you, recorded.\n{text}", text=text)


def owner_from_your_team() -> str:
    return "Choose someone from your own team: lessons learned stay inside it."


def say_why() -> str:
    return "Say why, in a sentence."


def choose_a_root_cause() -> str:
    return "Choose the root cause that fits best."


def say_what_should_change() -> str:
    return "Say what should change (up to 2,000 characters)."
