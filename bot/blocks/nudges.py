"""Reminders in a stalled dispute's thread, and the note to the team's escalation channel."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.text import Mrkdwn, button, channel_link, md, mentions, section
from bot.i18n import _
from bot.payloads import DisputeButton
from models import Dispute

PERSPECTIVES = "perspectives"
ANSWER = "answer"
APPROVE = "approve"


def nudge_message(dispute: Dispute, kind: str, waiting: list[str]) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """A reminder to the side the fair clock waits on (`waiting`: its people), in the thread."""
    who = mentions(waiting or [p.user_id for p in dispute.parties])
    if kind == PERSPECTIVES:
        text = md(
            _(
                ":wave: A gentle reminder: {who}, {ref} is waiting for your side of what "
                "happened. Use *{button}* on the card at the top of this thread."
            ),
            who=who,
            ref=dispute.reference,
            button=_("Share your side"),
        )
    elif kind == ANSWER:
        text = md(
            _(
                ":wave: A gentle reminder: {who}, a proposal in {ref} is waiting for your answer. "
                "You can accept it, suggest something else, or decline it, on the card at the top "
                "of this thread."
            ),
            who=who,
            ref=dispute.reference,
        )
    elif kind == APPROVE:
        text = md(
            _(
                ":wave: A gentle reminder: {who}, the agreement in {ref} is waiting for your "
                "approval. It takes effect once each organization has approved it."
            ),
            who=who,
            ref=dispute.reference,
        )
    else:
        text = md(
            _(
                ":hourglass: {ref} has been open for a while without an agreement in effect. "
                "{who}, a proposal or a draft agreement would move it forward; a mediator can "
                "help if you are stuck."
            ),
            ref=dispute.reference,
            who=who,
        )
    return text, [
        section(text),
        {
            "type": "actions",
            "block_id": "nudge",
            "elements": [
                button(_("Ask for a mediator"), ids.ASK_MEDIATOR, DisputeButton(d=dispute.id).encode())
            ],
        },
    ]


def nudge_internal(dispute: Dispute, kind: str) -> Mrkdwn:
    channel = channel_link(dispute.channel_id)
    if kind == PERSPECTIVES:
        return md(
            _(":rotating_light: {ref} in {channel}: a side has not shared its perspective yet."),
            ref=dispute.reference,
            channel=channel,
        )
    if kind == ANSWER:
        return md(
            _(":rotating_light: {ref} in {channel}: a proposal has waited for an answer for a while."),
            ref=dispute.reference,
            channel=channel,
        )
    if kind == APPROVE:
        return md(
            _(":rotating_light: {ref} in {channel}: the agreement has waited for an approval for a while."),
            ref=dispute.reference,
            channel=channel,
        )
    return md(
        _(":rotating_light: {ref} in {channel} has no agreement in effect yet."),
        ref=dispute.reference,
        channel=channel,
    )
