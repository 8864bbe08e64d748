"""An organization's calendar (working days and hours, time zone, public holidays) and the turns
its people are waited on for, which the fair clock counts in that calendar.

An admin's choices (OrgCalendar) are kept apart from what Parley learnt from Slack (SlackDefaults,
a cache of Slack's answers, not anyone's decision), so a setting cleared goes back to Slack's, and
Slack's never overrides a setting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class OrgCalendar(Base):
    __tablename__ = "org_calendars"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))  # "Europe/Berlin"
    country: Mapped[str | None] = mapped_column(String(2))  # public holidays of: "DE"
    subdivision: Mapped[str | None] = mapped_column(String(10))  # … and region: "BY"
    work_days: Mapped[str | None] = mapped_column(String(16))  # "0,1,2,3,4" (Monday is 0)
    day_start: Mapped[str | None] = mapped_column(String(5))  # "09:00"
    day_end: Mapped[str | None] = mapped_column(String(5))  # "17:00"
    updated_by: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class SlackDefaults(Base):
    """What Slack says of an organization's people: their time zone and locale (a cache)."""

    __tablename__ = "slack_defaults"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    time_zone: Mapped[str | None] = mapped_column(String(64))  # "Europe/Berlin"
    locale: Mapped[str | None] = mapped_column(String(16))  # "de-DE"
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Turn(Base):
    """A stretch of time a dispute waited on one side for one thing (to share its side, answer a
    proposal, approve, propose); `worked_seconds` is that side's working time in it, once ended."""

    __tablename__ = "turns"
    __table_args__ = (
        Index("ix_turns_dispute_open", "dispute_id", "ended_at"),
        Index("ix_turns_team", "team_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[str | None] = mapped_column(String(32))  # the organization waited on
    step: Mapped[str] = mapped_column(String(16))  # bot/services/next_step.py's Step
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    worked_seconds: Mapped[int | None] = mapped_column(Integer)
    nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
