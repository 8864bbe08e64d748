"""Which organization is the provider in a channel (models/channel.py), and handing it over."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.services import audit
from bot.services.errors import NotAllowed
from bot.services.people import Person
from models import ChannelProvider, Dispute, utcnow


def provider_of(session: Session, channel_id: str, default: str) -> str:
    """The channel's provider organization. Where none is recorded: the workspace that holds the
    channel's latest dispute (a channel from before providers were kept), else `default` (the
    channel's host organization where Parley works for it, else the workspace whose
    installation carried the request: bot/slack/context.py), which would become the provider by
    opening one."""
    found = session.get(ChannelProvider, channel_id)
    if found is not None:
        return found.team_id
    return _holder_of_disputes(session, channel_id) or default


def _holder_of_disputes(session: Session, channel_id: str) -> str | None:
    return session.scalars(
        select(Dispute.team_id).where(Dispute.channel_id == channel_id).order_by(Dispute.id.desc()).limit(1)
    ).first()


def claim(session: Session, channel_id: str, team_id: str, *, by: Person | None) -> str:
    """Record `team_id` as the channel's provider unless one is recorded already (first come,
    and a channel with disputes from before providers were kept stays theirs; also across
    processes: the insert does nothing on a conflict); returns the provider. Only a
    hand-over is audited: the first provider is where the channel's first dispute says it is."""
    found = session.get(ChannelProvider, channel_id)
    if found is not None:
        return found.team_id
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    team_id = _holder_of_disputes(session, channel_id) or team_id
    added = session.execute(
        insert(ChannelProvider)
        .values(
            channel_id=channel_id,
            team_id=team_id,
            set_by_team=by.team_id if by else None,
            set_by_user=by.user_id if by else None,
            set_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(ChannelProvider.team_id)
    ).scalar_one_or_none()
    if added is not None:
        return added
    return session.scalars(
        select(ChannelProvider.team_id).where(ChannelProvider.channel_id == channel_id)
    ).one()


def hand_over(session: Session, channel_id: str, *, from_team: str, to_team: str, by: Person) -> None:
    """The provider's admins give the role to another organization in the channel: disputes
    opened from now on are that organization's (those already open stay where they are)."""
    claim(session, channel_id, from_team, by=by)  # a row to lock, whoever writes it first
    row = session.get(ChannelProvider, channel_id, with_for_update=True, populate_existing=True)
    if row is None or row.team_id != from_team:
        raise NotAllowed(
            _(
                "Only the provider organization's admins can hand this channel over, "
                "and another organization is the provider here now."
            )
        )
    row.team_id, row.set_by_team, row.set_by_user, row.set_at = (to_team, by.team_id, by.user_id, utcnow())
    sides: dict[str, dict[str, Any]] = {from_team: {"to_team": to_team}, to_team: {"from_team": from_team}}
    for team in sorted(sides):  # two workspaces' chains: their locks in one order for everyone
        audit.record(
            session,
            team_id=team,
            kind="channel.provider_handed_over",
            actor=by,
            channel_id=channel_id,
            **sides[team],
        )
    session.flush()
