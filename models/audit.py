"""AuditEvent: the append-only trail of every state change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    dispute_id: Mapped[int | None] = mapped_column(
        ForeignKey("disputes.id", ondelete="CASCADE"), index=True
    )
    actor_team: Mapped[str | None] = mapped_column(String(32))
    actor_user: Mapped[str | None] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(64), index=True)  # GET /metrics counts by kind
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
