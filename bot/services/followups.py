"""Follow-up check-ins as database rows: claimed atomically by whichever scheduler process gets
there first, posted, then marked. APScheduler is only the clock that calls the dispatcher.

Guarantees (each proved by a test):
- A check-in that fell due while every process was down is simply due at the next tick.
- Two schedulers never post the same check-in: a claim locks its rows with SELECT … FOR UPDATE
  SKIP LOCKED and takes them with a conditional UPDATE in the same transaction on PostgreSQL; on
  SQLite both run under the database's single write lock. A channel in which one worker holds a
  live claim is left to it, so two workers do not post into one channel at once.
- A process that dies between claiming and marking leaves a claim that expires after
  CLAIM_TIMEOUT; the check-in is then claimed again. If the message had already reached Slack,
  it is posted a second time: at most one duplicate per crash, and only for the rows that process
  was holding.
- Failed posts go back to pending with a growing delay; after MAX_ATTEMPTS the row is marked
  failed and logged, never silently dropped. (A post that timed out may still have reached Slack;
  its retry then shows it again: one extra copy per attempt that timed out that way.)"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.services import audit
from bot.services.people import Person
from models import ActionItem, CheckIn, CheckInStatus, Dispute, utcnow

log = logging.getLogger("parley.followups")

CLAIM_TIMEOUT = timedelta(minutes=15)
MAX_ATTEMPTS = 5
BATCH = 1000


def backoff(attempts: int) -> timedelta:
    """Delay before trying a failed post again: 1, 2, 4, 8 … minutes."""
    return timedelta(minutes=2 ** max(0, attempts - 1))


def claim_due(session: Session, worker: str, *, now: datetime | None = None,
              limit: int = BATCH, per_channel: int | None = None) -> list[int]:
    """Atomically take up to `limit` due check-ins (or expired claims) for this worker; with
    `per_channel`, at most that many of any one channel (the oldest), so one round of posting is
    never held up by Slack's per-channel rate limit. A channel in which another worker holds a
    live claim is left to that worker, so two processes do not post into one channel at once."""
    now = now or utcnow()
    due = or_(
        and_(CheckIn.status == CheckInStatus.PENDING, CheckIn.due_at <= now),
        and_(CheckIn.status == CheckInStatus.POSTING, CheckIn.claimed_at < now - CLAIM_TIMEOUT),
    )
    other, its_dispute = aliased(CheckIn), aliased(Dispute)
    held_elsewhere = (select(its_dispute.channel_id).join(other, other.dispute_id == its_dispute.id)
                      .where(other.status == CheckInStatus.POSTING, other.claimed_by != worker,
                             other.claimed_at >= now - CLAIM_TIMEOUT))
    free = and_(due, Dispute.channel_id.not_in(held_elsewhere))
    eligible = select(CheckIn.id).join(Dispute, Dispute.id == CheckIn.dispute_id).where(free)
    if per_channel is not None:
        ranked = (select(CheckIn.id.label("id"), func.row_number().over(
            partition_by=Dispute.channel_id, order_by=(CheckIn.due_at, CheckIn.id)).label("rank"))
            .join(Dispute, Dispute.id == CheckIn.dispute_id).where(free).subquery())
        eligible = select(ranked.c.id).where(ranked.c.rank <= per_channel)
    # Two statements, not UPDATE … WHERE id IN (SELECT … LIMIT … FOR UPDATE SKIP LOCKED): when
    # PostgreSQL's plan rescans that subquery, it skips the rows the UPDATE itself has just
    # changed and hands out the next ones, so the LIMIT stops limiting. The rows stay locked until
    # the transaction ends; `due` is on the locked table, so PostgreSQL re-checks it against the
    # newest version of a row that another worker claimed and committed meanwhile.
    candidates = session.scalars(
        select(CheckIn.id).where(CheckIn.id.in_(eligible), due)
        .order_by(CheckIn.due_at, CheckIn.id).limit(limit).with_for_update(skip_locked=True)
    ).all()
    if not candidates:
        return []
    claimed = session.execute(
        update(CheckIn).where(CheckIn.id.in_(candidates), due)
        .values(status=CheckInStatus.POSTING, claimed_by=worker, claimed_at=now,
                attempts=CheckIn.attempts + 1)
        .returning(CheckIn.id).execution_options(synchronize_session=False)
    ).scalars().all()
    return sorted(claimed)


@dataclass
class Due:
    """A claimed check-in with what its message needs."""

    checkin: CheckIn
    dispute: Dispute
    items: list[ActionItem]


def load(session: Session, ids: list[int]) -> list[Due]:
    """The claimed rows with their disputes and the action items they ask about: the item an
    item's check-in names, or every item not yet done for a check-in on the whole agreement."""
    if not ids:
        return []
    rows = session.scalars(select(CheckIn).where(CheckIn.id.in_(ids)).order_by(CheckIn.due_at)).all()
    disputes = {d.id: d for d in session.scalars(
        select(Dispute).where(Dispute.id.in_({c.dispute_id for c in rows})))}
    named = {c.action_item_id for c in rows if c.action_item_id is not None}
    whole = {c.agreement_id for c in rows if c.action_item_id is None}
    items = session.scalars(select(ActionItem).where(or_(
        ActionItem.id.in_(named),
        and_(ActionItem.agreement_id.in_(whole), ActionItem.status != "done"),
    )).order_by(ActionItem.agreement_id, ActionItem.position)).all()
    by_id = {i.id: i for i in items}
    open_by_agreement: dict[int, list[ActionItem]] = {}
    for item in items:
        if item.agreement_id in whole and item.status != "done":
            open_by_agreement.setdefault(item.agreement_id, []).append(item)
    due = []
    for row in rows:
        if row.action_item_id is not None:
            found = by_id.get(row.action_item_id)
            row_items = [found] if found is not None else []
        else:
            row_items = open_by_agreement.get(row.agreement_id, [])
        due.append(Due(row, disputes[row.dispute_id], row_items))
    return due


