"""Bringing in a neutral mediator: added as a party on no side. A mediator may draft agreements
and add parties, and never counts as either side's approval."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.errors import DomainError, IllegalTransition
from bot.services.people import Person
from bot.services.people_text import many_lines
from models import Dispute, DisputeStatus, Party, Side, utcnow

OPEN_TO_MEDIATION = (DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING,
                     DisputeStatus.AGREED)


def add_mediator(session: Session, dispute: Dispute, mediator: Person, *, actor: Person,
                 reason: str) -> Party:
    if dispute.status not in OPEN_TO_MEDIATION:
        raise IllegalTransition(f"{dispute.reference} is {dispute.status.replace('_', ' ')}; it "
                                "no longer takes a mediator.")
    existing = dispute.party_of(mediator.team_id, mediator.user_id)
    if existing is not None and existing.side != Side.MEDIATOR:
        raise DomainError("A mediator has to be neutral: choose someone who is not already a party.")
    if existing is not None:
        raise DomainError(f"The person you chose is already the mediator of {dispute.reference}.")
    party = Party(team_id=mediator.team_id, user_id=mediator.user_id, side=Side.MEDIATOR,
                  can_approve=False, added_by_user=actor.user_id, created_at=utcnow())
    dispute.parties.append(party)
    dispute.escalated = True
    session.flush()
    audit.record(session, team_id=dispute.team_id, dispute_id=dispute.id, kind="dispute.escalated",
                 actor=actor, mediator=f"{mediator.team_id}:{mediator.user_id}", reason=many_lines(reason))
    return party
