"""Perspective modal and the thread messages that reveal perspectives."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, text_input, tone_note
from bot.blocks.labels import SIDE_LABELS
from bot.blocks.text import (
    Mrkdwn,
    context,
    md,
    plain,
    quote_sections,
    section,
    truncate,
)
from bot.payloads import PerspectiveMeta
from bot.services.perspectives import PerspectiveText, Shared
from models import Dispute, Perspective

HAPPENED_MAX = 2000
IMPACT_MAX = 1000
RESOLUTION_MAX = 1000
ACK_MAX = 1000

MISSING_HAPPENED = "Tell what happened from your side."
MISSING_IMPACT = "Say how it affected you."
MISSING_RESOLUTION = "Say what would resolve it for you."

_CONFIRMATION = {
    Shared.SEALED: "Thank you. Your perspective is saved and sealed; it will be posted together "
                   "with the other side's.",
    Shared.REVEAL: "Thank you. Both sides have now shared, so both perspectives are in the thread.",
    Shared.POSTED: "Thank you. Your perspective is posted in the thread.",
    Shared.REVISION: "Thank you. Your revised perspective is posted in the thread.",
}


def shared_confirmation(kind: Shared) -> str:
    """What the person who shared is told privately, by what became of their perspective."""
    return _CONFIRMATION[kind]


def perspective_modal(dispute: Dispute, meta: PerspectiveMeta, *, initial: PerspectiveText | None,
                      sealed: bool, tone: list[str] | None = None,
                      version: int = 1) -> dict[str, Any]:
    first = initial or PerspectiveText("", "", "", None)
    note = (
        "It stays sealed until the other side has shared theirs; then both are posted together."
        if sealed else "It will be posted in the dispute thread, where both sides can read it."
    )
    intro = md("*{ref} · {title}*\n{note}", ref=dispute.reference, title=truncate(dispute.title, 200),
               note=note)
    if version > 1:
        intro += md("\nThis will be version {v} of your perspective; earlier versions are kept.",
                    v=version)
    return {
        "type": "modal",
        "callback_id": ids.PERSPECTIVE_MODAL,
        "title": plain("Share your perspective"),
        "submit": plain("Share"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": [
            *tone_note(tone or []),
            section(intro),
            input_block(ids.B_P_HAPPENED, "What happened, from your side?", text_input(
                ids.A_P_HAPPENED, max_length=HAPPENED_MAX, multiline=True,
                initial=first.what_happened, placeholder="The facts as you saw them")),
            input_block(ids.B_P_IMPACT, "How did it affect you?", text_input(
                ids.A_P_IMPACT, max_length=IMPACT_MAX, multiline=True, initial=first.impact,
                placeholder="Time, money, customers, your team")),
            input_block(ids.B_P_RESOLUTION, "What would resolve it for you?", text_input(
                ids.A_P_RESOLUTION, max_length=RESOLUTION_MAX, multiline=True,
                initial=first.resolution)),
            input_block(ids.B_P_ACK, "What do you acknowledge of the other side's view?",
                        text_input(ids.A_P_ACK, max_length=ACK_MAX, multiline=True,
                                   initial=first.acknowledgement),
                        optional=True,
                        hint="Optional. Acknowledging one fair point often moves things forward."),
        ],
    }


def perspective_message(perspective: Perspective, who: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    side = SIDE_LABELS.get(perspective.party.side, perspective.party.side)
    heading = (md("*Revised perspective (v{v}) from {who}*", v=perspective.version, who=who)
               if perspective.version > 1 else md("*Perspective from {who}*", who=who))
    blocks = [
        section(md("{heading} · {side}", heading=heading, side=side)),
        *quote_sections(Mrkdwn("*What happened*"), perspective.what_happened),
        *quote_sections(Mrkdwn("*How it affected them*"), perspective.impact),
        *quote_sections(Mrkdwn("*What would resolve it*"), perspective.resolution),
    ]
    if perspective.acknowledgement:
        blocks += quote_sections(Mrkdwn("*What they acknowledge*"), perspective.acknowledgement)
    return md("Perspective from {who}", who=who), blocks


def sealed_notice(who: str, waiting: list[str]) -> Mrkdwn:
    return md(":lock: {who} has shared their perspective; it will be shown when {others} has shared "
              "theirs.", who=who, others=" and ".join(waiting) if waiting else "the other side")


def reveal_intro(reference: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    text = md(":unlock: Both sides have shared their perspectives on {ref}. Here they are.",
              ref=reference)
    return text, [section(text), context("Read the other side's view before proposing a solution.")]
