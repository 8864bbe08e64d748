"""The outbox: what Parley must say in Slack, saved in the same transaction as the change it is
about, and delivered after the commit (bot/delivery/). This module writes rows and records what
became of them; claiming them for delivery is outbox_claims.py's. It knows nothing of Slack."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from bot.db import rows_changed
from bot.services import audit
from bot.services.message_kinds import MessageKind
from bot.services.message_params import checked
from bot.services.people import Person
from models import UNDELIVERED, Dispute, OutboxMessage, OutboxStatus, utcnow

log = logging.getLogger("parley.outbox")

# Kinds named so update a message in place: Slack paces posts per channel, not updates.
UPDATE = ".update"
GIVE_UP_AFTER = timedelta(days=2)  # Slack unreachable that long: tell a person, stop trying
KEEP_DELIVERED = timedelta(days=14)
SLACK_UNAVAILABLE = "slack unavailable: "  # last_error prefix of rows parked by an outage
_OWED = "parley_owed"  # Session.info key: the rows a transaction wrote


def by_person(team_id: str, user_id: str) -> list[str]:
    """How params name a person; the name itself is looked up when the message is rendered."""
    return [team_id, user_id]


def say(
    session: Session,
    dispute: Dispute,
    kind: MessageKind,
    *,
    notify: Person | None = None,
    channel_id: str | None = None,
    **params: Any,
) -> OutboxMessage:
    """Owe one Slack call about `dispute` (in its channel unless `channel_id` says otherwise).
    `notify` is told if Slack refuses it for good."""
    return _add(session, dispute.team_id, dispute.id, channel_id or dispute.channel_id, kind, notify, params)


def say_outside(
    session: Session,
    team_id: str,
    channel_id: str,
    kind: MessageKind,
    *,
    notify: Person | None = None,
    **params: Any,
) -> OutboxMessage:
    """Owe a Slack call that belongs to no dispute (a channel welcome, a notice to a person)."""
    return _add(session, team_id, None, channel_id, kind, notify, params)


def _add(
    session: Session,
    team_id: str,
    dispute_id: int | None,
    channel_id: str,
    kind: MessageKind,
    notify: Person | None,
    params: dict[str, Any],
) -> OutboxMessage:
    kind = MessageKind(kind)  # a kind this release does not know is a bug: raised here
    row = OutboxMessage(
        team_id=team_id,
        dispute_id=dispute_id,
        channel_id=channel_id,
        kind=kind.value,
        params=checked(kind, params),  # … and so are parameters its model does not take
        notify_team=notify.team_id if notify else None,
        notify_user=notify.user_id if notify else None,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
        created_at=utcnow(),
    )
    session.add(row)
    session.info.setdefault(_OWED, []).append(row)  # see owed()
    return row


def owed(session: Session) -> list[OutboxMessage]:
    """The rows this transaction has written so far (and forgets them): what its unit of work
    delivers after the commit (bot/services/unit_of_work.py)."""
    return session.info.pop(_OWED, [])


def still_waiting(session: Session, row_id: int) -> bool:
    """Is the row still waiting to be delivered (Slack did not take it at once)?"""
    return session.scalar(select(OutboxMessage.status).where(OutboxMessage.id == row_id)) in UNDELIVERED


def _held(session: Session, worker: str, row_id: int, locked: bool = False) -> OutboxMessage | None:
    row = (
        session.get(OutboxMessage, row_id)
        if locked
        else session.get(OutboxMessage, row_id, with_for_update=True)
    )
    if row is None or row.status != OutboxStatus.SENDING or row.claimed_by != worker:
        return None  # our claim expired and another worker took the row
    return row


def sent(
    session: Session, worker: str, row_id: int, ts: str | None, *, locked: bool = False
) -> OutboxMessage | None:
    """Slack took it. Returns the row, or None when the claim was lost meanwhile."""
    row = _held(session, worker, row_id, locked)
    if row is None:
        return None
    row.status = OutboxStatus.SENT
    row.attempts += 1
    row.result_ts = ts
    row.done_at = utcnow()
    row.last_error = None
    return row


def retry(
    session: Session,
    worker: str,
    row_id: int,
    error: str,
    *,
    delay: timedelta,
    uncertain: bool = False,
    outage: bool = False,
    now: datetime | None = None,
    locked: bool = False,
) -> str:
    """Try again after `delay` ('retry'), or give up when the row is too old ('failed')."""
    now = now or utcnow()
    row = _held(session, worker, row_id, locked)
    if row is None:
        return "lost"
    row.attempts += 1
    row.uncertain = row.uncertain or uncertain
    if now - row.created_at > GIVE_UP_AFTER:
        _fail(session, row, f"gave up after {row.attempts} attempts: {error}")
        return "failed"
    row.status = OutboxStatus.PENDING
    row.claimed_by = None
    row.next_attempt_at = now + delay
    row.last_error = (SLACK_UNAVAILABLE if outage else "") + error
    log.warning(
        "delivery %s (%s) attempt %d failed (%s); trying again at %s",
        row.id,
        row.kind,
        row.attempts,
        error,
        row.next_attempt_at.isoformat(),
    )
    return "retry"


def failed(
    session: Session, worker: str, row_id: int, error: str, *, locked: bool = False
) -> OutboxMessage | None:
    """Slack refused it for good: record it, audit it, and owe the person a notice."""
    row = _held(session, worker, row_id, locked)
    if row is None:
        return None
    row.attempts += 1
    _fail(session, row, error)
    return row


NOTICE = MessageKind.NOTICE_FAILED


def _fail(session: Session, row: OutboxMessage, error: str) -> None:
    row.status = OutboxStatus.FAILED
    row.last_error = error
    row.done_at = utcnow()
    row.claimed_by = None
    log.error("delivery %s (%s) of dispute %s failed for good: %s", row.id, row.kind, row.dispute_id, error)
    audit.record(
        session,
        team_id=row.team_id,
        dispute_id=row.dispute_id,
        kind="delivery.failed",
        actor=None,
        outbox_id=row.id,
        what=row.kind,
        channel=row.channel_id,
        error=error,
    )
    # A person is told about a message that never appeared; an update that could not be made (the
    # message was deleted, say) leaves the thread as it was, and what it showed is in the database.
    if row.notify_user and row.kind != NOTICE and not row.kind.endswith(UPDATE):
        person = Person(team_id=row.notify_team or row.team_id, user_id=row.notify_user)
        say_outside(session, row.team_id, person.user_id, NOTICE, failed=row.id)


def skipped(session: Session, worker: str, row_id: int, reason: str, *, locked: bool = False) -> None:
    """Not needed any more when its turn came (the dispute moved on)."""
    row = _held(session, worker, row_id, locked)
    if row is not None:
        row.status = OutboxStatus.SKIPPED
        row.last_error = reason
        row.done_at = utcnow()


def slack_is_back(session: Session, *, now: datetime | None = None) -> int:
    """A delivery went through: rows parked by the outage are due now, not at their backoff."""
    now = now or utcnow()
    return rows_changed(
        session,
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at > now,
            OutboxMessage.last_error.startswith(SLACK_UNAVAILABLE),
        )
        .values(next_attempt_at=now)
        .execution_options(synchronize_session=False),
    )


def needs_attention(
    session: Session, team_id: str, user_id: str, *, limit: int = 5
) -> list[tuple[OutboxMessage, str | None]]:
    """What Parley could not post for this person lately (their App Home shows it), each with
    its dispute's reference."""
    rows = list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.notify_user == user_id,
                or_(OutboxMessage.notify_team == team_id, OutboxMessage.notify_team.is_(None)),
                OutboxMessage.status == OutboxStatus.FAILED,
                OutboxMessage.kind != NOTICE,
                ~OutboxMessage.kind.endswith(UPDATE),
                OutboxMessage.done_at >= utcnow() - KEEP_DELIVERED,
            )
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )
    refs = {
        d.id: d.reference
        for d in session.scalars(
            select(Dispute).where(Dispute.id.in_({r.dispute_id for r in rows if r.dispute_id}))
        )
    }
    return [(row, refs.get(row.dispute_id) if row.dispute_id else None) for row in rows]


def forget_delivered(session: Session, *, now: datetime | None = None) -> int:
    """Delivered and skipped rows go after two weeks; failed ones stay for App Home and audit."""
    now = now or utcnow()
    return rows_changed(
        session,
        delete(OutboxMessage)
        .where(
            OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.SKIPPED]),
            OutboxMessage.done_at < now - KEEP_DELIVERED,
        )
        .execution_options(synchronize_session=False),
    )
