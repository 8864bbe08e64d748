"""Workspace policy, with per-channel overrides; defaults where nothing is set."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.people import Person
from models import Policy


@dataclass(frozen=True)
class EffectivePolicy:
    seal_perspectives: bool = True


def effective_policy(session: Session, team_id: str, channel_id: str) -> EffectivePolicy:
    rows = {
        row.channel_id: row
        for row in session.scalars(
            select(Policy).where(Policy.team_id == team_id, Policy.channel_id.in_(["", channel_id]))
        )
    }
    seal = EffectivePolicy.seal_perspectives
    for key in ("", channel_id):  # the channel's override wins over the workspace's row
        row = rows.get(key)
        if row is not None and row.seal_perspectives is not None:
            seal = row.seal_perspectives
    return EffectivePolicy(seal_perspectives=seal)


def set_policy(session: Session, team_id: str, *, actor: Person, channel_id: str = "",
               seal_perspectives: bool | None = None) -> Policy:
    row = session.scalars(
        select(Policy).where(Policy.team_id == team_id, Policy.channel_id == channel_id)
    ).one_or_none()
    if row is None:
        row = Policy(team_id=team_id, channel_id=channel_id)
        session.add(row)
    old = row.seal_perspectives
    row.seal_perspectives = seal_perspectives
    row.updated_by = actor.user_id
    session.flush()
    audit.record(session, team_id=team_id, kind="policy.changed", actor=actor,
                 channel_id=channel_id, field="seal_perspectives", old=old, new=seal_perspectives)
    return row
