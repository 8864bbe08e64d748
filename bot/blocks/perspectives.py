"""Perspective modal and the thread messages that reveal perspectives."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.evidence import files_block
from bot.blocks.inputs import input_block, text_input, tone_note
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

HAPPENED_MAX = 2500  # as long as the dispute form's, whose account "Revise your side" fills in
IMPACT_MAX = 1000
RESOLUTION_MAX = 1500
ACK_MAX = 1000

MISSING_HAPPENED = "Tell what happened from your side."
MISSING_RESOLUTION = "Say what would resolve it for you."

_CONFIRMATION = {
    Shared.SEALED: "Thank you. Your side is saved and sealed; it will be shown together with the "
    "other side's, once they have shared theirs.",
    Shared.REVEAL: "Thank you. Both sides have now shared, so both are in the thread.",
    Shared.POSTED: "Thank you. Your side is posted in the thread.",
    Shared.REVISION: "Thank you. Your revised side is posted in the thread.",
}


def shared_confirmation(kind: Shared) -> str:
    """What the person who shared is told privately, by what became of their perspective."""
    return _CONFIRMATION[kind]


def perspective_modal(
    dispute: Dispute,
    meta: PerspectiveMeta,
    *,
    initial: PerspectiveText | None,
    sealed: bool,
    tone: list[str] | None = None,
    version: int = 1,
    files: tuple[int, int] = (10, 10),
) -> dict[str, Any]:
    """`files`: how many files the form takes, and how many MB each."""
    first = initial or PerspectiveText("", "", "", None)
    note = (
        "It stays sealed until the other side has shared theirs; then both are posted together."
        if sealed
        else "It will be posted in the dispute thread, where both sides can read it."
    )
    intro = md(
        "*{ref} · {title}*\n{note}", ref=dispute.reference, title=truncate(dispute.title, 200), note=note
    )
    if version > 1:
        intro += md(
            "\nThis will be version {v} of your side's account; earlier versions are kept.", v=version
        )
    return {
        "type": "modal",
        "callback_id": ids.PERSPECTIVE_MODAL,
        "title": plain("Revise your side" if version > 1 else "Share your side"),
        "submit": plain("Share"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": [
            *tone_note(tone or []),
            section(intro),
            input_block(
                ids.B_P_HAPPENED,
                "What happened, from your side?",
                text_input(
                    ids.A_P_HAPPENED,
                    max_length=HAPPENED_MAX,
                    multiline=True,
                    initial=first.what_happened,
                    placeholder="The facts as you saw them",
                ),
            ),
            input_block(
                ids.B_P_IMPACT,
                "How did it affect you?",
                text_input(
                    ids.A_P_IMPACT,
                    max_length=IMPACT_MAX,
                    multiline=True,
                    initial=first.impact,
                    placeholder="Time, money, customers, your team",
                ),
                optional=True,
            ),
            input_block(
                ids.B_P_RESOLUTION,
                "What would resolve it for you?",
                text_input(
                    ids.A_P_RESOLUTION, max_length=RESOLUTION_MAX, multiline=True, initial=first.resolution
                ),
            ),
            input_block(
                ids.B_P_ACK,
                "What do you acknowledge of the other side's view?",
                text_input(ids.A_P_ACK, max_length=ACK_MAX, multiline=True, initial=first.acknowledgement),
                optional=True,
                hint="Optional. Acknowledging one fair point often moves things forward.",
            ),
            files_block(ids.B_P_FILES, ids.A_P_FILES, files[0], files[1], sealed=sealed),
        ],
    }


BLOCKS_MAX = 50  # Block Kit's limit for a message


def _account(perspective: Perspective) -> list[dict[str, Any]]:
    """One side's account, every part of it quoted (it is their words); parts left empty are
    left out (an account given when the dispute was raised has no separate impact)."""
    blocks = [*quote_sections(Mrkdwn("*What happened*"), perspective.what_happened)]
    if perspective.impact:
        blocks += quote_sections(Mrkdwn("*How it affected them*"), perspective.impact)
    blocks += quote_sections(Mrkdwn("*What would resolve it*"), perspective.resolution)
    if perspective.acknowledgement:
        blocks += quote_sections(Mrkdwn("*What they acknowledge*"), perspective.acknowledgement)
    return blocks


def perspective_message(perspective: Perspective, who: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """One side's account, posted on its own (sealing off, or a revision after the reveal).
    `who`: "Cora (Client Co)"."""
    heading = (
        md("*{who}'s side, revised (version {v})*", v=perspective.version, who=who)
        if perspective.version > 1
        else md("*{who}'s side*", who=who)
    )
    return md("{who}'s side", who=who), [section(heading), *_account(perspective)]


def both_sides(
    reference: str, accounts: list[tuple[str, Perspective]], *, first: bool = True, last: bool = True
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """Both sides' accounts, revealed together: (who, perspective) each. In one message, unless
    they are too long for one (Block Kit's 50 blocks): then in several, in order (`first` opens
    the reveal, `last` closes it; see reveal_groups)."""
    text = (
        md("Both sides have told their side of {ref}. Here they are, side by side.", ref=reference)
        if first
        else md("The accounts of {ref}, continued.", ref=reference)
    )
    blocks: list[dict[str, Any]] = [section(text)]
    for who, perspective in accounts:
        blocks += [{"type": "divider"}, section(md("*{who}*", who=who)), *_account(perspective)]
    if last:
        blocks.append(context("Read the other side's account before proposing a solution."))
    return text, blocks


def reveal_groups(perspectives: list[Perspective]) -> list[list[Perspective]]:
    """The accounts in as few messages as hold all of them, each within Block Kit's 50 blocks
    (an opening line, a closing line, and per account a divider, a name and its quoted parts).
    Usually one message; long accounts or several people on one side may need more."""
    groups: list[list[Perspective]] = []
    used = BLOCKS_MAX
    for perspective in perspectives:
        size = 2 + len(_account(perspective))
        if used + size > BLOCKS_MAX:
            groups.append([])
            used = 2
        groups[-1].append(perspective)
        used += size
    return groups


def sealed_notice(who: str, waiting: list[str]) -> Mrkdwn:
    """(Rows from before the card said who has told its side.)"""
    return md(
        ":lock: {who} has told their side; it will be shown when {others} has told theirs.",
        who=who,
        others=" and ".join(waiting) if waiting else "the other side",
    )


def reveal_intro(reference: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """(Rows from before both sides' accounts went out in one message.)"""
    text = md(":unlock: Both sides have told their side of {ref}. Here they are.", ref=reference)
    return text, [section(text), context("Read the other side's account before proposing a solution.")]
