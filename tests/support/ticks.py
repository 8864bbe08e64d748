"""Running the scheduler's tasks once, as the tick would, against a test's app."""

from __future__ import annotations

from sqlalchemy import update

from bot.application import Parley
from bot.jobs.tasks import queue_checkins, remind_stalled
from models import OutboxMessage, OutboxStatus, utcnow


def post_due_checkins(parley: Parley) -> int:
    """Queue the check-ins that are due and deliver the outbox; returns the messages delivered."""
    queue_checkins(parley.db)
    return parley.deliverer()


def remind(parley: Parley) -> int:
    """Remind stalled disputes and deliver; returns how many disputes were reminded."""
    reminded = remind_stalled(parley.db)
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
