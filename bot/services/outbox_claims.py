"""Claiming outbox rows for delivery (bot/delivery/claims.py calls these for one process).

Rules the claims keep (each proved by a test in tests/integration/test_outbox_claims.py):
- A row is delivered by one worker at a time: claims lock rows with SELECT … FOR UPDATE SKIP
  LOCKED and take them with a conditional UPDATE in the same transaction (on SQLite both run under
  the single write lock).
- Order per dispute: a row is only claimed when no earlier row of its dispute is still undelivered
  (pending or being sent), so the card comes before the replies in its thread and a post before
  the update of it.
- The tick's claims hold at most a few messages per channel per worker (those it holds already
  count) and leave a channel in which another worker holds a live claim to that worker.
- A claim left by a process that died expires after CLAIM_TIMEOUT and is taken again (a post that
  may have been made is looked up by its metadata first: `uncertain`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.db import one_of
from bot.services.outbox import SLACK_UNAVAILABLE, UPDATE
from models import UNDELIVERED, OutboxMessage, OutboxStatus, utcnow

CLAIM_TIMEOUT = timedelta(minutes=2)
BATCH = 3000  # rows per claim: a tick's round


def claim_new(
    session: Session, worker: str, rows: list[OutboxMessage], *, now: datetime | None = None
) -> list[OutboxMessage]:
    """Claim rows this transaction is writing, for the thread that will deliver them after the
    commit: those of a dispute with nothing earlier still waiting (order), and those of no
    dispute. Saves that thread a claim of its own; the rest is claimed later, as usual."""
    now = now or utcnow()
    disputes = {r.dispute_id for r in rows if r.dispute_id is not None}
    own = [r.id for r in rows if r.id is not None]  # already flushed by a query meanwhile
    with session.no_autoflush:
        busy = (
            set(
                session.scalars(
                    select(OutboxMessage.dispute_id).where(
                        OutboxMessage.dispute_id.in_(disputes),
                        OutboxMessage.status.in_(UNDELIVERED),
                        OutboxMessage.id.not_in(own),
                    )
                ).all()
            )
            if disputes
            else set()
        )
    mine = [r for r in rows if r.dispute_id not in busy]
    for row in mine:
        row.status = OutboxStatus.SENDING
        row.claimed_by = worker
        row.claimed_at = now
    return mine


def _claimable(now: datetime, *, parked_too: bool = False) -> Any:
    pending = OutboxMessage.status == OutboxStatus.PENDING
    return or_(
        pending if parked_too else and_(pending, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )


def _nothing_waiting(now: datetime, *, parked_too: bool = False) -> Any:
    """The row's dispute has no row held by a live claim or waiting out a retry (with
    `parked_too`, only live claims count): its due rows can then be claimed together (a run) and
    delivered in order by one worker. (A set of disputes, computed once: no per-row subquery, so
    the plan stays linear even on a table PostgreSQL has no statistics for yet.)"""
    waiting = aliased(OutboxMessage)
    held = and_(waiting.status == OutboxStatus.SENDING, waiting.claimed_at >= now - CLAIM_TIMEOUT)
    if not parked_too:
        held = or_(held, and_(waiting.status == OutboxStatus.PENDING, waiting.next_attempt_at > now))
    busy = select(waiting.dispute_id).where(waiting.dispute_id.is_not(None), held)
    return or_(OutboxMessage.dispute_id.is_(None), OutboxMessage.dispute_id.not_in(busy))


def _whole_runs(session: Session, locked: Sequence[tuple[int, int | None]]) -> list[int]:
    """Of the rows just locked, those whose dispute's earlier undelivered rows are all among them:
    a run is claimed from its dispute's first undelivered row on, never from its middle (a row
    passed over because another worker was claiming it at that moment would be overtaken)."""
    ids = [row_id for row_id, _ in locked]
    disputes = {dispute_id for _, dispute_id in locked if dispute_id is not None}
    left_out: dict[int | None, int] = {}
    if disputes:
        left_out = dict(
            session.execute(
                select(OutboxMessage.dispute_id, func.min(OutboxMessage.id))
                .where(
                    OutboxMessage.dispute_id.in_(disputes),
                    OutboxMessage.status.in_(UNDELIVERED),
                    OutboxMessage.id.not_in(ids),
                )
                .group_by(OutboxMessage.dispute_id)
            ).all()
        )
    return [
        row_id
        for row_id, dispute_id in locked
        if dispute_id is None or row_id < left_out.get(dispute_id, row_id + 1)
    ]


def claim(
    session: Session,
    worker: str,
    *,
    now: datetime | None = None,
    limit: int = BATCH,
    per_channel: int | None = 1,
    dispute_ids: list[int] | None = None,
    row_ids: list[int] | None = None,
    parked_too: bool = False,
) -> list[int]:
    """Take rows to deliver, oldest first, as runs: a dispute's due rows from its first
    undelivered one on, delivered in order by one worker. With `dispute_ids`, only rows of those
    disputes (a request delivering what it just saved; channels held by others are not waited
    for). Otherwise (the tick) at most `per_channel` messages per channel, and no channel in which
    another worker holds a live claim. `parked_too` also takes rows waiting out a Slack outage (a
    probe: is Slack back?)."""
    now = now or utcnow()
    due = _claimable(now, parked_too=parked_too)
    mine = dispute_ids is not None or row_ids is not None
    free = and_(due, _nothing_waiting(now, parked_too=parked_too))
    if dispute_ids is not None:
        free = and_(free, OutboxMessage.dispute_id.in_(dispute_ids))
    if row_ids is not None:
        free = and_(free, OutboxMessage.id.in_(row_ids))
    if not mine:
        other = aliased(OutboxMessage)
        held_elsewhere = select(other.channel_id).where(
            other.status == OutboxStatus.SENDING,
            other.claimed_by != worker,
            other.claimed_at >= now - CLAIM_TIMEOUT,
        )
        free = and_(free, OutboxMessage.channel_id.not_in(held_elsewhere))
    if per_channel is not None and not mine:
        # The oldest rows of each channel up to its per_channel-th message, counting the messages
        # this worker holds there already (updates in place between them ride along: Slack does
        # not pace them).
        held_here = and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker,
            OutboxMessage.claimed_at >= now - CLAIM_TIMEOUT,
        )
        ours = case((held_here, 1), else_=0)
        paced = case((OutboxMessage.kind.endswith(UPDATE), 0), else_=1)
        ranked = (
            select(
                OutboxMessage.id.label("id"),
                ours.label("ours"),
                func.sum(paced)
                .over(partition_by=OutboxMessage.channel_id, order_by=(ours.desc(), OutboxMessage.id))
                .label("messages"),
            )
            .where(or_(free, held_here))
            .subquery()
        )
        eligible = (
            select(ranked.c.id)
            .where(ranked.c.messages <= per_channel, ranked.c.ours == 0)
            .order_by(ranked.c.id)
        )
    else:
        eligible = select(OutboxMessage.id).where(free).order_by(OutboxMessage.id)
    # Chosen, then locked (PostgreSQL locks no rows of a query with a window function), then
    # claimed, each statement linear in the rows at hand. `due` is re-checked against the newest
    # version of a row another worker claimed meanwhile.
    chosen: Sequence[int] = session.scalars(eligible.limit(limit)).all()
    if not chosen:
        return []
    locked = session.execute(
        select(OutboxMessage.id, OutboxMessage.dispute_id)
        .where(OutboxMessage.id.in_(chosen), due)
        .order_by(OutboxMessage.id)
        .with_for_update(skip_locked=True)
    ).all()
    runs = _whole_runs(session, locked)
    if not runs:
        return []
    return sorted(
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(runs), due)
            # A claim taken over from a worker that died may have posted before it died.
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=worker,
                claimed_at=now,
                uncertain=or_(OutboxMessage.uncertain, OutboxMessage.status == OutboxStatus.SENDING),
            )
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )


def anything_due(
    session: Session,
    *,
    now: datetime | None = None,
    dispute_ids: list[int] | None = None,
    row_ids: list[int] | None = None,
) -> bool:
    """A cheap read before a claim (which takes SQLite's write lock): is anything due (of these
    disputes, of these rows)?"""
    now = now or utcnow()
    query = select(OutboxMessage.id).where(_claimable(now))
    if dispute_ids is not None:
        query = query.where(OutboxMessage.dispute_id.in_(dispute_ids))
    if row_ids is not None:
        query = query.where(OutboxMessage.id.in_(row_ids))
    return session.scalar(query.limit(1)) is not None


def parked(session: Session) -> bool:
    """Are rows waiting out what looked like a Slack outage?"""
    return (
        session.scalar(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.last_error.startswith(SLACK_UNAVAILABLE),
            )
            .limit(1)
        )
        is not None
    )


def lock(session: Session, row_ids: list[int]) -> list[OutboxMessage]:
    """Lock (and load) many rows at once before recording what happened to each; the caller
    keeps the list (the session's identity map holds rows only while someone does)."""
    if not row_ids:
        return []
    return list(
        session.scalars(
            select(OutboxMessage).where(one_of(session, OutboxMessage.id, row_ids)).with_for_update()
        )
    )


def _still_held(worker: str, row_ids: list[int]) -> Any:
    """Of these rows, those this worker claimed and still holds (not taken since as abandoned)."""
    return and_(
        OutboxMessage.id.in_(row_ids),
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.claimed_by == worker,
    )


def keep_claims(session: Session, worker: str, row_ids: list[int], *, now: datetime | None = None) -> None:
    """The worker still holds these rows (queued behind a slow Slack): their claims stay live."""
    session.execute(
        update(OutboxMessage)
        .where(_still_held(worker, row_ids))
        .values(claimed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )


def put_back(
    session: Session, worker: str, row_ids: list[int], *, not_before: datetime | None = None
) -> None:
    """Claimed but not tried (an earlier row of the dispute failed; its channel's turn is later):
    pending again, as it was or due `not_before`."""
    if row_ids:
        values: dict[str, Any] = {"status": OutboxStatus.PENDING, "claimed_by": None}
        if not_before is not None:
            values["next_attempt_at"] = not_before
        session.execute(
            update(OutboxMessage)
            .where(_still_held(worker, row_ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
