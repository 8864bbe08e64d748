"""LessonLearned: what the host team takes from a dispute. Internal: never shown to the client."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class LessonLearned(Base):
    __tablename__ = "lessons_learned"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    root_cause: Mapped[str] = mapped_column(String(32))
    what_to_change: Mapped[str] = mapped_column(Text)
    owner_team: Mapped[str | None] = mapped_column(String(32))
    owner_user: Mapped[str | None] = mapped_column(String(32))
    recorded_by_team: Mapped[str] = mapped_column(String(32))
    recorded_by_user: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
