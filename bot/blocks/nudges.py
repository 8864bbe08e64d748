"""Reminders in a stalled dispute's thread, and the note to the team's escalation channel."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.text import Mrkdwn, button, channel_link, md, mentions, section
from bot.i18n import _
from bot.payloads import DisputeButton
from models import Dispute

PERSPECTIVES = "perspectives"


def nudge_message(dispute: Dispute, kind: str, waiting: list[str]) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    if kind == PERSPECTIVES:
        text = md(
            _(
                ":wave: A gentle reminder: {who}, {ref} is waiting for your side of what "
                "happened. Use *Share your side* on the card at the top of this thread."
            ),
            who=mentions(waiting),
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
            who=mentions([p.user_id for p in dispute.parties]),
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
    return md(
        _(":rotating_light: {ref} in {channel} has no agreement in effect yet."),
        ref=dispute.reference,
        channel=channel,
    )
