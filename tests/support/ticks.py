"""Running the scheduler's tasks once, as the tick would, against a test's app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import holidays
from sqlalchemy import update

from bot.application import Parley
from bot.jobs.tasks import queue_checkins, remind_stalled
from models import OutboxMessage, OutboxStatus, utcnow


def post_due_checkins(parley: Parley) -> int:
    """Queue the check-ins that are due and deliver the outbox; returns the messages delivered."""
    queue_checkins(parley.db)
    return parley.deliverer()


def remind(parley: Parley, now: datetime | None = None) -> int:
    """Remind stalled disputes (as at `now`) and deliver; returns how many were reminded."""
    reminded = remind_stalled(parley.db, now=now)
    parley.deliverer()
    return reminded


def deliver_what_is_left(parley: Parley) -> int:
    """What the tick does once Slack answers again, without waiting out the backoff: every
    undelivered row is due now; deliver until nothing is left. Returns the messages delivered."""
    delivered = 0
    for _ in range(20):
        with parley.db.transaction() as session:
            waiting = session.execute(update(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.PENDING).values(next_attempt_at=utcnow())).rowcount
        if not waiting:
            return delivered
        delivered += parley.deliverer()
    raise AssertionError("the outbox never drained")


def a_working_morning(days_ahead: int = 21) -> datetime:
    """A Tuesday, 11:00 UTC, some weeks on and no public holiday in the UK: working time for the
    tests' organizations (Parley learns Europe/London from the fake Slack's people, or has no
    calendar for them and counts UTC, Monday to Friday), whatever day the test runs."""
    day = (utcnow() + timedelta(days=days_ahead)).date()
    public = holidays.country_holidays("GB")  # the fake Slack's people are in Europe/London
    while day.weekday() != 1 or day in public:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 11, 0, tzinfo=UTC)
