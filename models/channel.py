"""ChannelProvider: which organization is the provider in a channel Parley is in.

A Slack Connect channel has one id for every organization in it, and Parley may be installed in
more than one of them. The provider is decided once, by the installation that brought Parley
into the channel (or that first opened a dispute there), and its admins may hand the role to
another organization in the channel. Disputes opened in the channel belong to the provider's
workspace: their numbers, settings and internal notes are its own; the other organization's
people are the client side, whichever installation carried their request."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ChannelProvider(Base):
    __tablename__ = "channel_providers"

    channel_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32), index=True)
    set_by_team: Mapped[str | None] = mapped_column(String(32))
    set_by_user: Mapped[str | None] = mapped_column(String(32))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
