"""The "Request a mediator" modal and its thread message."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, static_select, text_input, user_select
from bot.blocks.text import escape, mention, plain, section, truncate
from bot.payloads import DisputeButton
from models import Dispute


def mediator_modal(dispute: Dispute, listed: dict[str, str]) -> dict[str, Any]:
    """`listed`: the policy's mediators, user id → name."""
    blocks: list[dict[str, Any]] = [section(
        f"*{dispute.reference} · {escape(truncate(dispute.title, 200))}*\nA mediator joins as a neutral "
        "party: they can draft the agreement and add parties, and don't approve for either side.")]
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


def mediator_joined(dispute: Dispute, who: str, mediator_id: str, reason: str) -> str:
    return (f":busts_in_silhouette: {escape(who)} asked for a neutral mediator for {dispute.reference}:\n"
            f">{escape(truncate(reason, 1000))}\n{mention(mediator_id)} joins as mediator.")
