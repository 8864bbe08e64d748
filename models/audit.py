"""AuditEvent: the append-only trail of every state change, as hash chains.

Each event stores the hash of the previous event of its chain (`prev_hash`) and its own hash
over a canonical form of itself (`hash`, see `event_hash`). A dispute's events are one chain;
a workspace's events about no dispute (settings, hand-overs) are another. Changing, removing or
reordering an event breaks its chain from there on (`parley verify --audit` walks them)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

CHAIN_VERSION = 1


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_chain", "dispute_id", "id"),  # a dispute's chain, in order
        Index("ix_audit_events_team_chain", "team_id", "dispute_id", "id"),  # a workspace's
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    actor_team: Mapped[str | None] = mapped_column(String(32))
    actor_user: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64), index=True)  # GET /metrics counts by kind
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    prev_hash: Mapped[str | None] = mapped_column(String(64))  # None: the first of its chain
    hash: Mapped[str | None] = mapped_column(String(64))


def canonical(
    *,
    prev_hash: str | None,
    team_id: str,
    dispute_id: int | None,
    actor_team: str | None,
    actor_user: str | None,
    kind: str,
    payload: dict[str, Any],
    at: datetime,
) -> bytes:
    """What an event's hash is taken over: JSON with sorted keys and no spaces, every non-ASCII
    character as a \\u escape, the time in UTC to the microsecond. Versioned (`v`): a later form
    would be a new version. The payload is as the database gives it back (see `stored`)."""
    body = {
        "v": CHAIN_VERSION,
        "prev": prev_hash or "",
        "team": team_id,
        "dispute": dispute_id,
        "actor": [actor_team, actor_user],
        "kind": kind,
        "payload": payload,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()  # ASCII: \u escapes


def event_hash(event: Any, prev_hash: str | None) -> str:
    """The SHA-256 (hex) of the event's canonical form, chained to `prev_hash`. `event`: an
    AuditEvent, or a row of its columns."""
    return hashlib.sha256(
        canonical(
            prev_hash=prev_hash,
            team_id=event.team_id,
            dispute_id=event.dispute_id,
            actor_team=event.actor_team,
            actor_user=event.actor_user,
            kind=event.kind,
            payload=event.payload if event.payload is not None else {},
            at=event.at,
        )
    ).hexdigest()


def stored(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as a JSON column gives it back (keys as strings, tuples as lists), so that the
    hash taken when it is written is the one found when it is read."""
    return json.loads(json.dumps(payload))
