"""Append-only audit trail, written in the same transaction as the change it records, each
event chained to the previous one of its dispute (or, for events about no dispute, of its
workspace) by hash (models/audit.py)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.services.people import Person
from models import AuditEvent, Dispute, utcnow
from models.audit import event_hash, stored


def record(
    session: Session,
    *,
    team_id: str,
    kind: str,
    actor: Person | None,
    dispute_id: int | None = None,
    **payload: Any,
) -> AuditEvent:
    event = AuditEvent(
        team_id=team_id,
        dispute_id=dispute_id,
        actor_team=actor.team_id if actor else None,
        actor_user=actor.user_id if actor else None,
        kind=kind,
        payload=stored(payload),
        at=utcnow(),
    )
    session.flush()  # what this transaction changed first (a dispute's row), then the chain's lock
    _lock_chain(session, team_id, dispute_id)
    event.prev_hash = head(session, team_id=team_id, dispute_id=dispute_id)
    event.hash = event_hash(event, event.prev_hash)
    session.add(event)
    session.flush()  # the next event of this chain finds this one
    return event


def head(session: Session, *, team_id: str, dispute_id: int | None) -> str | None:
    """The hash of the chain's latest event (None: the chain is empty)."""
    query = select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    if dispute_id is not None:
        query = query.where(AuditEvent.dispute_id == dispute_id)
    else:
        query = query.where(AuditEvent.team_id == team_id, AuditEvent.dispute_id.is_(None))
    return session.scalars(query).first()


def _lock_chain(session: Session, team_id: str, dispute_id: int | None) -> None:
    """One writer per chain at a time until commit, so that two transactions never chain to the
    same event. SQLite has one writer anyway. On PostgreSQL a dispute's chain is locked by the
    dispute's own row, the lock every step on a dispute takes first (disputes.load), so the two
    never wait on each other in opposite orders; a workspace's chain by an advisory lock named
    by it (take several in sorted order)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if dispute_id is not None:
        session.execute(select(Dispute.id).where(Dispute.id == dispute_id).with_for_update())
        return
    key = int.from_bytes(hashlib.sha256(f"audit:t:{team_id}".encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
