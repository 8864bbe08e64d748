"""Proposal: a solution one side puts on the table, with optional action items."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.dispute import Party


class ProposalStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class Proposal(Base):
    __tablename__ = "proposals"
    __table_args__ = (UniqueConstraint("dispute_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    author_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(String(150))
    details: Mapped[str] = mapped_column(Text)
    remedy: Mapped[str] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.OPEN)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    decided_by_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str | None] = mapped_column(Text)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    author: Mapped[Party] = relationship(foreign_keys=[author_party_id])
    decided_by: Mapped[Party | None] = relationship(foreign_keys=[decided_by_party_id])
    items: Mapped[list[ProposalItem]] = relationship(
        back_populates="proposal", order_by="ProposalItem.position", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return f"P{self.number}"


class ProposalItem(Base):
    __tablename__ = "proposal_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    owner_team: Mapped[str] = mapped_column(String(32))
    owner_user: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date] = mapped_column(Date)

    proposal: Mapped[Proposal] = relationship(back_populates="items")
