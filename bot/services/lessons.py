"""Lessons learned: recorded by the host team after a dispute ends; internal only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.errors import IllegalTransition, NotAllowed
from bot.services.people import Person
from bot.services.people_text import many_lines
from bot.services.vocabulary import ROOT_CAUSES
from models import Dispute, DisputeStatus, LessonLearned, Side, utcnow


def host_contact(dispute: Dispute) -> str:
    """Who on the host team is asked for lessons learned: the opener if they are on it."""
    if dispute.opened_by_team == dispute.team_id and any(
            p.user_id == dispute.opened_by_user and p.side == Side.PROVIDER for p in dispute.parties):
        return dispute.opened_by_user
    provider = next((p for p in dispute.parties if p.side == Side.PROVIDER), None)
    return provider.user_id if provider else dispute.opened_by_user


def record(session: Session, dispute: Dispute, *, actor: Person, root_cause: str, what: str,
           owner: Person | None) -> LessonLearned:
    if actor.team_id != dispute.team_id:
        raise NotAllowed("Lessons learned are for the team that handled the dispute.")
    if dispute.status not in (DisputeStatus.RESOLVED, DisputeStatus.CLOSED):
        raise IllegalTransition(f"{dispute.reference} has not ended yet.")
    if root_cause not in ROOT_CAUSES:
        raise ValueError(root_cause)
    lesson = LessonLearned(dispute_id=dispute.id, root_cause=root_cause, what_to_change=many_lines(what),
                           owner_team=owner.team_id if owner else None,
                           owner_user=owner.user_id if owner else None,
                           recorded_by_team=actor.team_id, recorded_by_user=actor.user_id, at=utcnow())
    session.add(lesson)
    session.flush()
    audit.record(session, team_id=dispute.team_id, dispute_id=dispute.id, kind="lessons.recorded",
                 actor=actor, root_cause=root_cause, lesson_id=lesson.id)
    return lesson
