"""Who takes part: checks that a person is a party, and adding parties to a dispute."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import audit
from bot.services.errors import DomainError, NotAllowed
from bot.services.people import Participant, Person, side_for
from models import Dispute, Party, Side, utcnow


def require_party(dispute: Dispute, person: Person, doing: str) -> Party:
    party = dispute.party_of(person.team_id, person.user_id)
    if party is None:
        raise NotAllowed(
            f"Only the parties to {dispute.reference} can {doing}. If you should be one, ask the "
            "person who opened it to add you."
        )
    return party


def require_side(dispute: Dispute, person: Person, doing: str) -> Party:
    """A party who speaks for one side (not the neutral mediator)."""
    party = require_party(dispute, person, doing)
    if party.side == Side.MEDIATOR:
        raise NotAllowed(f"As the mediator of {dispute.reference} you stay neutral, so you can't {doing}.")
    return party


def sides_present(dispute: Dispute) -> set[str]:
    return {p.side for p in dispute.parties if p.side != Side.MEDIATOR}


def can_manage(dispute: Dispute, person: Person) -> bool:
    """The opener and any mediator may add parties."""
    if (dispute.opened_by_team, dispute.opened_by_user) == (person.team_id, person.user_id):
        return True
    party = dispute.party_of(person.team_id, person.user_id)
    return party is not None and party.side == Side.MEDIATOR


THIRD_ORGANIZATION = (
    "{ref} is between two organizations, and one of the people you chose is from "
    "neither (or is a guest in the workspace {ref} belongs to): they can take "
    "part as a mediator, which both sides accept, but not on a side."
)


def of_the_two(dispute: Dispute, participant: Participant) -> bool:
    """Whether a newcomer is of the dispute's two organizations: the provider's own people, or
    people of the client's organization as it was when the dispute was opened. Nobody else
    joins a side: a side's decisions (closing, accepting a mediator, confirming it is resolved)
    are then always its own organization's."""
    if side_for(participant, dispute.team_id) == Side.PROVIDER:
        return True
    client = dispute.client_team or next((p.team_id for p in dispute.parties if p.side == Side.CLIENT), None)
    return client is None or participant.person.team_id == client


def add_parties(
    session: Session, dispute: Dispute, newcomers: list[Participant], *, actor: Person
) -> list[Party]:
    if not can_manage(dispute, actor):
        raise NotAllowed(f"Only the person who opened {dispute.reference}, or its mediator, can add parties.")
    now = utcnow()
    added = []
    for participant in newcomers:
        person = participant.person
        if dispute.party_of(person.team_id, person.user_id) is not None:
            continue
        if not of_the_two(dispute, participant):
            raise NotAllowed(THIRD_ORGANIZATION.format(ref=dispute.reference))
        party = Party(
            team_id=person.team_id,
            user_id=person.user_id,
            side=side_for(participant, dispute.team_id),
            can_approve=True,
            added_by_user=actor.user_id,
            created_at=now,
            perspective_asked_at=now,
        )
        dispute.parties.append(party)
        added.append(party)
    if not added:
        raise DomainError(f"Everyone you picked is already a party to {dispute.reference}.")
    session.flush()
    for party in added:
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="party.added",
            actor=actor,
            party=f"{party.team_id}:{party.user_id}",
            side=party.side,
        )
    return added
