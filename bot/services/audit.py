"""Append-only audit trail, written in the same transaction as the change it records."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.services.people import Person
from models import AuditEvent


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
        payload=payload,
    )
    session.add(event)
    return event
