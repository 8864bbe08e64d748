"""Settling an amount privately: each side's approver states a limit nobody else ever sees (the
paying side the most it would pay, the receiving side the least it would accept); when the two
overlap, the amount is settled at the midpoint, and neither side learns the other's limit.

A Settlement is asked for by one side and joined by the other; its rounds each take one sealed
offer per side. A SealedOffer's limit is kept here, server-side, and nowhere else: the audit
trail holds only a salted commitment to it."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class SettlementStatus(StrEnum):
    ASKED = "asked"  # one side asked; nothing binds anyone until the other joins
    OPEN = "open"  # both joined: rounds of sealed offers
    SETTLED = "settled"  # the limits overlapped: settled_amount
    ENDED = "ended"  # declined, withdrawn, no overlap after the last round, or past its deadline


class Settlement(Base):
    __tablename__ = "settlements"
    __table_args__ = (Index("ix_settlements_dispute_status", "dispute_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default=SettlementStatus.ASKED)
    currency: Mapped[str] = mapped_column(String(3))
    payer_side: Mapped[str] = mapped_column(String(16))  # provider | client: who would pay whom
    in_question: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # the amount the dispute is about
    round: Mapped[int] = mapped_column(Integer, default=0)  # the current round, from 1 once joined
    max_rounds: Mapped[int] = mapped_column(Integer, default=3)
    days: Mapped[int] = mapped_column(Integer, default=5)  # business days from joining to the end
    step: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # a rounding step; None: minor unit
    tell_bands: Mapped[bool] = mapped_column(Boolean, default=False)  # "still apart: within 10%", …
    last_band: Mapped[str | None] = mapped_column(String(16))  # the last round's, when told
    asked_side: Mapped[str] = mapped_column(String(16))
    asked_by_team: Mapped[str] = mapped_column(String(32))
    asked_by_user: Mapped[str] = mapped_column(String(32))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    joined_by_team: Mapped[str | None] = mapped_column(String(32))
    joined_by_user: Mapped[str | None] = mapped_column(String(32))
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    settled_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    # Started from the proposal form: the proposal's words, which go with the settled amount.
    terms_summary: Mapped[str | None] = mapped_column(String(150))
    terms_details: Mapped[str | None] = mapped_column(Text)
    terms_remedy: Mapped[str | None] = mapped_column(String(16))
    message_ts: Mapped[str | None] = mapped_column(String(32))  # its one message in the thread
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(24))  # declined | withdrawn | apart | deadline

    offers: Mapped[list[SealedOffer]] = relationship(
        back_populates="settlement", order_by="SealedOffer.id", cascade="all, delete-orphan"
    )

    @property
    def receiver_side(self) -> str:
        return "client" if self.payer_side == "provider" else "provider"


class SealedOffer(Base):
    __tablename__ = "sealed_offers"
    __table_args__ = (UniqueConstraint("settlement_id", "round", "side"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    settlement_id: Mapped[int] = mapped_column(ForeignKey("settlements.id", ondelete="CASCADE"))
    round: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(16))
    # The payer's maximum or the receiver's minimum. Never shown, sent or exported: read only to
    # find the overlap.
    limit_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    salt: Mapped[str] = mapped_column(String(64))
    commitment: Mapped[str] = mapped_column(String(64))  # SHA-256, in the audit trail
    submitted_by_team: Mapped[str] = mapped_column(String(32))
    submitted_by_user: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    settlement: Mapped[Settlement] = relationship(back_populates="offers")
