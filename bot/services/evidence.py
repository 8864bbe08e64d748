"""Evidence: what a side attaches to a dispute (files, Slack messages), kept as Parley's own copy,
hashed, and written in the dispute's audit trail.

Attaching happens in two steps, because the bytes come from Slack and no Slack call may be made
with a transaction open: `attach_files` / `attach_message` write the items (waiting for their
copy) in the person's transaction; after the commit the copy is fetched from Slack, then `keep`
or `not_copied` records what became of it, each in a short transaction of its own. An item left
waiting (the process copying it stopped) is recorded as a link only by the tick
(`give_up_stale`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, selectinload

from bot.i18n import _, ngettext
from bot.services import audit, outbox
from bot.services.disputes import reachable_from
from bot.services.errors import IllegalTransition, NotAllowed
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_side
from bot.services.people import Person
from bot.services.people_text import many_lines, one_line
from bot.store import EvidenceStore, sha256_of
from models import (
    UNDELIVERED,
    Dispute,
    DisputeStatus,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    OutboxMessage,
    Party,
    Perspective,
    Side,
    utcnow,
)

NAME_MAX = 200  # characters of a file's name kept and shown (Slack allows far longer)
NOTE_MAX = 300
MB = 1024 * 1024
STALE_AFTER = timedelta(minutes=15)  # a copy not made by then will not be (give_up_stale)
STOPPED = "Parley stopped before it could copy this file; attach it again to keep a copy."
OPEN_TO_EVIDENCE = (
    DisputeStatus.OPEN,
    DisputeStatus.DISCUSSING,
    DisputeStatus.AGREEMENT_PENDING,
    DisputeStatus.AGREED,
)


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 10 * MB
    files: int = 10
    dispute_bytes: int = 200 * MB

    @classmethod
    def in_mb(cls, file_mb: int, files: int, dispute_mb: int) -> Limits:
        return cls(file_mb * MB, files, dispute_mb * MB)


@dataclass(frozen=True)
class OfferedFile:
    """A file as Slack described it in a form's submission (or a message's files)."""

    slack_file_id: str
    name: str
    size: int | None
    claimed_type: str | None = None
    permalink: str | None = None


@dataclass(frozen=True)
class CapturedMessage:
    """A Slack message as Parley read it when it was attached: its words are kept as they were
    then, whatever happens to the message later."""

    channel_id: str
    ts: str
    author_team: str | None
    author_user: str | None
    text: str
    files: tuple[str, ...]  # the names of its files (each attached as an item of its own) …
    permalink: str | None
    attached: tuple[OfferedFile, ...] = ()  # … as Slack described them (not part of what is kept)

    def canonical(self) -> bytes:
        """What is kept and hashed: sorted-key JSON, UTF-8."""
        body = {
            "format": "parley/slack-message",
            "v": 1,
            "channel": self.channel_id,
            "ts": self.ts,
            "author": {"team_id": self.author_team, "user_id": self.author_user},
            "posted_at": _ts_time(self.ts),
            "text": self.text,
            "files": list(self.files),
            "permalink": self.permalink,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _ts_time(ts: str) -> str | None:
    try:
        return datetime.fromtimestamp(float(ts), UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError, OSError):
        return None


def clean_name(name: str | None, fallback: str = "file") -> str:
    """A file's name as Parley keeps and shows it: one line, no control or direction-changing
    characters, no path (only what follows the last slash), bounded."""
    kept = one_line(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if kept in ("", ".", ".."):
        kept = fallback
    return kept[:NAME_MAX]


def too_large(files: list[OfferedFile], limits: Limits) -> list[OfferedFile]:
    return [f for f in files if f.size is not None and f.size > limits.file_bytes]


def check_space(
    session: Session, dispute: Dispute, side: str, files: list[OfferedFile], limits: Limits
) -> str | None:
    """Why these files cannot be attached (too many, too large, over the side's total for the
    dispute), in words for the form; None when they can. Each side has its own total, so that
    nothing about what the other side keeps (sealed, perhaps) can be learnt from it."""
    if len(files) > limits.files:
        return ngettext(
            "Attach at most {n} file at once.", "Attach at most {n} files at once.", limits.files
        ).format(n=limits.files)
    big = too_large(files, limits)
    if big:
        # Translators: {name} is a file's name; {size} and {limit} sizes such as "12.5 MB".
        return _("{name} is {size}; the limit is {limit} a file.").format(
            name=clean_name(big[0].name), size=_mb(big[0].size or 0), limit=_mb(limits.file_bytes)
        )
    used = used_bytes(session, dispute.id, side)
    adding = sum(f.size or 0 for f in files)
    if used + adding > limits.dispute_bytes:
        # Translators: {limit} is a size such as "200 MB".
        return _("These files would take your side's evidence in {ref} over its limit of {limit}.").format(
            ref=dispute.reference, limit=_mb(limits.dispute_bytes)
        )
    return None


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB" if size % MB else f"{size // MB} MB"


def used_bytes(session: Session, dispute_id: int, side: str) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(EvidenceItem.size), 0)).where(
                EvidenceItem.dispute_id == dispute_id,
                EvidenceItem.side == side,
                EvidenceItem.status != EvidenceStatus.NOT_COPIED,
            )
        )
        or 0
    )


def require_open(dispute: Dispute) -> None:
    if dispute.status not in OPEN_TO_EVIDENCE:
        raise IllegalTransition(
            _("{ref} has ended, so nothing more can be added to its record.").format(ref=dispute.reference)
        )


def _next_number(session: Session, dispute_id: int) -> int:
    return (
        session.scalar(select(func.max(EvidenceItem.number)).where(EvidenceItem.dispute_id == dispute_id))
        or 0
    ) + 1


def attach_files(
    session: Session,
    dispute: Dispute,
    actor: Person,
    files: list[OfferedFile],
    *,
    source: str,
    limits: Limits,
    note: str = "",
    perspective: Perspective | None = None,
    proposal_id: int | None = None,
    party: Party | None = None,
) -> list[EvidenceItem]:
    """Items for `files`, waiting for their copy. The caller holds the dispute's row lock
    (disputes.load(lock=True)). Only the two sides' parties attach evidence; a file attached
    again is one item once its bytes are known (keep)."""
    require_open(dispute)
    # Translators: completes "Only the parties to D-7 can …."
    party = party or require_side(dispute, actor, _("add evidence"))
    problem = check_space(session, dispute, party.side, files, limits)
    if problem:
        raise NotAllowed(problem)
    items = []
    number = _next_number(session, dispute.id)
    for offered in files:
        item = _item(dispute, party, actor, EvidenceKind.FILE, clean_name(offered.name), number, source, note)
        item.slack_file_id = offered.slack_file_id
        item.size = offered.size
        item.claimed_type = (offered.claimed_type or "")[:100] or None
        item.permalink = (offered.permalink or "")[:500] or None
        item.perspective = perspective
        item.proposal_id = proposal_id
        session.add(item)
        items.append(item)
        number += 1
    session.flush()
    return items


def attach_message(
    session: Session,
    dispute: Dispute,
    actor: Person,
    captured: CapturedMessage | None,
    *,
    link: str,
    refused: str | None,
    source: str,
    note: str = "",
    store: EvidenceStore,
    stored_ref: str | None = None,
) -> EvidenceItem | None:
    """A Slack message, as `captured` (read from Slack before this transaction), kept at once;
    or, when Slack would not give it (`refused` says why), recorded as a link only. None when
    the same message, as it reads now, is on record already. `stored_ref`: its copy is already
    in a store outside the database."""
    require_open(dispute)
    # Translators: completes "Only the parties to D-7 can …."
    party = require_side(dispute, actor, _("add evidence"))
    name = "Slack message" + (f" of {_short_date(captured.ts)}" if captured else "")
    item = _item(
        dispute, party, actor, EvidenceKind.MESSAGE, name, _next_number(session, dispute.id), source, note
    )
    item.permalink = ((captured.permalink if captured else None) or link)[:500] or None
    if captured is not None:
        item.channel_id, item.message_ts = captured.channel_id, captured.ts
    session.add(item)
    session.flush()
    if captured is None:
        _not_copied(session, dispute, item, refused or "Slack would not give Parley the message")
        return item
    kept = keep(session, item, captured.canonical(), store, stored_ref=stored_ref)
    return item if kept is not None and kept.item is item else None


def _short_date(ts: str) -> str:
    try:
        return datetime.fromtimestamp(float(ts), UTC).strftime("%Y-%m-%d")
    except (ValueError, OverflowError, OSError):
        return ""


def _item(
    dispute: Dispute,
    party: Party,
    actor: Person,
    kind: EvidenceKind,
    name: str,
    number: int,
    source: str,
    note: str,
) -> EvidenceItem:
    return EvidenceItem(
        dispute_id=dispute.id,
        number=number,
        kind=kind,
        status=EvidenceStatus.WAITING,
        name=name,
        note=many_lines(note)[:NOTE_MAX] or None,
        added_by_team=actor.team_id,
        added_by_user=actor.user_id,
        side=party.side,
        added_at=utcnow(),
        source=source,
        attempts=0,
        claimed_at=utcnow(),  # the person's own request copies it (give_up_stale: if it never does)
    )


@dataclass(frozen=True)
class Kept:
    item: EvidenceItem  # the item on record: this one, or the one that had the same bytes
    duplicate: bool


def keep(
    session: Session, item: EvidenceItem, data: bytes, store: EvidenceStore, *, stored_ref: str | None = None
) -> Kept | None:
    """Record `item`'s copy: stored, hashed, in the audit trail, and the thread's Evidence
    message brought up to date. The same bytes already on record from the same side: the item
    goes and the one on record stands (one item for the same bytes). `stored_ref`: the copy is
    already in a store outside the database (put before this transaction). None when the item is
    no longer waiting (recorded meanwhile). Locks the dispute, then the item (as not_copied)."""
    sha = sha256_of(data)
    dispute = session.get(Dispute, item.dispute_id, with_for_update=True)
    assert dispute is not None
    session.refresh(item, with_for_update=True)
    if item.status != EvidenceStatus.WAITING:
        return None
    existing = session.scalar(
        select(EvidenceItem).where(
            EvidenceItem.dispute_id == item.dispute_id,
            EvidenceItem.side == item.side,
            EvidenceItem.sha256 == sha,
            EvidenceItem.id != item.id,
        )
    )
    if existing is not None:
        if existing.sealed and item.perspective is None:
            existing.perspective = None  # the side now attaches openly what it had sealed
            owe_list(session, dispute)
        session.delete(item)
        session.flush()
        return Kept(existing, True)
    item.stored_ref = stored_ref or store.put(session, sha, data)
    item.sha256 = sha
    item.size = len(data)
    item.status = EvidenceStatus.KEPT
    item.kept_at = utcnow()
    item.claimed_at = None
    _recorded(session, dispute, item, copied=True)
    return Kept(item, False)


def not_copied(session: Session, item_id: int, reason: str) -> EvidenceItem | None:
    """The item stays a link only, `reason` says why. Locks the dispute, then the item (as
    keep does: the same order, so the two never wait on each other)."""
    dispute_id = session.scalar(select(EvidenceItem.dispute_id).where(EvidenceItem.id == item_id))
    if dispute_id is None:
        return None
    dispute = session.get(Dispute, dispute_id, with_for_update=True)
    item = session.get(EvidenceItem, item_id, with_for_update=True, populate_existing=True)
    if dispute is None or item is None or item.status != EvidenceStatus.WAITING:
        return None
    _not_copied(session, dispute, item, reason)
    return item


def _not_copied(session: Session, dispute: Dispute, item: EvidenceItem, reason: str) -> None:
    item.status = EvidenceStatus.NOT_COPIED
    item.not_copied_reason = reason[:200]
    item.kept_at = utcnow()  # recorded (as a link only)
    item.claimed_at = None
    _recorded(session, dispute, item, copied=False)


def _recorded(session: Session, dispute: Dispute, item: EvidenceItem, *, copied: bool) -> None:
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="evidence.added",
        actor=Person(team_id=item.added_by_team, user_id=item.added_by_user),
        item=item.label,
        what=item.kind,
        name=item.name,
        side=item.side,
        source=item.source,
        attached_at=item.added_at.isoformat(),
        sha256=item.sha256,
        size=item.size,
        copied=copied,
        reason=None if copied else item.not_copied_reason,
        link=item.permalink,
    )
    owe_list(session, dispute)


def owe_list(session: Session, dispute: Dispute) -> OutboxMessage:
    """The thread's one Evidence message: posted with the first item, updated in place after
    (posted again if the first post never made it)."""
    said = dispute.evidence_ts is not None or (
        session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.dispute_id == dispute.id,
                OutboxMessage.kind == MessageKind.EVIDENCE,
                OutboxMessage.status.in_([s.value for s in UNDELIVERED]),  # a post still on its way
            )
            .limit(1)
        )
        is not None
    )
    return outbox.say(session, dispute, MessageKind.EVIDENCE_UPDATE if said else MessageKind.EVIDENCE)


def give_up_stale(session: Session, *, now: datetime | None = None, limit: int = 50) -> int:
    """Items still waiting for their copy long after they were attached (the process copying them
    stopped): recorded as a link only, in the trail and the thread. The person attaches the file
    again to keep a copy."""
    now = now or utcnow()
    stale = list(
        session.scalars(
            select(EvidenceItem.id)
            .where(EvidenceItem.status == EvidenceStatus.WAITING, EvidenceItem.claimed_at < now - STALE_AFTER)
            .order_by(EvidenceItem.id)
            .limit(limit)
        )
    )
    return sum(1 for item_id in stale if not_copied(session, item_id, STOPPED) is not None)


def on_record(session: Session, dispute_id: int) -> list[EvidenceItem]:
    return list(
        session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.dispute_id == dispute_id)
            .options(selectinload(EvidenceItem.perspective))
            .order_by(EvidenceItem.number)
        )
    )


def shown_to_all(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """What both sides may see: everything but what is sealed with a perspective not yet
    revealed."""
    return [i for i in items if not i.sealed]


def sealed_counts(items: list[EvidenceItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        if item.sealed:
            counts[item.side] = counts.get(item.side, 0) + 1
    return counts


def as_of(items: list[EvidenceItem], moment: datetime | None) -> list[EvidenceItem]:
    """The items on record at `moment` (kept or recorded as a link by then), shown to both."""
    if moment is None:
        return []
    return [
        i
        for i in items
        if i.status != EvidenceStatus.WAITING
        and (i.kept_at or i.added_at) <= moment
        and not (
            i.perspective is not None
            and (i.perspective.released_at is None or i.perspective.released_at > moment)
        )
    ]


def follow_revision(session: Session, perspective: Perspective) -> None:
    """A party revised its account before the reveal: what was sealed with an earlier version
    goes with the new one (the reveal releases each party's latest version only)."""
    earlier = select(Perspective.id).where(
        Perspective.party_id == perspective.party_id,
        Perspective.id != perspective.id,
        Perspective.released_at.is_(None),
    )
    for item in session.scalars(select(EvidenceItem).where(EvidenceItem.perspective_id.in_(earlier))):
        item.perspective = perspective


def had_sealed(session: Session, dispute_id: int) -> bool:
    """Whether any item was attached to a perspective (so sealed until the reveal)."""
    return (
        session.scalar(
            select(EvidenceItem.id)
            .where(EvidenceItem.dispute_id == dispute_id, EvidenceItem.perspective_id.is_not(None))
            .limit(1)
        )
        is not None
    )


def open_in_channel(session: Session, team_id: str, channel_id: str, person: Person) -> list[Dispute]:
    """The disputes of a channel that `person` may add evidence to (a party of either side),
    newest first; only those the carrying installation may reach."""
    member = aliased(Party)
    found = session.scalars(
        select(Dispute)
        .join(member, member.dispute_id == Dispute.id)
        .where(
            Dispute.channel_id == channel_id,
            Dispute.status.in_([s.value for s in OPEN_TO_EVIDENCE]),
            reachable_from(team_id),
            member.team_id == person.team_id,
            member.user_id == person.user_id,
            member.side != Side.MEDIATOR,
        )
        .order_by(Dispute.id.desc())
        .limit(100)
    )
    return list(found.unique())
