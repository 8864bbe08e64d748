"""Agreement (one row per version), its action items, and the approvals bound to its text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
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


class AgreementStatus(StrEnum):
    PENDING = "pending"  # awaiting approvals
    SUPERSEDED = "superseded"  # a later version replaced it
    RATIFIED = "ratified"  # every required approval arrived: in effect, never changes again


class Agreement(Base):
    __tablename__ = "agreements"
    __table_args__ = (UniqueConstraint("dispute_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    drafted_by_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    terms: Mapped[str] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    checkin_days: Mapped[list[int]] = mapped_column(JSON, default=list)
    checkin_on_due_dates: Mapped[bool] = mapped_column(Boolean, default=True)
    approvals_rule: Mapped[str] = mapped_column(String(16), default="one_per_side")
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=AgreementStatus.PENDING)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    file_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ratified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    drafted_by: Mapped[Party] = relationship()
    items: Mapped[list[ActionItem]] = relationship(
        back_populates="agreement", order_by="ActionItem.position", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[Approval]] = relationship(
        back_populates="agreement", order_by="Approval.id", cascade="all, delete-orphan"
    )

    @property
    def label(self) -> str:
        return f"Agreement v{self.version}"

    def canonical(self, reference: str) -> dict[str, Any]:
        """Everything an approver agrees to, in a stable form for the content hash."""
        return {
            "dispute": reference,
            "version": self.version,
            "terms": self.terms,
            "compensation": [str(self.amount), self.currency] if self.amount is not None else None,
            "action_items": [
                [i.text, i.owner_team, i.owner_user, i.due_as_agreed.isoformat()] for i in self.items
            ],
            "checkins": {"days_after": sorted(self.checkin_days), "on_due_dates": self.checkin_on_due_dates},
        }


class ActionItem(Base):
    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(300))
    owner_team: Mapped[str] = mapped_column(String(32))
    owner_user: Mapped[str] = mapped_column(String(32))
    due_date: Mapped[date] = mapped_column(Date)  # now: a new date set later moves it
    # As agreed (and hashed): never changes.
    agreed_due: Mapped[date] = mapped_column(
        Date, default=lambda context: context.get_current_parameters()["due_date"]
    )
    status: Mapped[str] = mapped_column(String(16), default="open")

    agreement: Mapped[Agreement] = relationship(back_populates="items")

    @property
    def due_as_agreed(self) -> date:
        return self.agreed_due or self.due_date  # before the row is written: the same


class Approval(Base):
    __tablename__ = "approvals"
    __table_args__ = (UniqueConstraint("agreement_id", "team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    team_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(32))
    decision: Mapped[str] = mapped_column(String(16), default="approved")
    content_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="approvals")
    party: Mapped[Party] = relationship()
