"""Lessons learned: recorded by the provider's own people after a dispute ends; internal only.

Only the provider side is asked, and only its parties (or its workspace's admins) may record
them: the client side never sees them, nor could a person of another organization write one."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import _
from bot.services import audit
from bot.services.errors import IllegalTransition, NotAllowed
from bot.services.people import Person
from bot.services.people_text import many_lines
from bot.services.vocabulary import ROOT_CAUSES
from models import Dispute, DisputeStatus, LessonLearned, Side, utcnow


def host_contact(dispute: Dispute) -> str | None:
    """Who on the provider's team is asked for lessons learned: the opener if they are one of
    its parties, else its first party; None when the provider has nobody in the dispute (a
    dispute from before both sides were required): then nobody is asked, rather than someone of
    the other organization."""
    own = [p for p in dispute.parties if p.side == Side.PROVIDER and p.team_id == dispute.team_id]
    opener = next(
        (p for p in own if (p.team_id, p.user_id) == (dispute.opened_by_team, dispute.opened_by_user)), None
    )
    chosen = opener or (own[0] if own else None)
    return chosen.user_id if chosen else None


def require_may_record(dispute: Dispute, actor: Person, *, is_admin: bool, org: str) -> None:
    """A provider-side party of the provider's own workspace, or one of its admins."""
    party = dispute.party_of(actor.team_id, actor.user_id)
    own_party = party is not None and party.side == Side.PROVIDER and party.team_id == dispute.team_id
    if not (own_party or (is_admin and actor.team_id == dispute.team_id)):
        raise NotAllowed(
            # Translators: {org} is the organization's name.
            _(
                "Lessons learned are internal to {org}'s team: only its people in {ref} (or its "
                "workspace's admins) record them."
            ).format(org=org, ref=dispute.reference)
        )


def record(
    session: Session,
    dispute: Dispute,
    *,
    actor: Person,
    is_admin: bool,
    org: str,
    root_cause: str,
    what: str,
    owner: Person | None,
) -> LessonLearned:
    require_may_record(dispute, actor, is_admin=is_admin, org=org)
    if dispute.status not in (DisputeStatus.RESOLVED, DisputeStatus.CLOSED):
        raise IllegalTransition(_("{ref} has not ended yet.").format(ref=dispute.reference))
    if root_cause not in ROOT_CAUSES:
        raise ValueError(root_cause)
    if owner is not None and owner.team_id != dispute.team_id:
        # Translators: {org} is the organization's name.
        raise NotAllowed(_("The owner of a lesson is someone of {org}'s own team.").format(org=org))
    lesson = LessonLearned(
        dispute_id=dispute.id,
        root_cause=root_cause,
        what_to_change=many_lines(what),
        owner_team=owner.team_id if owner else None,
        owner_user=owner.user_id if owner else None,
        recorded_by_team=actor.team_id,
        recorded_by_user=actor.user_id,
        at=utcnow(),
    )
    session.add(lesson)
    session.flush()
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="lessons.recorded",
        actor=actor,
        root_cause=root_cause,
        lesson_id=lesson.id,
    )
    return lesson
