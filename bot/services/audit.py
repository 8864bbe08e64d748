"""Append-only audit trail, written in the same transaction as the change it records, each
event chained to the previous one of its dispute (or, for events about no dispute, of its
workspace) by hash (models/audit.py)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy import event as orm_events
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from bot.services.people import Person
from models import AuditEvent, Dispute, utcnow
from models.audit import event_hash, stored

CHANGED = "parley.disputes_changed"  # session.info: disputes whose turn may have changed


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
    if dispute_id is not None:
        _follow_turns_before_commit(session, dispute_id)
    return event


def _follow_turns_before_commit(session: Session, dispute_id: int) -> None:
    """A dispute's event may change whose turn it is: the fair clock (bot/services/turns.py)
    re-reads it once, just before this transaction commits."""
    session.info.setdefault(CHANGED, set()).add(dispute_id)
    if not orm_events.contains(session, "before_commit", _before_commit):
        orm_events.listen(session, "before_commit", _before_commit)


def _before_commit(session: Session) -> None:
    from bot.services import turns  # turns reads next_step, which reads services that record events

    turns.follow_changed(session)


@dataclass
class NewEvent:
    """An event for record_many: the same fields as record's."""

    team_id: str
    kind: str
    dispute_id: int | None
    actor: Person | None = None
    payload: dict[str, Any] = field(default_factory=dict)


def record_many(session: Session, events: list[NewEvent]) -> None:
    """Record many events at once (a tick's round of delivered check-ins): each chain is locked
    and its head read once, the hashes are chained here in order, and all the events are
    inserted in one statement, instead of a read and two flushes per event (record)."""
    if not events:
        return
    session.flush()
    disputes = sorted({e.dispute_id for e in events if e.dispute_id is not None})
    teams = sorted({e.team_id for e in events if e.dispute_id is None})
    lock_disputes(session, disputes)
    for team_id in teams:
        _lock_chain(session, team_id, None)
    heads: dict[object, str | None] = {("t", t): head(session, team_id=t, dispute_id=None) for t in teams}
    if disputes:
        latest = (
            select(func.max(AuditEvent.id))
            .where(AuditEvent.dispute_id.in_(disputes))
            .group_by(AuditEvent.dispute_id)
        )
        query = select(AuditEvent.dispute_id, AuditEvent.hash).where(AuditEvent.id.in_(latest))
        heads.update({("d", d): h for d, h in session.execute(query).all()})
    rows = []
    for new in events:
        row: dict[str, Any] = {
            "team_id": new.team_id,
            "dispute_id": new.dispute_id,
            "actor_team": new.actor.team_id if new.actor else None,
            "actor_user": new.actor.user_id if new.actor else None,
            "kind": new.kind,
            "payload": stored(new.payload),
            "at": utcnow(),
        }
        chain = ("d", new.dispute_id) if new.dispute_id is not None else ("t", new.team_id)
        row["prev_hash"] = heads.get(chain)
        row["hash"] = heads[chain] = event_hash(SimpleNamespace(**row), row["prev_hash"])
        rows.append(row)
    session.execute(insert(AuditEvent), rows)


def lock_disputes(session: Session, dispute_ids: list[int]) -> None:
    """Lock these disputes' chains (on PostgreSQL their rows, as disputes.load does), in one
    statement and in id order. Whoever changes a dispute's rows in a batch takes these first, as
    every request does its dispute's (check-ins posted: bot/delivery/followup_kinds.py)."""
    if dispute_ids and session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Dispute.id)
            .where(Dispute.id.in_(sorted(dispute_ids)))
            .order_by(Dispute.id)
            .with_for_update()
        )


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
