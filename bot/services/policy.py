"""Workspace policy, with per-channel overrides; defaults where nothing is set."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.people import Person
from models import Policy

ONE_PER_SIDE = "one_per_side"
EVERYONE = "everyone"
FIELDS = (
    "seal_perspectives",
    "approvals_required",
    "checkin_days",
    "perspective_nudge_days",
    "agreement_nudge_days",
    "escalation_channel",
    "mediators",
    "settle_rounds",
    "settle_days",
    "settle_bands",
    "settle_step",
    "answer_nudge_days",
    "approve_nudge_days",
    "language",
)


@dataclass(frozen=True)
class EffectivePolicy:
    seal_perspectives: bool = True
    approvals_required: str = ONE_PER_SIDE
    checkin_days: tuple[int, ...] = (7, 30)
    perspective_nudge_days: int = 2  # working days of the side waited on, to share its perspective
    agreement_nudge_days: int = 7  # working days of a side's own turns, to an agreement in effect
    escalation_channel: str | None = None  # internal channel told about stalled disputes
    mediators: tuple[str, ...] = ()  # user ids offered first when a mediator is requested
    settle_rounds: int = 3  # settling the amount privately: rounds at most …
    settle_days: int = 5  # … business days from joining …
    settle_bands: bool = False  # … whether "still apart" says roughly how far …
    settle_step: str | None = None  # … and the step a settled amount is rounded to (None: cents)
    answer_nudge_days: int = 3  # working days of the side waited on, to answer a proposal
    approve_nudge_days: int = 2  # … to approve an agreement
    language: str | None = None  # what Parley posts in the channel (None: the workspace's locale)


def parse_days(raw: str) -> tuple[int, ...]:
    return tuple(sorted({int(x) for x in raw.split(",") if x.strip()}))


def effective_policy(session: Session, team_id: str, channel_id: str) -> EffectivePolicy:
    rows = {
        row.channel_id: row
        for row in session.scalars(
            select(Policy).where(Policy.team_id == team_id, Policy.channel_id.in_(["", channel_id]))
        )
    }
    values: dict[str, object] = {}
    for key in ("", channel_id):  # the channel's override wins over the workspace's row
        row = rows.get(key)
        for name in FIELDS:
            value = getattr(row, name) if row is not None else None
            if value is not None:
                if name == "checkin_days":
                    value = parse_days(value)
                elif name == "mediators":
                    value = tuple(u for u in value.split(",") if u)
                values[name] = value
    return EffectivePolicy(**values)  # type: ignore[arg-type]  # each value is its field's (FIELDS)


def set_policy(
    session: Session, team_id: str, *, actor: Person, channel_id: str = "", **changes: object
) -> Policy:
    """Set policy fields (None clears one back to the default); every change is audited."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown policy fields {sorted(unknown)}")
    row = session.scalars(
        select(Policy).where(Policy.team_id == team_id, Policy.channel_id == channel_id)
    ).one_or_none()
    if row is None:
        row = Policy(team_id=team_id, channel_id=channel_id)
        session.add(row)
    for name, new in changes.items():
        old = getattr(row, name)
        setattr(row, name, new)
        audit.record(
            session,
            team_id=team_id,
            kind="policy.changed",
            actor=actor,
            channel_id=channel_id,
            field=name,
            old=old,
            new=new,
        )
    row.updated_by = actor.user_id
    session.flush()
    return row
