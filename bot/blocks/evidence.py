"""Evidence: the forms that attach it, the thread's one Evidence message, and what the person
who attached something is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, option, text_input
from bot.blocks.text import Mrkdwn, context, inline, link, md, plain, quoted, section, slack_date, truncate
from bot.payloads import EvidenceMeta, MessageEvidenceMeta
from models import Dispute, EvidenceItem, EvidenceKind, EvidenceStatus

NOTE_MAX = 300
LINK_MAX = 500
SHOWN_MAX = 40  # items listed in the thread (Block Kit's 50 blocks); the export has them all

MISSING = "Attach a file, or paste a link to a Slack message."
NOT_A_LINK = "Paste a Slack message link (in Slack: the message's menu, then Copy link)."


def file_input(action_id: str, max_files: int) -> dict[str, Any]:
    return {"type": "file_input", "action_id": action_id, "max_files": max(1, min(max_files, 10))}


def files_block(
    block_id: str, action_id: str, max_files: int, max_mb: int, *, sealed: bool
) -> dict[str, Any]:
    hint = f"Up to {max_files} files, {max_mb} MB each. Parley keeps its own copy."
    if sealed:
        hint += " They stay sealed with your side until the other side has shared theirs."
    return input_block(
        block_id, "Files that show it", file_input(action_id, max_files), optional=True, hint=hint
    )


def evidence_modal(dispute: Dispute, meta: EvidenceMeta, *, max_files: int, max_mb: int) -> dict[str, Any]:
    intro = md(
        "*{ref} · {title}*\nBoth sides will see what you add, in the dispute thread. Parley keeps "
        "its own copy, so the record stands even if the original is later edited or deleted.",
        ref=dispute.reference,
        title=truncate(dispute.title, 200),
    )
    return {
        "type": "modal",
        "callback_id": ids.EVIDENCE_MODAL,
        "title": plain("Add evidence"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": [
            section(intro),
            files_block(ids.B_EV_FILES, ids.A_EV_FILES, max_files, max_mb, sealed=False),
            input_block(
                ids.B_EV_LINK,
                "Or a link to a Slack message",
                text_input(ids.A_EV_LINK, max_length=LINK_MAX, placeholder="https://…slack.com/archives/…"),
                optional=True,
                hint="In Slack: the message's menu (⋮), then Copy link.",
            ),
            _note_block(),
        ],
    }


def _note_block() -> dict[str, Any]:
    return input_block(
        ids.B_EV_NOTE,
        "What does it show?",
        text_input(ids.A_EV_NOTE, max_length=NOTE_MAX, placeholder="The brief as approved on 3 March"),
        optional=True,
    )


def message_modal(meta: MessageEvidenceMeta, disputes: list[Dispute], preview: str) -> dict[str, Any]:
    """The message shortcut's form: which of the channel's open disputes, and a note."""
    blocks: list[dict[str, Any]] = [
        section(md("*The message*\n{text}", text=quoted(preview or "(no text)", 500))),
        input_block(
            ids.B_EV_DISPUTE,
            "Add it to",
            {
                "type": "static_select",
                "action_id": ids.A_EV_DISPUTE,
                "options": [option(str(d.id), f"{d.reference} · {d.title}") for d in disputes[:100]],
                **(
                    {
                        "initial_option": option(
                            str(disputes[0].id), f"{disputes[0].reference} · {disputes[0].title}"
                        )
                    }
                    if len(disputes) == 1
                    else {}
                ),
            },
        ),
        _note_block(),
        context(
            "Parley keeps the message as it reads now, with its author, time and files, so the "
            "record stands even if it is later edited or deleted. Both sides will see it."
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.MESSAGE_EVIDENCE_MODAL,
        "title": plain("Add to a dispute"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": blocks,
    }


def no_dispute_modal() -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Add to a dispute"),
        "close": plain("Close"),
        "blocks": [
            section(
                md(
                    "There is no open dispute in this channel that you take part in. Evidence is "
                    "added to a dispute from its own channel."
                )
            )
        ],
    }


# ----- the thread's one Evidence message ---------------------------------------------------------


def _size(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _line(item: EvidenceItem, who: str) -> Mrkdwn:
    shown = inline(item.name, 120)
    name = link(item.permalink, str(shown)) if item.permalink else shown
    line = md(
        "*{label}* · {name}{size}\n{who}, {when}",
        label=item.label,
        name=name,
        size=f" ({_size(item.size)})"
        if item.size and item.status == EvidenceStatus.KEPT and item.kind == EvidenceKind.FILE
        else "",
        who=who,
        when=slack_date(item.added_at),
    )
    if item.status == EvidenceStatus.NOT_COPIED:
        line += md(" · _not copied: a link only_")
    elif item.status == EvidenceStatus.WAITING:
        line += md(" · _being copied…_")
    if item.note:
        line += Mrkdwn("\n") + quoted(item.note, 300)
    return line


def evidence_message(
    reference: str,
    items: list[EvidenceItem],
    sealed: dict[str, int],
    who: Callable[[str, str], str],
    side_name: Callable[[str], str],
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """`items`: what both sides may see; `sealed`: per side, how many items wait with its sealed
    account; `who(team, user)` names a person, `side_name(side)` an organization."""
    count = len(items) + sum(sealed.values())
    text = md(
        "Evidence on record for {ref}: {n}", ref=reference, n=f"{count} item{'s' if count != 1 else ''}"
    )
    blocks: list[dict[str, Any]] = [section(md("*Evidence on record*"))]
    for item in items[:SHOWN_MAX]:
        blocks.append(section(_line(item, who(item.added_by_team, item.added_by_user))))
    if len(items) > SHOWN_MAX:
        blocks.append(
            context(
                md(
                    "And {n} more. Every item is in the dispute's export.",
                    n=len(items) - SHOWN_MAX,
                )
            )
        )
    for side, n in sorted(sealed.items()):
        blocks.append(
            context(
                md(
                    ":lock: {n} from {org}, sealed with its account until both sides have shared.",
                    n=f"{n} item{'s' if n != 1 else ''}",
                    org=side_name(side),
                )
            )
        )
    blocks.append(
        context(
            "Parley keeps its own copy of each item, so the record stands even if a file or "
            "message is later edited or deleted."
        )
    )
    return text, blocks


# ----- what the person who attached it is told ------------------------------------------------


def attached_note(
    kept: list[str], duplicates: list[str], refused: list[tuple[str, str]], none_attached: str | None = None
) -> Mrkdwn:
    """What the person who attached evidence is told privately: `kept` and `duplicates` are
    items' names, `refused` (name, why)."""

    def names(found: list[str]) -> Mrkdwn:
        return Mrkdwn(", ").join(inline(n, 80) for n in found)

    lines = []
    if none_attached:
        lines.append(md("Your files were not attached: {why} The rest went through.", why=none_attached))
    if kept:
        lines.append(md("Added to the record: {names}.", names=names(kept)))
    if duplicates:
        lines.append(
            md("Already on record (the same file was added before): {names}.", names=names(duplicates))
        )
    for name, why in refused:
        lines.append(
            md("Not copied: {name}. {why} It is recorded as a link only.", name=inline(name, 80), why=why)
        )
    return Mrkdwn("\n").join(lines) if lines else md("Nothing was added.")
