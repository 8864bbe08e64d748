"""MediatorRequest: one side asking for a mediator, and what became of it.

A mediator must be acceptable to both sides. Someone from neither party organization joins at
once; someone from the requesting side's own organization joins only when the other side
accepts them (until then they are not a party and can do nothing). The request keeps the thread
message that asks for it, so that the message is updated in place as it is decided."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class MediatorRequestStatus(StrEnum):
    WAITING = "waiting"  # for the other side to accept the person
    JOINED = "joined"  # the person is the dispute's mediator (a Party on no side)
    DECLINED = "declined"  # the other side said no


class MediatorRequest(Base):
    __tablename__ = "mediator_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[str] = mapped_column(String(32))  # the person asked to mediate
    user_id: Mapped[str] = mapped_column(String(32))
    from_side: Mapped[str | None] = mapped_column(String(16))  # whose organization they are of
    requested_side: Mapped[str] = mapped_column(String(16))
    requested_by_team: Mapped[str] = mapped_column(String(32))
    requested_by_user: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=MediatorRequestStatus.WAITING)
    message_ts: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_team: Mapped[str | None] = mapped_column(String(32))
    decided_by_user: Mapped[str | None] = mapped_column(String(32))
