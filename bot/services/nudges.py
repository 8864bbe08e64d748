"""Reminders for stalled disputes: a side that has not shared its perspective in time, and a
dispute with no agreement in effect in time. Each kind at most once per period."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.services import audit, outbox
from bot.services.disputes import add_business_days
from bot.services.message_kinds import MessageKind
from bot.services.parties import sides_present
from bot.services.people import Person
from bot.services.perspectives import shared_sides_of
from bot.services.policy import EffectivePolicy, effective_policy
from models import Dispute, DisputeStatus, Party, Side, utcnow

PERSPECTIVES = "perspectives"
AGREEMENT = "agreement"


@dataclass
class Nudge:
    dispute_id: int
    kind: str
    waiting: list[Party] = field(default_factory=list)  # who has not shared (perspectives)
    escalation_channel: str | None = None


def _perspectives(session: Session, dispute: Dispute, policy: EffectivePolicy, now: datetime) -> Nudge | None:
    if dispute.status not in (DisputeStatus.OPEN, DisputeStatus.DISCUSSING):
        return None
    days = policy.perspective_nudge_days
    if dispute.perspectives_nudged_at and add_business_days(dispute.perspectives_nudged_at, days) > now:
        return None
    shared = shared_sides_of(session, dispute.id)
    if sides_present(dispute) <= shared:
        return None
    waiting = [
        p
        for p in dispute.parties
        if p.side != Side.MEDIATOR
        and p.side not in shared
        and add_business_days(p.perspective_asked_at or dispute.created_at, days) <= now
    ]
    return Nudge(dispute.id, PERSPECTIVES, waiting, policy.escalation_channel) if waiting else None


def _agreement(dispute: Dispute, policy: EffectivePolicy, now: datetime) -> Nudge | None:
    if dispute.status not in (DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING):
        return None
    period = timedelta(days=policy.agreement_nudge_days)
    if dispute.created_at + period > now:
        return None
    if dispute.agreement_nudged_at and dispute.agreement_nudged_at + period > now:
        return None
    return Nudge(dispute.id, AGREEMENT, [], policy.escalation_channel)


def due(session: Session, *, now: datetime | None = None) -> list[Nudge]:
    now = now or utcnow()
    active = session.scalars(
        select(Dispute)
        .where(
            Dispute.status.in_(
                [DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING]
            ),
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
        for nudge in (
            _perspectives(session, dispute, policies[key], now),
            _agreement(dispute, policies[key], now),
        ):
            if nudge is not None:
                found.append(nudge)
    return found


def still_due(session: Session, dispute: Dispute, kind: str, *, now: datetime | None = None) -> Nudge | None:
    """Re-check under the dispute's lock, so two scheduler processes remind only once."""
    now = now or utcnow()
    policy = effective_policy(session, dispute.team_id, dispute.channel_id)
    return (
        _perspectives(session, dispute, policy, now)
        if kind == PERSPECTIVES
        else _agreement(dispute, policy, now)
    )


def mark(session: Session, dispute: Dispute, nudge: Nudge, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    if nudge.kind == PERSPECTIVES:
        dispute.perspectives_nudged_at = now
    else:
        dispute.agreement_nudged_at = now
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="dispute.nudged",
        actor=None,
        what=nudge.kind,
        waiting=[f"{p.team_id}:{p.user_id}" for p in nudge.waiting],
    )


def remind(session: Session, dispute: Dispute, nudge: Nudge) -> None:
    """Mark the reminder as sent and owe its messages: one in the thread, and a note to the
    escalation channel (posted only if Slack confirms that channel is internal)."""
    mark(session, dispute, nudge)
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