def mark_posted(session: Session, worker: str, posted: dict[int, str]) -> int:
    """Record posted messages (one statement for the whole batch) and audit each; a claim taken
    over by another worker meanwhile is left alone. Returns how many rows were marked."""
    if not posted:
        return 0
    table = CheckIn.__table__
    session.connection().execute(
        update(table).where(table.c.id == bindparam("checkin_id"),
                            table.c.status == CheckInStatus.POSTING,
                            table.c.claimed_by == worker)
        .values(status=CheckInStatus.POSTED, posted_ts=bindparam("ts")),
        [{"checkin_id": checkin_id, "ts": ts} for checkin_id, ts in posted.items()])
    marked = session.execute(
        select(CheckIn.id, CheckIn.dispute_id, Dispute.team_id)
        .join(Dispute, Dispute.id == CheckIn.dispute_id)
        .where(CheckIn.id.in_(posted), CheckIn.status == CheckInStatus.POSTED,
               CheckIn.claimed_by == worker)).all()
    for checkin_id, dispute_id, team_id in marked:
        audit.record(session, team_id=team_id, dispute_id=dispute_id, kind="checkin.posted",
                     actor=None, checkin_id=checkin_id, ts=posted[checkin_id])
    return len(marked)


def release(session: Session, worker: str, checkin_id: int, error: str, *,
            now: datetime | None = None) -> str:
    """A post failed: try again later, or give up for good after MAX_ATTEMPTS."""
    now = now or utcnow()
    row = session.get(CheckIn, checkin_id)
    if row is None or row.status != CheckInStatus.POSTING or row.claimed_by != worker:
        return "lost"
    if row.attempts >= MAX_ATTEMPTS:
        row.status = CheckInStatus.FAILED
        log.error("check-in %s of dispute %s failed for good after %d attempts: %s",
                  row.id, row.dispute_id, row.attempts, error)
        audit.record(session, team_id=_team(session, row), dispute_id=row.dispute_id,
                     kind="checkin.failed", actor=None, checkin_id=row.id, attempts=row.attempts,
                     error=error)
        return "failed"
    row.status = CheckInStatus.PENDING
    row.due_at = now + backoff(row.attempts)
    row.claimed_by = None
    log.warning("check-in %s attempt %d failed (%s); trying again at %s",
                row.id, row.attempts, error, row.due_at.isoformat())
    audit.record(session, team_id=_team(session, row), dispute_id=row.dispute_id,
                 kind="checkin.retry", actor=None, checkin_id=row.id, attempts=row.attempts,
                 error=error, next_at=row.due_at.isoformat())
    return "retry"


def skip(session: Session, worker: str, checkin_id: int, reason: str) -> None:
    """The dispute moved on (resolved, closed, reopened): this check-in is no longer needed."""
    row = session.get(CheckIn, checkin_id)
    if row is None or row.status != CheckInStatus.POSTING or row.claimed_by != worker:
        return
    row.status = CheckInStatus.CANCELLED
    row.answer_note = reason
    audit.record(session, team_id=_team(session, row), dispute_id=row.dispute_id,
                 kind="checkin.skipped", actor=None, checkin_id=row.id, reason=reason)


def cancel_pending(session: Session, dispute: Dispute, *, actor: Person | None, reason: str) -> int:
    """Cancel every check-in of the dispute that has not been posted yet."""
    count = session.execute(
        update(CheckIn).where(CheckIn.dispute_id == dispute.id,
                              CheckIn.status.in_([CheckInStatus.PENDING, CheckInStatus.POSTING]))
        .values(status=CheckInStatus.CANCELLED, answer_note=reason)
        .execution_options(synchronize_session=False)).rowcount
    if count:
        audit.record(session, team_id=dispute.team_id, dispute_id=dispute.id,
                     kind="checkins.cancelled", actor=actor, count=count, reason=reason)
    return count


def next_checkin(session: Session, dispute_id: int) -> datetime | None:
    return session.scalar(select(CheckIn.due_at).where(
        CheckIn.dispute_id == dispute_id, CheckIn.status == CheckInStatus.PENDING,
    ).order_by(CheckIn.due_at).limit(1))


def _team(session: Session, row: CheckIn) -> str:
    return session.scalar(select(Dispute.team_id).where(Dispute.id == row.dispute_id)) or ""
