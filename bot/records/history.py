"""Everything recorded about one dispute, gathered for an export."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import (
    Agreement,
    AuditEvent,
    CheckIn,
    Dispute,
    EvidenceItem,
    Feedback,
    LessonLearned,
    Perspective,
    Proposal,
)


@dataclass
class Record:
    events: list[AuditEvent]
    perspectives: list[Perspective]
    proposals: list[Proposal]
    agreements: list[Agreement]
    checkins: list[CheckIn]
    feedback: list[Feedback]
    lessons: list[LessonLearned]
    evidence: list[EvidenceItem]


def gather(session: Session, dispute: Dispute) -> Record:
    return Record(
        events=list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.dispute_id == dispute.id).order_by(AuditEvent.id)
            )
        ),
        perspectives=list(
            session.scalars(
                select(Perspective)
                .where(Perspective.dispute_id == dispute.id)
                .options(selectinload(Perspective.party))
                .order_by(Perspective.id)
            )
        ),
        proposals=list(
            session.scalars(
                select(Proposal)
                .where(Proposal.dispute_id == dispute.id)
                .options(selectinload(Proposal.items), selectinload(Proposal.author))
                .order_by(Proposal.number)
            )
        ),
        agreements=list(
            session.scalars(
                select(Agreement)
                .where(Agreement.dispute_id == dispute.id)
                .options(selectinload(Agreement.items), selectinload(Agreement.approvals))
                .order_by(Agreement.version)
            )
        ),
        checkins=list(
            session.scalars(select(CheckIn).where(CheckIn.dispute_id == dispute.id).order_by(CheckIn.due_at))
        ),
        feedback=list(session.scalars(select(Feedback).where(Feedback.dispute_id == dispute.id))),
        lessons=list(session.scalars(select(LessonLearned).where(LessonLearned.dispute_id == dispute.id))),
        evidence=list(
            session.scalars(
                select(EvidenceItem)
                .where(EvidenceItem.dispute_id == dispute.id)
                .options(selectinload(EvidenceItem.perspective))
                .order_by(EvidenceItem.number)
            )
        ),
    )
