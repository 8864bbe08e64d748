"""Follow-up check-ins as database rows: claimed atomically by whichever scheduler process gets
there first, posted, then marked. APScheduler is only the clock that calls the dispatcher.

Guarantees (each proved by a test):
- A check-in that fell due while every process was down is simply due at the next tick.
- Two schedulers never post the same check-in: a claim is one UPDATE … WHERE id IN (SELECT …
  FOR UPDATE SKIP LOCKED) on PostgreSQL; on SQLite the same statement runs under the database's
  single write lock.
- A process that dies between claiming and marking leaves a claim that expires after
  CLAIM_TIMEOUT; the check-in is then claimed again. If the message had already reached Slack,
  it is posted a second time: at most one duplicate per crash, and only for the rows that process
  was holding.
- Failed posts go back to pending with a growing delay; after MAX_ATTEMPTS the row is marked
  failed and logged, never silently dropped."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from bot.services import audit
from bot.services.people import Person
from models import ActionItem, Agreement, CheckIn, CheckInStatus, Dispute, utcnow

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
    never held up by Slack's per-channel rate limit."""
    now = now or utcnow()
    due = or_(
        and_(CheckIn.status == CheckInStatus.PENDING, CheckIn.due_at <= now),
        and_(CheckIn.status == CheckInStatus.POSTING, CheckIn.claimed_at < now - CLAIM_TIMEOUT),
    )
    eligible = select(CheckIn.id).where(due)
    if per_channel is not None:
        ranked = (select(CheckIn.id.label("id"), func.row_number().over(
            partition_by=Dispute.channel_id, order_by=(CheckIn.due_at, CheckIn.id)).label("rank"))
            .join(Dispute, Dispute.id == CheckIn.dispute_id).where(due).subquery())
        eligible = select(ranked.c.id).where(ranked.c.rank <= per_channel)
    candidates = (select(CheckIn.id).where(CheckIn.id.in_(eligible))
                  .order_by(CheckIn.due_at, CheckIn.id)
                  .limit(limit).with_for_update(skip_locked=True))
    claimed = session.execute(
        # `due` again on the outer UPDATE: PostgreSQL re-checks it against the newest row version,
        # so a row another worker claimed and committed meanwhile is never taken twice.
        update(CheckIn).where(CheckIn.id.in_(candidates.scalar_subquery()), due)
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
    agreement: Agreement
    items: list[ActionItem]


def load(session: Session, ids: list[int]) -> list[Due]:
    if not ids:
        return []
    rows = session.scalars(select(CheckIn).where(CheckIn.id.in_(ids)).order_by(CheckIn.due_at)).all()
    disputes = {d.id: d for d in session.scalars(
        select(Dispute).where(Dispute.id.in_({c.dispute_id for c in rows}))
        .options(selectinload(Dispute.parties)))}
    agreements = {a.id: a for a in session.scalars(
        select(Agreement).where(Agreement.id.in_({c.agreement_id for c in rows}))
        .options(selectinload(Agreement.items)))}
    due = []
    for row in rows:
        agreement = agreements[row.agreement_id]
        if row.action_item_id is not None:
            items = [i for i in agreement.items if i.id == row.action_item_id]
        else:
            items = [i for i in agreement.items if i.status != "done"]
        due.append(Due(row, disputes[row.dispute_id], agreement, items))
    return due


def mark_posted(session: Session, worker: str, posted: dict[int, str]) -> int:
    """Record posted messages; a claim taken over by another worker meanwhile is left alone."""
    done = 0
    for checkin_id, ts in posted.items():
        done += session.execute(
            update(CheckIn).where(CheckIn.id == checkin_id, CheckIn.status == CheckInStatus.POSTING,
                                  CheckIn.claimed_by == worker)
            .values(status=CheckInStatus.POSTED, posted_ts=ts)
            .execution_options(synchronize_session=False)).rowcount
    return done


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
    return "retry"


def skip(session: Session, worker: str, checkin_id: int, reason: str) -> None:
    """The dispute moved on (resolved, closed, reopened): this check-in is no longer needed."""
    session.execute(update(CheckIn).where(CheckIn.id == checkin_id, CheckIn.claimed_by == worker,
                                          CheckIn.status == CheckInStatus.POSTING)
                    .values(status=CheckInStatus.CANCELLED, answer_note=reason)
                    .execution_options(synchronize_session=False))


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
