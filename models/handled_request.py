"""HandledRequest: a Slack request whose work has been done once.

Slack re-sends an Events API event (same `event_id`) when it did not see a quick 200, and a signed
request can be replayed within Slack's five-minute window. Before a listener's work runs, its
request's key is written here; the primary key lets only one process win, so a retry or a replay
on any web process finds the key and does nothing. Rows older than a day are deleted by the
scheduler's tick."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class HandledRequest(Base):
    __tablename__ = "handled_requests"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
