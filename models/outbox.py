"""OutboxMessage: one Slack call that Parley owes, saved in the same transaction as the change it
announces and delivered after the commit (bot/delivery/). The row is the truth: a message whose
delivery failed, or whose process died, is still here and is delivered by the next tick."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its turn (next_attempt_at) and for earlier rows of its dispute
    SENDING = "sending"  # claimed by a worker; an expired claim is taken again
    SENT = "sent"
    SKIPPED = "skipped"  # no longer needed when its turn came (the dispute moved on)
    FAILED = "failed"  # Slack refused it for good; audited, and a person was told


UNDELIVERED = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        Index("ix_outbox_dispute_id", "dispute_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"))
    channel_id: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(40))
    # What the message is about (ids and a few plain words); the text itself is rendered from the
    # database when it is delivered, so a late delivery shows the current state.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notify_team: Mapped[str | None] = mapped_column(String(32))  # told if it fails for good
    notify_user: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A post whose answer never came back may have been made: look for it before posting again.
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    last_error: Mapped[str | None] = mapped_column(Text)
    result_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
