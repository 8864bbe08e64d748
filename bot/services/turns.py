"""The fair clock: whose turn it is, since when, and how much of that side's working time it took.

A dispute waits on one side at a time for one thing, or on both to propose (bot/services/
next_step.py says which). Each stretch is a Turn row, opened when the wait begins and closed when
it ends, and counted only in the working time of the organization waited on (its calendar:
bot/services/calendars.py). The policy's timelines run on these turns:

- to share a side, answer a proposal, approve an agreement: the turn's own working days;
- to reach an agreement: each side's working time across all its turns, so a side that answers at
  once is never hurried because the other took long.

Any transaction that records a dispute's audit event re-reads whose turn it is just before its
commit (`audit.record` arranges it), so no state change can forget the clock."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from bot.services import calendars
from bot.services.audit import CHANGED
from bot.services.next_step import Step, next_step
from bot.services.parties import sides_present
from bot.services.policy import EffectivePolicy, effective_policy
from models import Dispute, DisputeStatus, Side, Turn, utcnow

TWO_SIDES = frozenset({Side.PROVIDER, Side.CLIENT})


def wanted(session: Session, dispute: Dispute) -> set[tuple[str, str]]:
    """(side, step) for each side the dispute waits on now."""
    found = next_step(session, dispute)
    if found.step in (Step.CARRY_OUT, Step.ENDED):
        return set()
    if found.step == Step.PROPOSE:
        return {(side, Step.PROPOSE.value) for side in sides_present(dispute) & TWO_SIDES}
    return {(side, found.step.value) for side in found.waiting if side in TWO_SIDES}


def team_of_side(dispute: Dispute, side: str) -> str | None:
    """The organization of a side: its people's workspace."""
    for party in dispute.parties:
        if party.side == side:
            return party.team_id
    return dispute.team_id if side == Side.PROVIDER else dispute.client_team


def open_turns(session: Session, dispute_id: int) -> list[Turn]:
    return list(
        session.scalars(
            select(Turn).where(Turn.dispute_id == dispute_id, Turn.ended_at.is_(None)).order_by(Turn.id)
        )
    )


def follow(session: Session, dispute: Dispute, *, now: datetime | None = None) -> None:
    """End the turns the dispute no longer waits for, and begin the new ones."""
    now = now or utcnow()
    want = wanted(session, dispute)
    calendar = calendars.Calendars(session)
    have = {}
    for turn in open_turns(session, dispute.id):
        if (turn.side, turn.step) in want and (turn.side, turn.step) not in have:
            have[(turn.side, turn.step)] = turn
            continue
        turn.ended_at = now
        turn.worked_seconds = calendars.working_seconds(calendar(turn.team_id), turn.started_at, now)
    for side, step in sorted(want - set(have)):
        session.add(
            Turn(
                dispute_id=dispute.id,
                side=side,
                team_id=team_of_side(dispute, side),
                step=step,
                started_at=now,
            )
        )
    session.flush()


def follow_changed(session: Session) -> None:
    """Before a commit: follow every dispute this transaction recorded an event for."""
    changed: set[int] = session.info.pop(CHANGED, set())
    for dispute_id in sorted(changed):
        dispute = session.get(Dispute, dispute_id)
        if dispute is not None:
            follow(session, dispute)


def start_missing(session: Session, *, limit: int = 200) -> int:
    """Open disputes from before the fair clock (an upgrade) have no turns: theirs begin at their
    last change, so a dispute that had already stalled is reminded as its policy says."""
    found = session.scalars(
        select(Dispute)
        .where(
            Dispute.status.in_(
                [DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING]
            ),
            ~exists().where(Turn.dispute_id == Dispute.id),
        )
        .limit(limit)
    ).all()
    for dispute in found:
        follow(session, dispute, now=dispute.updated_at or dispute.created_at)
    return len(found)


# ---- the policy's timelines ---------------------------------------------------------------------


def days_for(step: str, policy: EffectivePolicy) -> int | None:
    """The working days a turn of this kind has before a reminder; None: no reminder of its own."""
    return {
        Step.SHARE.value: policy.perspective_nudge_days,
        Step.ANSWER.value: policy.answer_nudge_days,
        Step.APPROVE.value: policy.approve_nudge_days,
    }.get(step)


def due_at(turn: Turn, policy: EffectivePolicy, calendar: calendars.Calendar) -> datetime | None:
    """When the turn's reminder is due: its working days from its start (or from the last
    reminder), in the calendar of the side waited on."""
    days = days_for(turn.step, policy)
    if days is None:
        return None
    return calendars.add_working_days(calendar, turn.nudged_at or turn.started_at, days)


def worked(turns: list[Turn], calendar: calendars.Calendar, *, since: datetime, now: datetime) -> int:
    """A side's working time in these turns after `since`, in seconds."""
    total = 0
    for turn in turns:
        start = max(turn.started_at, since)
        end = min(turn.ended_at or now, now)
        total += calendars.working_seconds(calendar, start, end)
    return total


def all_turns(session: Session, dispute_id: int) -> list[Turn]:
    return list(session.scalars(select(Turn).where(Turn.dispute_id == dispute_id).order_by(Turn.id)))


@dataclass(frozen=True)
class Waiting:
    """What the card says: whose turn, for what, and by when (None: no timeline for it)."""

    side: str
    team_id: str | None
    step: str
    since: datetime
    due: datetime | None


def waiting(session: Session, dispute: Dispute, policy: EffectivePolicy) -> list[Waiting]:
    calendar = calendars.Calendars(session)
    return [
        Waiting(t.side, t.team_id, t.step, t.started_at, due_at(t, policy, calendar(t.team_id)))
        for t in open_turns(session, dispute.id)
    ]


def due_by_side(session: Session, dispute: Dispute) -> dict[str, datetime]:
    """Each waited-on side's next deadline (its turn's reminder), for the card."""
    policy = effective_policy(session, dispute.team_id, dispute.channel_id)
    return {w.side: w.due for w in waiting(session, dispute, policy) if w.due is not None}


# ---- a fair record of both -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    team_id: str
    turns: int
    average_seconds: int
    average_days: float  # in working days of that organization's own calendar


def pace(session: Session, team_id: str) -> list[Pace]:
    """For the disputes this organization is in: each organization's average working time per
    turn it alone was waited on for (proposing, which both sides may do, is not counted)."""
    rows: list[tuple[str, int, Any]] = session.execute(  # type: ignore[assignment]  # the select's three
        select(Turn.team_id, func.count(), func.avg(Turn.worked_seconds))
        .join(Dispute, Dispute.id == Turn.dispute_id)
        .where(
            or_(Dispute.team_id == team_id, Dispute.client_team == team_id),
            Turn.worked_seconds.is_not(None),
            Turn.team_id.is_not(None),
            Turn.step != Step.PROPOSE.value,
        )
        .group_by(Turn.team_id)
    ).all()
    calendar = calendars.Calendars(session)
    found = [
        Pace(team, int(count), int(float(average or 0)), float(average or 0) / calendar(team).day_seconds)
        for team, count, average in rows
    ]
    return sorted(found, key=lambda p: (p.team_id != team_id, p.team_id))


def per_side(turns: list[Turn]) -> dict[str, list[Turn]]:
    found: dict[str, list[Turn]] = defaultdict(list)
    for turn in turns:
        found[turn.side].append(turn)
    return found
