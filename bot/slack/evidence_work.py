"""Attaching files from a form, for every form that takes them (Add evidence, a perspective, a
proposal): the inline check in the ack, and, after the person's transaction has committed, the
copy from Slack and its record, then a private word to the person about what was kept."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.evidence import attached_note
from bot.config import Settings
from bot.i18n import N_, _, formats, ngettext
from bot.services import evidence
from bot.services.evidence import Limits, OfferedFile
from bot.services.people import Person
from bot.slack.context import Deps
from bot.slack.evidence_fetch import Refused, file_bytes, refused
from bot.slack.forms import form_state as state
from bot.slack.work import Work
from bot.store import StoreError, sha256_of
from models import Dispute, EvidenceItem, EvidenceStatus, Perspective

log = logging.getLogger("parley.evidence")
NOT_STORED = N_("Parley could not store its copy just now; attach it again in a while.")  # refused()


def forget_unrecorded(deps: Deps, refs: set[str]) -> None:
    """Copies put in a directory or a bucket whose item was not recorded after all (recorded
    otherwise meanwhile, or the transaction failed): deleted, unless an item holds the same
    bytes (store.delete checks), so that nothing of an erased dispute stays behind."""
    for ref in sorted(refs):
        try:
            with deps.db.read() as session:
                deps.store.delete(session, ref)
        except Exception as error:  # noqa: BLE001 - a copy left behind is logged, never raised
            log.error("an unrecorded evidence copy could not be deleted (%s): %s", ref, error)


def limits_of(settings: Settings) -> Limits:
    return Limits.in_mb(
        settings.evidence_max_file_mb, settings.evidence_max_files, settings.evidence_max_dispute_mb
    )


def offered(values: Any, block: str, action: str) -> list[OfferedFile]:
    found = []
    for entry in state.files(values, block, action):
        size = entry.get("size")
        found.append(
            OfferedFile(
                slack_file_id=entry["id"],
                name=evidence.clean_name(entry.get("name") if isinstance(entry.get("name"), str) else None),
                size=size if isinstance(size, int) and size >= 0 else None,
                claimed_type=entry.get("mimetype") if isinstance(entry.get("mimetype"), str) else None,
                permalink=entry.get("permalink") if isinstance(entry.get("permalink"), str) else None,
            )
        )
    return found


def check_files(errors: dict[str, str], block: str, files: list[OfferedFile], limits: Limits) -> None:
    """Inline errors for what Slack's form let through: too many files, or one over the limit
    (named, with the limit)."""
    if len(files) > limits.files:
        errors[block] = ngettext(
            "Attach at most {count} file at once.", "Attach at most {count} files at once.", limits.files
        ).format(count=limits.files)
        return
    big = evidence.too_large(files, limits)
    if big:
        # Translators: {file} is the file's name; {size_mb} and {limit_mb} are sizes in megabytes.
        errors[block] = _("{file} is {size_mb} MB; Parley keeps files of up to {limit_mb} MB.").format(
            file=big[0].name[:80],
            size_mb=formats.one_decimal((big[0].size or 0) / evidence.MB),
            limit_mb=limits.file_bytes // evidence.MB,
        )


def attach_from_form(
    work: Work,
    files: list[OfferedFile],
    *,
    source: str,
    settings: Settings,
    perspective: Perspective | None = None,
    proposal_id: int | None = None,
) -> tuple[list[int], str | None]:
    """A perspective's or a proposal's files, in its transaction: their items' ids. Files the
    dispute has no room for are left out (the perspective or proposal still goes through), and
    why is returned, for the person."""
    if not files:
        return [], None
    limits = limits_of(settings)
    problem = evidence.check_space(work.session, work.dispute, work.member.side, files, limits)
    if problem:
        return [], problem
    items = evidence.attach_files(
        work.session,
        work.dispute,
        work.actor,
        files,
        source=source,
        limits=limits,
        perspective=perspective,
        proposal_id=proposal_id,
        party=work.member,
    )
    return [i.id for i in items], None


@dataclass
class Copied:
    kept: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def copy_files(deps: Deps, client: WebClient, item_ids: list[int]) -> Copied:
    """Fetch the items' bytes from Slack and, for a store outside the database, put them there
    (content-addressed: putting twice is harmless), with no transaction open; then record them
    all in one unit of work (the thread's Evidence message is brought up to date after its
    commit)."""
    outcome = Copied()
    if not item_ids:
        return outcome
    with deps.db.read() as session:
        waiting = [
            (i.id, i.slack_file_id, i.name)
            for i in (session.get(EvidenceItem, n) for n in item_ids)
            if i is not None and i.status == EvidenceStatus.WAITING and i.slack_file_id
        ]
    limit = limits_of(deps.settings).file_bytes
    fetched: list[tuple[int, str, bytes | Refused, str | None]] = []
    for item_id, file_id, name in waiting:
        answer = file_bytes(client, file_id or "", limit)
        if isinstance(answer, Refused):
            fetched.append((item_id, name, answer, None))
            continue
        data, ref = answer[0], None
        if deps.store.kind != "database":
            try:
                ref = deps.store.put(None, sha256_of(data), data)
            except StoreError as error:
                log.error("evidence could not be stored: %s", error)
                fetched.append((item_id, name, refused(NOT_STORED), None))
                continue
        fetched.append((item_id, name, data, ref))
    put = {ref for _, _, _, ref in fetched if ref}
    recorded: set[str] = set()
    try:
        with deps.unit_of_work() as session:
            for item_id, name, got, ref in fetched:
                if isinstance(got, Refused):
                    if evidence.not_copied(session, item_id, got.reason) is not None:
                        outcome.refused.append((name, got.told))
                    continue
                item = session.get(EvidenceItem, item_id)
                kept = None if item is None else evidence.keep(session, item, got, deps.store, stored_ref=ref)
                if kept is not None:
                    (outcome.duplicates if kept.duplicate else outcome.kept).append(name)
                    recorded.add(kept.item.stored_ref or "")
    finally:
        forget_unrecorded(deps, put - recorded)
    return outcome


def tell(
    client: WebClient, dispute: Dispute, actor: Person, copied: Copied, *, refused_all: str | None = None
) -> None:
    """Privately, in the dispute's thread: what was kept, and in plain words what was not
    (`refused_all`: why none of the files could be attached)."""
    if not (copied.kept or copied.duplicates or copied.refused or refused_all):
        return
    with contextlib.suppress(SlackApiError):
        client.chat_postEphemeral(
            channel=dispute.channel_id,
            user=actor.user_id,
            thread_ts=dispute.thread_ts,
            text=attached_note(copied.kept, copied.duplicates, copied.refused, refused_all),
        )
