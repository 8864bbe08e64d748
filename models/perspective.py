"""Perspective: one party's side of the story, versioned; posted (revealed) once both sides shared."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.dispute import Party


class Perspective(Base):
    __tablename__ = "perspectives"
    __table_args__ = (UniqueConstraint("party_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    what_happened: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)
    resolution: Mapped[str] = mapped_column(Text)
    acknowledgement: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # no longer sealed
    posted_ts: Mapped[str | None] = mapped_column(String(32))  # its message, once delivered

    party: Mapped[Party] = relationship()
