"""The App Home overview: what awaits a person, and the workspace's figures for 90 days."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.services.disputes import ACTIVE_STATUSES
from bot.services.followups import asks_something
from bot.services.people import Person
from bot.services.policy import EVERYONE
from models import (
    Agreement,
    Approval,
    CheckIn,
    CheckInStatus,
    Dispute,
    DisputeStatus,
    Feedback,
    Party,
    Perspective,
    Side,
    utcnow,
)

WINDOW = timedelta(days=90)


@dataclass
class Awaiting:
    perspective: list[Dispute] = field(default_factory=list)
    approval: list[Dispute] = field(default_factory=list)
    checkin: list[Dispute] = field(default_factory=list)


@dataclass
class Figures:
    open_disputes: int
    opened: int
    median_days_to_agreement: float | None
    share_resolved: float | None
    by_category: dict[str, int]
    average_satisfaction: float | None


def awaiting(session: Session, person: Person, limit: int = 20) -> Awaiting:
    """What waits for this person's side, as the card says it: its side to tell (until someone
    of it has, or both are revealed), an approval (from its organization, or from them where
    everyone approves), a check-in to answer."""
    mine = select(Party.dispute_id).where(
        Party.team_id == person.team_id, Party.user_id == person.user_id, Party.side != Side.MEDIATOR
    )
    me = aliased(Party)  # the person's party in the dispute: their side
    told = aliased(Party)
    to_share = session.scalars(
        select(Dispute)
        .join(
            me,
            and_(
                me.dispute_id == Dispute.id,
                me.team_id == person.team_id,
                me.user_id == person.user_id,
                me.side != Side.MEDIATOR,
            ),
        )
        .where(
            Dispute.status.in_([DisputeStatus.OPEN, DisputeStatus.DISCUSSING]),
            ~exists().where(
                Perspective.dispute_id == Dispute.id, Perspective.party_id == told.id, told.side == me.side
            ),
        )
        .order_by(Dispute.created_at.desc())
        .limit(limit)
    ).all()
    approver = aliased(Party)
    mine_approved = exists().where(
        Approval.agreement_id == Agreement.id,
        Approval.team_id == person.team_id,
        Approval.user_id == person.user_id,
    )
    org_approved = exists().where(
        Approval.agreement_id == Agreement.id,
        Approval.party_id == approver.id,
        approver.side == me.side,
        approver.team_id == me.team_id,
    )
    to_approve = session.scalars(
        select(Dispute)
        .join(Agreement, Agreement.dispute_id == Dispute.id)
        .join(
            me,
            and_(
                me.dispute_id == Dispute.id,
                me.team_id == person.team_id,
                me.user_id == person.user_id,
                me.side != Side.MEDIATOR,
                me.can_approve,
            ),
        )
        .where(
            Dispute.status == DisputeStatus.AGREEMENT_PENDING,
            Agreement.status == "pending",
            ~mine_approved,
            or_(Agreement.approvals_rule == EVERYONE, ~org_approved),
        )
        .order_by(Dispute.created_at.desc())
        .limit(limit)
    ).all()
    # A posted check-in nobody has answered, with something left to ask (an answer elsewhere may
    # have marked its items done): the same rule as the card's next check-in.
    to_answer = session.scalars(
        select(Dispute)
        .where(
            Dispute.id.in_(mine),
            Dispute.status == DisputeStatus.AGREED,
            exists().where(
                CheckIn.dispute_id == Dispute.id, CheckIn.status == CheckInStatus.POSTED, asks_something()
            ),
        )
        .order_by(Dispute.created_at.desc())
        .limit(limit)
    ).all()
    return Awaiting(list(to_share), list(to_approve), list(to_answer))


def figures(session: Session, team_id: str, *, now: datetime | None = None) -> Figures:
    since = (now or utcnow()) - WINDOW
    recent = and_(Dispute.team_id == team_id, Dispute.created_at >= since)
    open_count = (
        session.scalar(
            select(func.count())
            .select_from(Dispute)
            .where(Dispute.team_id == team_id, Dispute.status.in_([s.value for s in ACTIVE_STATUSES]))
        )
        or 0
    )
    categories = Counter(
        dict(
            session.execute(
                select(Dispute.category, func.count()).where(recent).group_by(Dispute.category)
            ).all()
        )
    )
    ended = dict(
        session.execute(
            select(Dispute.status, func.count())
            .where(recent, Dispute.status.in_([DisputeStatus.RESOLVED, DisputeStatus.CLOSED]))
            .group_by(Dispute.status)
        ).all()
    )
    total_ended = sum(ended.values())
    pairs = session.execute(
        select(Dispute.created_at, Agreement.ratified_at)
        .join(Agreement, Agreement.dispute_id == Dispute.id)
        .where(recent, Agreement.status == "ratified")
    ).all()
    days = [(ratified - created).total_seconds() / 86400 for created, ratified in pairs if ratified]
    rating = session.scalar(
        select(func.avg(Feedback.rating)).join(Dispute, Dispute.id == Feedback.dispute_id).where(recent)
    )
    return Figures(
        open_disputes=open_count,
        opened=sum(categories.values()),
        median_days_to_agreement=statistics.median(days) if days else None,
        share_resolved=(ended.get(DisputeStatus.RESOLVED, 0) / total_ended) if total_ended else None,
        by_category=dict(categories.most_common()),
        average_satisfaction=float(rating) if rating is not None else None,
    )


class FiguresCache:
    """The 90-day figures are the same for the whole workspace and change slowly: compute them
    at most once per `ttl` seconds per workspace, instead of on every App Home render."""

    def __init__(self, ttl_seconds: float = 60.0) -> None:
        self.ttl = ttl_seconds
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Figures]] = {}

    def get(self, session: Session, team_id: str) -> Figures:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(team_id)
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        value = figures(session, team_id)
        with self._lock:
            self._cache[team_id] = (now, value)
        return value
