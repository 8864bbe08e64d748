"""The "Request a mediator" modal and its thread message."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, static_select, text_input, user_select
from bot.blocks.text import (
    Mrkdwn,
    channel_link,
    md,
    mention,
    plain,
    quoted,
    section,
    truncate,
)
from bot.payloads import DisputeButton
from models import Dispute


def mediator_modal(dispute: Dispute, listed: dict[str, str]) -> dict[str, Any]:
    """`listed`: the policy's mediators, user id → name."""
    blocks: list[dict[str, Any]] = [section(md(
        "*{ref} · {title}*\nA mediator joins as a neutral party: they can draft the agreement and "
        "add parties, and don't approve for either side.", ref=dispute.reference,
        title=truncate(dispute.title, 200)))]
    if listed:
        blocks.append(input_block(ids.B_MEDIATOR_LISTED, "Your team's mediators", static_select(
            ids.A_MEDIATOR_LISTED, listed, placeholder="Choose a mediator"), optional=True))
    blocks += [
        input_block(ids.B_MEDIATOR_ANYONE, "Or anyone" if listed else "Who should mediate?",
                    user_select(ids.A_MEDIATOR_ANYONE, placeholder="Choose a person"), optional=True),
        input_block(ids.B_MEDIATOR_REASON, "Why a mediator? (both sides see this)", text_input(
            ids.A_MEDIATOR_REASON, max_length=1000, multiline=True)),
        input_block(ids.B_MEDIATOR_NOTE, "Internal note (optional)", text_input(
            ids.A_MEDIATOR_NOTE, max_length=1000, multiline=True), optional=True,
            hint="Only goes to your team's escalation channel, never to the shared channel."),
    ]
    return {"type": "modal", "callback_id": ids.MEDIATOR_MODAL, "title": plain("Request a mediator"),
            "submit": plain("Request"), "close": plain("Cancel"),
            "private_metadata": DisputeButton(d=dispute.id).encode(), "blocks": blocks}


def mediator_joined(dispute: Dispute, who: str, mediator_id: str, reason: str) -> Mrkdwn:
    return md(":busts_in_silhouette: {who} asked for a neutral mediator for {ref}:\n{why}\n"
              "{mediator} joins as mediator.", who=who, ref=dispute.reference,
              why=quoted(truncate(reason, 1000)), mediator=mention(mediator_id))


def mediator_escalation(dispute: Dispute, mediator_id: str, note: str) -> Mrkdwn:
    """For the team's internal escalation channel only."""
    extra = md("\nInternal note: {note}", note=truncate(note, 1000)) if note else ""
    return md(":rotating_light: A mediator ({mediator}) was brought into {ref} in {channel}.{extra}",
              mediator=mention(mediator_id), ref=dispute.reference,
              channel=channel_link(dispute.channel_id), extra=extra)


def say_why_both_sides_see() -> str:
    return "Say why, in a sentence: both sides will see it."


def choose_one_mediator() -> str:
    return "Choose one mediator: from your team's list or anyone."
