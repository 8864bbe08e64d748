"""Policy: a workspace's rules for disputes, with optional per-channel overrides.

`channel_id` is '' for the workspace-wide row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class Policy(Base):
    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32), default="", server_default="")
    seal_perspectives: Mapped[bool | None] = mapped_column(Boolean)
    approvals_required: Mapped[str | None] = mapped_column(String(16))  # one_per_side | everyone
    checkin_days: Mapped[str | None] = mapped_column(String(64))  # e.g. "7,30"
    perspective_nudge_days: Mapped[int | None] = mapped_column(Integer)  # working days
    agreement_nudge_days: Mapped[int | None] = mapped_column(Integer)  # working days of turns
    escalation_channel: Mapped[str | None] = mapped_column(String(32))
    mediators: Mapped[str | None] = mapped_column(String(600))  # "U1,U2": people who mediate
    settle_rounds: Mapped[int | None] = mapped_column(Integer)  # settling privately: at most
    settle_days: Mapped[int | None] = mapped_column(Integer)  # … business days once joined
    settle_bands: Mapped[bool | None] = mapped_column(Boolean)  # … tell how far apart, broadly
    settle_step: Mapped[str | None] = mapped_column(String(16))  # … round to this ("50"), or cents
    answer_nudge_days: Mapped[int | None] = mapped_column(Integer)  # working days to answer a proposal
    approve_nudge_days: Mapped[int | None] = mapped_column(Integer)  # … to approve an agreement
    language: Mapped[str | None] = mapped_column(String(8))  # what Parley posts in the channel
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
