"""Evidence: the forms that attach it, the thread's one Evidence message, and what the person
who attached something is told."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, option, text_input
from bot.blocks.text import Mrkdwn, context, inline, link, md, plain, quoted, section, slack_date, truncate
from bot.i18n import N_, _, formats, ngettext
from bot.payloads import EvidenceMeta, MessageEvidenceMeta
from models import Dispute, EvidenceItem, EvidenceKind, EvidenceStatus

NOTE_MAX = 300
LINK_MAX = 500
SHOWN_MAX = 40  # items listed in the thread (Block Kit's 50 blocks); the export has them all

# The evidence form's errors. Marked for the catalog only: whoever shows them passes them through
# _() (bot/slack/listeners/evidence.py).
MISSING = N_("Attach a file, or paste a link to a Slack message.")
# Translators: "Copy link" is Slack's own menu item: use the words Slack shows in your language.
NOT_A_LINK = N_("Paste a Slack message link (in Slack: the message's menu, then Copy link).")


def file_input(action_id: str, max_files: int) -> dict[str, Any]:
    return {"type": "file_input", "action_id": action_id, "max_files": max(1, min(max_files, 10))}


def files_block(
    block_id: str, action_id: str, max_files: int, max_mb: int, *, sealed: bool
) -> dict[str, Any]:
    if sealed:
        hint = ngettext(
            "Up to {max_files} file, {max_mb} MB each. Parley keeps its own copy. They stay sealed "
            "with your side until the other side has shared theirs.",
            "Up to {max_files} files, {max_mb} MB each. Parley keeps its own copy. They stay sealed "
            "with your side until the other side has shared theirs.",
            max_files,
        )
    else:
        hint = ngettext(
            "Up to {max_files} file, {max_mb} MB each. Parley keeps its own copy.",
            "Up to {max_files} files, {max_mb} MB each. Parley keeps its own copy.",
            max_files,
        )
    return input_block(
        block_id,
        _("Files that show it"),
        file_input(action_id, max_files),
        optional=True,
        hint=hint.format(max_files=max_files, max_mb=max_mb),
    )


def evidence_modal(dispute: Dispute, meta: EvidenceMeta, *, max_files: int, max_mb: int) -> dict[str, Any]:
    intro = md(
        _(
            "*{ref} · {title}*\nBoth sides will see what you add, in the dispute thread. Parley keeps "
            "its own copy, so the record stands even if the original is later edited or deleted."
        ),
        ref=dispute.reference,
        title=truncate(dispute.title, 200),
    )
    return {
        "type": "modal",
        "callback_id": ids.EVIDENCE_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Add evidence")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Add")),
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": [
            section(intro),
            files_block(ids.B_EV_FILES, ids.A_EV_FILES, max_files, max_mb, sealed=False),
            input_block(
                ids.B_EV_LINK,
                _("Or a link to a Slack message"),
                text_input(ids.A_EV_LINK, max_length=LINK_MAX, placeholder="https://…slack.com/archives/…"),
                optional=True,
                # Translators: "Copy link" is Slack's own menu item: use the words Slack shows.
                hint=_("In Slack: the message's menu (⋮), then Copy link."),
            ),
            _note_block(),
        ],
    }


def _note_block() -> dict[str, Any]:
    return input_block(
        ids.B_EV_NOTE,
        _("What does it show?"),
        text_input(ids.A_EV_NOTE, max_length=NOTE_MAX, placeholder=_("The brief as approved on 3 March")),
        optional=True,
    )


def message_modal(meta: MessageEvidenceMeta, disputes: list[Dispute], preview: str) -> dict[str, Any]:
    """The message shortcut's form: which of the channel's open disputes, and a note."""
    blocks: list[dict[str, Any]] = [
        section(md(_("*The message*\n{text}"), text=quoted(preview or _("(no text)"), 500))),
        input_block(
            ids.B_EV_DISPUTE,
            _("Add it to"),
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
            _(
                "Parley keeps the message as it reads now, with its author, time and files, so the "
                "record stands even if it is later edited or deleted. Both sides will see it."
            )
        ),
    ]
    return {
        "type": "modal",
        "callback_id": ids.MESSAGE_EVIDENCE_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Add to a dispute")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Add")),
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": blocks,
    }


def no_dispute_modal() -> dict[str, Any]:
    return {
        "type": "modal",
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Add to a dispute")),
        # Translators: the button that closes a form; Slack allows at most 24 characters.
        "close": plain(_("Close")),
        "blocks": [
            section(
                md(
                    _(
                        "There is no open dispute in this channel that you take part in. Evidence is "
                        "added to a dispute from its own channel."
                    )
                )
            )
        ],
    }


# ----- the thread's one Evidence message ---------------------------------------------------------


def _size(size: int | None) -> str:
    if not size:
        return ""
    if size < 1024 * 1024:
        # Translators: a file's size in kilobytes.
        return _("{kb} KB").format(kb=max(1, round(size / 1024)))
    # Translators: a file's size in megabytes, such as "2.5 MB".
    return _("{mb} MB").format(mb=formats.one_decimal(size / (1024 * 1024)))


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
        line += Mrkdwn(" · ") + md(_("_not copied: a link only_"))
    elif item.status == EvidenceStatus.WAITING:
        line += Mrkdwn(" · ") + md(_("_being copied…_"))
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
        ngettext("Evidence on record for {ref}: {n} item", "Evidence on record for {ref}: {n} items", count),
        ref=reference,
        n=count,
    )
    blocks: list[dict[str, Any]] = [section(md(_("*Evidence on record*")))]
    for item in items[:SHOWN_MAX]:
        blocks.append(section(_line(item, who(item.added_by_team, item.added_by_user))))
    if len(items) > SHOWN_MAX:
        blocks.append(
            context(
                md(
                    ngettext(
                        "And {n} more. Every item is in the dispute's export.",
                        "And {n} more. Every item is in the dispute's export.",
                        len(items) - SHOWN_MAX,
                    ),
                    n=len(items) - SHOWN_MAX,
                )
            )
        )
    for side, n in sorted(sealed.items()):
        blocks.append(
            context(
                md(
                    # Translators: {org} is an organization's name.
                    ngettext(
                        ":lock: {n} item from {org}, sealed with its account until both sides have shared.",
                        ":lock: {n} items from {org}, sealed with its account until both sides have shared.",
                        n,
                    ),
                    n=n,
                    org=side_name(side),
                )
            )
        )
    blocks.append(
        context(
            _(
                "Parley keeps its own copy of each item, so the record stands even if a file or "
                "message is later edited or deleted."
            )
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
        # Translators: {why} is a sentence saying why.
        lines.append(md(_("Your files were not attached: {why} The rest went through."), why=none_attached))
    if kept:
        # Translators: {names} are the names of files or messages, separated by commas.
        lines.append(md(_("Added to the record: {names}."), names=names(kept)))
    if duplicates:
        lines.append(
            md(
                # Translators: {names} are the names of files or messages, separated by commas.
                _("Already on record (the same file was added before): {names}."),
                names=names(duplicates),
            )
        )
    for name, why in refused:
        lines.append(
            md(
                # Translators: {name} is a file's or message's name; {why} a sentence saying why.
                _("Not copied: {name}. {why} It is recorded as a link only."),
                name=inline(name, 80),
                why=why,
            )
        )
    return Mrkdwn("\n").join(lines) if lines else md(_("Nothing was added."))
