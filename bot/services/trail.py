"""Walking the audit trail's hash chains (models/audit.py): every event must hash to what it
stores, and store the hash of the event before it in its chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, Dispute
from models.audit import event_hash

COLUMNS = [
    AuditEvent.__table__.c[name]
    for name in (
        "id",
        "team_id",
        "dispute_id",
        "actor_team",
        "actor_user",
        "kind",
        "payload",
        "at",
        "prev_hash",
        "hash",
    )
]


@dataclass(frozen=True)
class Break:
    event: Any  # the event's row: id, kind, at, dispute_id, team_id, …
    reason: str


@dataclass(frozen=True)
class Walk:
    events: int
    chains: int
    first_break: Break | None


def walk(session: Session, *, dispute: Dispute | None = None) -> Walk:
    """Check every chain (or one dispute's) in order; stops at the first event that does not
    fit."""
    query = select(*COLUMNS).execution_options(yield_per=5000)  # rows: no objects to build
    if dispute is not None:
        query = query.where(AuditEvent.dispute_id == dispute.id).order_by(AuditEvent.id)
    else:  # each dispute's chain, then each workspace's, each in the order written
        query = query.order_by(
            AuditEvent.dispute_id.is_(None), AuditEvent.dispute_id, AuditEvent.team_id, AuditEvent.id
        )
    events = chains = 0
    chain: tuple[str, int | None] | None = None
    prev: str | None = None
    for event in session.execute(query):
        key = ("", event.dispute_id) if event.dispute_id is not None else (event.team_id, None)
        if key != chain:
            chain, prev, chains = key, None, chains + 1
        events += 1
        if event.prev_hash != prev:
            return Walk(
                events,
                chains,
                Break(
                    event,
                    "it does not follow the event before it "
                    "in its chain (an event was changed, "
                    "removed or put in between)",
                ),
            )
        if event.hash != event_hash(event, prev):
            return Walk(
                events,
                chains,
                Break(event, "its content does not match its hash (it was changed after it was written)"),
            )
        prev = event.hash
    return Walk(events, chains, None)
