"""Reminders for stalled disputes, on the fair clock (bot/services/turns.py): a side that has not
shared its perspective, answered a proposal or approved an agreement within its working days, and
a side whose turns have added up to the policy's working days with no agreement in effect.

A reminder goes only to the side waited on, and only inside its working hours: a reminder due at
a day's close, on a weekend or on a public holiday goes when that side's next working day begins.
Each at most once per period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.services import audit, calendars, outbox, turns
from bot.services.message_kinds import MessageKind
from bot.services.next_step import Step
from bot.services.people import Person
from bot.services.policy import EffectivePolicy, effective_policy
from models import Dispute, DisputeStatus, Party, Side, Turn, utcnow

PERSPECTIVES = "perspectives"
ANSWER = "answer"
APPROVE = "approve"
AGREEMENT = "agreement"
OF_STEP = {Step.SHARE.value: PERSPECTIVES, Step.ANSWER.value: ANSWER, Step.APPROVE.value: APPROVE}
ACTIVE = (DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING)


@dataclass
class Nudge:
    dispute_id: int
    kind: str
    waiting: list[Party] = field(default_factory=list)  # the side's people it reminds
    escalation_channel: str | None = None
    turn_id: int | None = None  # the turn it is about (none for the agreement's)
    side: str | None = None


def _people(dispute: Dispute, side: str, kind: str) -> list[Party]:
    return [p for p in dispute.parties if p.side == side and (kind != APPROVE or p.can_approve)]


def _turn_nudges(
    session: Session, dispute: Dispute, policy: EffectivePolicy, calendar: calendars.Calendars, now: datetime
) -> list[Nudge]:
    found = []
    for turn in turns.open_turns(session, dispute.id):
        kind = OF_STEP.get(turn.step)
        side_calendar = calendar(turn.team_id)
        due = turns.due_at(turn, policy, side_calendar)
        if kind is None or due is None or due > now or not calendars.is_working(side_calendar, now):
            continue
        waiting = _people(dispute, turn.side, kind)
        if waiting:
            found.append(Nudge(dispute.id, kind, waiting, policy.escalation_channel, turn.id, turn.side))
    return found


def _agreement(
    session: Session, dispute: Dispute, policy: EffectivePolicy, calendar: calendars.Calendars, now: datetime
) -> list[Nudge]:
    """Each side whose own turns since opening (or since its last such reminder) reached the
    policy's working days: each on its own clock."""
    found = []
    for side, its_turns in sorted(turns.per_side(turns.all_turns(session, dispute.id)).items()):
        if side not in (Side.PROVIDER, Side.CLIENT):
            continue
        since = _reminded_at(dispute, side) or dispute.created_at
        side_calendar = calendar(its_turns[-1].team_id)
        took = turns.worked(its_turns, side_calendar, since=since, now=now)
        if took >= policy.agreement_nudge_days * side_calendar.day_seconds and calendars.is_working(
            side_calendar, now
        ):
            waiting = _people(dispute, side, AGREEMENT)
            found.append(Nudge(dispute.id, AGREEMENT, waiting, policy.escalation_channel, None, side))
    return found


def _reminded_at(dispute: Dispute, side: str) -> datetime | None:
    return dispute.provider_nudged_at if side == Side.PROVIDER else dispute.client_nudged_at


def _of(session: Session, dispute: Dispute, policy: EffectivePolicy, now: datetime) -> list[Nudge]:
    if dispute.status not in ACTIVE:
        return []
    calendar = calendars.Calendars(session)
    return _turn_nudges(session, dispute, policy, calendar, now) + _agreement(
        session, dispute, policy, calendar, now
    )


def due(session: Session, *, now: datetime | None = None) -> list[Nudge]:
    now = now or utcnow()
    active = session.scalars(
        select(Dispute)
        .where(
            Dispute.status.in_(ACTIVE),
            Dispute.thread_ts.is_not(None),
            Dispute.created_at <= now - timedelta(days=1),
        )
        .options(selectinload(Dispute.parties))
    ).all()
    policies: dict[tuple[str, str], EffectivePolicy] = {}
    found = []
    for dispute in active:
        key = (dispute.team_id, dispute.channel_id)
        if key not in policies:
            policies[key] = effective_policy(session, *key)
        found += _of(session, dispute, policies[key], now)
    return found


def still_due(
    session: Session, dispute: Dispute, candidate: Nudge, *, now: datetime | None = None
) -> Nudge | None:
    """Re-check under the dispute's lock, so two scheduler processes remind only once."""
    now = now or utcnow()
    policy = effective_policy(session, dispute.team_id, dispute.channel_id)
    return next(
        (
            n
            for n in _of(session, dispute, policy, now)
            if (n.kind, n.turn_id, n.side) == (candidate.kind, candidate.turn_id, candidate.side)
        ),
        None,
    )


def mark(session: Session, dispute: Dispute, nudge: Nudge, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    if nudge.turn_id is not None:
        turn = session.get(Turn, nudge.turn_id)
        if turn is not None:
            turn.nudged_at = now
        if nudge.kind == PERSPECTIVES:
            dispute.perspectives_nudged_at = now
    else:
        dispute.agreement_nudged_at = now
        if nudge.side == Side.PROVIDER:
            dispute.provider_nudged_at = now
        elif nudge.side == Side.CLIENT:
            dispute.client_nudged_at = now
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="dispute.nudged",
        actor=None,
        what=nudge.kind,
        side=nudge.side,
        waiting=[f"{p.team_id}:{p.user_id}" for p in nudge.waiting],
    )


def remind(session: Session, dispute: Dispute, nudge: Nudge, *, now: datetime | None = None) -> None:
    """Mark the reminder as sent and owe its messages: one in the thread, and a note to the
    escalation channel (posted only if Slack confirms that channel is internal)."""
    mark(session, dispute, nudge, now=now)
    opener = Person(team_id=dispute.opened_by_team, user_id=dispute.opened_by_user)
    outbox.say(
        session,
        dispute,
        MessageKind.NUDGE,
        notify=opener,
        nudge=nudge.kind,
        waiting=[p.user_id for p in nudge.waiting],
    )
    if nudge.escalation_channel:
        outbox.say(
            session,
            dispute,
            MessageKind.INTERNAL_NUDGE,
            channel_id=nudge.escalation_channel,
            notify=opener,
            nudge=nudge.kind,
        )
