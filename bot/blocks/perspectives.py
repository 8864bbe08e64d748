"""Perspective modal and the thread messages that reveal perspectives."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.evidence import files_block
from bot.blocks.inputs import input_block, text_input, tone_note
from bot.blocks.text import (
    Mrkdwn,
    and_join,
    context,
    md,
    plain,
    quote_sections,
    section,
    truncate,
)
from bot.i18n import N_, _
from bot.payloads import PerspectiveMeta
from bot.services.perspectives import PerspectiveText, Shared
from models import Dispute, Perspective

HAPPENED_MAX = 2500  # as long as the dispute form's, whose account "Revise your side" fills in
IMPACT_MAX = 1000
RESOLUTION_MAX = 1500
ACK_MAX = 1000

# The form's errors, in English for callers that read the constants; `missing_happened()` and
# `missing_resolution()` in the language in use.
MISSING_HAPPENED = N_("Tell what happened from your side.")
MISSING_RESOLUTION = N_("Say what would resolve it for you.")


def missing_happened() -> str:
    return _(MISSING_HAPPENED)


def missing_resolution() -> str:
    return _(MISSING_RESOLUTION)


_CONFIRMATION = {
    Shared.SEALED: N_(
        "Thank you. Your side is saved and sealed; it will be shown together with the "
        "other side's, once they have shared theirs."
    ),
    Shared.REVEAL: N_("Thank you. Both sides have now shared, so both are in the thread."),
    Shared.POSTED: N_("Thank you. Your side is posted in the thread."),
    Shared.REVISION: N_("Thank you. Your revised side is posted in the thread."),
}


def shared_confirmation(kind: Shared) -> str:
    """What the person who shared is told privately, by what became of their perspective."""
    return _(_CONFIRMATION[kind])


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
        _("It stays sealed until the other side has shared theirs; then both are posted together.")
        if sealed
        else _("It will be posted in the dispute thread, where both sides can read it.")
    )
    intro = md(
        "*{ref} · {title}*\n{note}", ref=dispute.reference, title=truncate(dispute.title, 200), note=note
    )
    if version > 1:
        intro += Mrkdwn("\n") + md(
            # Translators: {v} is a number (2, 3, …).
            _("This will be version {v} of your side's account; earlier versions are kept."),
            v=version,
        )
    return {
        "type": "modal",
        "callback_id": ids.PERSPECTIVE_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Revise your side") if version > 1 else _("Share your side")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Share")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": [
            *tone_note(tone or []),
            section(intro),
            input_block(
                ids.B_P_HAPPENED,
                _("What happened, from your side?"),
                text_input(
                    ids.A_P_HAPPENED,
                    max_length=HAPPENED_MAX,
                    multiline=True,
                    initial=first.what_happened,
                    placeholder=_("The facts as you saw them"),
                ),
            ),
            input_block(
                ids.B_P_IMPACT,
                _("How did it affect you?"),
                text_input(
                    ids.A_P_IMPACT,
                    max_length=IMPACT_MAX,
                    multiline=True,
                    initial=first.impact,
                    placeholder=_("Time, money, customers, your team"),
                ),
                optional=True,
            ),
            input_block(
                ids.B_P_RESOLUTION,
                _("What would resolve it for you?"),
                text_input(
                    ids.A_P_RESOLUTION, max_length=RESOLUTION_MAX, multiline=True, initial=first.resolution
                ),
            ),
            input_block(
                ids.B_P_ACK,
                _("What do you acknowledge of the other side's view?"),
                text_input(ids.A_P_ACK, max_length=ACK_MAX, multiline=True, initial=first.acknowledgement),
                optional=True,
                hint=_("Optional. Acknowledging one fair point often moves things forward."),
            ),
            files_block(ids.B_P_FILES, ids.A_P_FILES, files[0], files[1], sealed=sealed),
        ],
    }


BLOCKS_MAX = 50  # Block Kit's limit for a message


def _account(perspective: Perspective) -> list[dict[str, Any]]:
    """One side's account, every part of it quoted (it is their words); parts left empty are
    left out (an account given when the dispute was raised has no separate impact)."""
    blocks = [*quote_sections(md(_("*What happened*")), perspective.what_happened)]
    if perspective.impact:
        blocks += quote_sections(md(_("*How it affected them*")), perspective.impact)
    blocks += quote_sections(md(_("*What would resolve it*")), perspective.resolution)
    if perspective.acknowledgement:
        blocks += quote_sections(md(_("*What they acknowledge*")), perspective.acknowledgement)
    return blocks


def perspective_message(perspective: Perspective, who: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """One side's account, posted on its own (sealing off, or a revision after the reveal).
    `who`: "Cora (Client Co)"."""
    heading = (
        # Translators: {who} is "Name (Organization)"; {v} a number (2, 3, …).
        md(_("*{who}'s side, revised (version {v})*"), v=perspective.version, who=who)
        if perspective.version > 1
        # Translators: {who} is "Name (Organization)".
        else md(_("*{who}'s side*"), who=who)
    )
    # Translators: {who} is "Name (Organization)".
    return md(_("{who}'s side"), who=who), [section(heading), *_account(perspective)]


def both_sides(
    reference: str, accounts: list[tuple[str, Perspective]], *, first: bool = True, last: bool = True
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """Both sides' accounts, revealed together: (who, perspective) each. In one message, unless
    they are too long for one (Block Kit's 50 blocks): then in several, in order (`first` opens
    the reveal, `last` closes it; see reveal_groups)."""
    text = (
        md(_("Both sides have told their side of {ref}. Here they are, side by side."), ref=reference)
        if first
        else md(_("The accounts of {ref}, continued."), ref=reference)
    )
    blocks: list[dict[str, Any]] = [section(text)]
    for who, perspective in accounts:
        blocks += [{"type": "divider"}, section(md("*{who}*", who=who)), *_account(perspective)]
    if last:
        blocks.append(context(_("Read the other side's account before proposing a solution.")))
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
    if not waiting:
        return md(
            _(":lock: {who} has told their side; it will be shown when the other side has told theirs."),
            who=who,
        )
    return md(
        # Translators: {who} is "Name (Organization)", {others} one or more names ("A and B").
        _(":lock: {who} has told their side; it will be shown when {others} has told theirs."),
        who=who,
        others=and_join(waiting),
    )


def reveal_intro(reference: str) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """(Rows from before both sides' accounts went out in one message.)"""
    text = md(_(":unlock: Both sides have told their side of {ref}. Here they are."), ref=reference)
    return text, [section(text), context(_("Read the other side's account before proposing a solution."))]
