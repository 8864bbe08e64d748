"""Dispute and Party: what is disputed, where its thread lives, and who takes part on which side."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class DisputeStatus(StrEnum):
    OPEN = "open"
    DISCUSSING = "discussing"
    AGREEMENT_PENDING = "agreement_pending"
    AGREED = "agreed"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Side(StrEnum):
    PROVIDER = "provider"
    CLIENT = "client"
    MEDIATOR = "mediator"


class Dispute(Base):
    __tablename__ = "disputes"
    __table_args__ = (
        UniqueConstraint("team_id", "number"),
        Index("ix_disputes_channel_status", "team_id", "channel_id", "status"),
        Index("ix_disputes_team_created", "team_id", "created_at"),
        Index("ix_disputes_channel_id", "channel_id"),  # a channel's provider, before it was kept
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(150))
    category: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    desired_outcome: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(24), default=DisputeStatus.OPEN)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # The client's organization: the workspace of every person on the client side (the provider's
    # own workspace when the client's people are its guests). Set when the dispute is opened.
    client_team: Mapped[str | None] = mapped_column(String(32))
    opened_by_team: Mapped[str] = mapped_column(String(32))
    opened_by_user: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    perspectives_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreement_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_how: Mapped[str | None] = mapped_column(String(16))  # resolved | closed | withdrawn
    ended_reason: Mapped[str | None] = mapped_column(Text)
    close_requested_side: Mapped[str | None] = mapped_column(String(16))
    perspectives_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    agreement_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The fair clock's reminder that no agreement is in effect goes to each side on its own
    # clock (bot/services/nudges.py): when each side was last reminded.
    provider_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    client_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    evidence_ts: Mapped[str | None] = mapped_column(String(32))  # the thread's one Evidence message

    parties: Mapped[list[Party]] = relationship(
        back_populates="dispute", order_by="Party.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        return f"D-{self.number}"

    def party_of(self, team_id: str, user_id: str) -> Party | None:
        return next((p for p in self.parties if p.team_id == team_id and p.user_id == user_id), None)


class Party(Base):
    __tablename__ = "parties"
    __table_args__ = (
        UniqueConstraint("dispute_id", "team_id", "user_id"),
        Index("ix_parties_person", "team_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(16))
    can_approve: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    added_by_user: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    perspective_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A mediator's: the sides that accepted them ("client", "client,provider"). Only a mediator
    # both sides accepted closes a dispute without a click from the other side.
    accepted_by: Mapped[str | None] = mapped_column(String(32))

    dispute: Mapped[Dispute] = relationship(back_populates="parties")

    @property
    def accepted_sides(self) -> frozenset[str]:
        return frozenset(s for s in (self.accepted_by or "").split(",") if s)
