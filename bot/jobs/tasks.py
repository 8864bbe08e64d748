"""What the tick does: queue due check-ins and reminders in the outbox, deliver the outbox, and
forget what is no longer needed."""

from __future__ import annotations

from datetime import datetime

from apscheduler.schedulers.base import BaseScheduler

from bot.config import Settings
from bot.db import Database
from bot.delivery.deliverer import Deliverer
from bot.jobs.clock import Periodic, Tick, build_scheduler
from bot.services import disputes, evidence, followups, installs, nudges, outbox, replays, settlements, turns
from bot.services.message_kinds import MessageKind
from models import Dispute, utcnow

DELIVERY_POLL_SECONDS = 1.0


def queue_checkins(db: Database) -> int:
    """Due check-ins become outbox rows (one message per dispute); the delivery task posts them."""
    queued = 0
    while True:
        with db.transaction() as session:
            written = followups.queue_due(session)
        if not written:
            return queued
        queued += written


def remind_stalled(db: Database, *, now: datetime | None = None) -> int:
    """Reminders due on the fair clock (`now`: a test's chosen moment; the clock's own otherwise)."""
    now = now or utcnow()
    with db.transaction() as session:
        turns.start_missing(session)
    with db.read() as session:
        candidates = nudges.due(session, now=now)
    reminded = 0
    for candidate in candidates:
        with db.transaction() as session:
            found = session.get(Dispute, candidate.dispute_id)
            if found is None:  # erased meanwhile
                continue
            dispute = disputes.load(session, found.team_id, candidate.dispute_id, lock=True)
            nudge = nudges.still_due(session, dispute, candidate, now=now)
            if nudge is None:
                continue  # another scheduler process reminded first, or things moved on
            nudges.remind(session, dispute, nudge, now=now)
            reminded += 1
    return reminded


def stale_evidence(db: Database) -> int:
    with db.transaction() as session:
        return evidence.give_up_stale(session)


def settlements_due(db: Database) -> int:
    """Private settlements past their deadline end (their messages say so)."""
    with db.transaction() as session:
        ended = settlements.expire(session)
        for found in ended:
            dispute = session.get(Dispute, found.dispute_id)
            if dispute is not None:
                outbox.say(session, dispute, MessageKind.SETTLEMENT_UPDATE, settlement=found.id)
        return len(ended)


def forget(db: Database) -> int:
    """Slack retries and replays come within the hour, so their keys go after a day; delivered
    outbox rows go after two weeks; install states (anyone opening the install page makes one)
    once expired."""
    with db.transaction() as session:
        return (
            replays.forget_old(session)
            + outbox.forget_delivered(session)
            + installs.forget_expired_states(session)
        )


def tasks(db: Database, settings: Settings, deliverer: Deliverer) -> list[Periodic]:
    every = settings.scheduler_tick_seconds
    return [
        Periodic("checkins", lambda: queue_checkins(db), every),
        Periodic("nudges", lambda: remind_stalled(db), max(every, 60.0)),  # reminders are days apart
        Periodic("evidence", lambda: stale_evidence(db), max(every, 60.0)),
        Periodic("settlements", lambda: settlements_due(db), max(every, 60.0)),
        Periodic("deliveries", deliverer),
        Periodic("forget", lambda: forget(db), max(every, 3600.0)),
    ]


def start(db: Database, settings: Settings, deliverer: Deliverer) -> BaseScheduler:
    """The scheduler with Parley's tick, started on a thread of its own."""
    interval = min(DELIVERY_POLL_SECONDS, settings.scheduler_tick_seconds)
    scheduler = build_scheduler(Tick(tasks(db, settings, deliverer)), interval)
    scheduler.start()
    return scheduler
