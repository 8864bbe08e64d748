"""Who takes part: checks that a person is a party, and adding parties to a dispute."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import N_, _
from bot.services import audit
from bot.services.errors import DomainError, NotAllowed
from bot.services.people import Participant, Person, side_for
from models import Dispute, Party, Side, utcnow


def require_party(dispute: Dispute, person: Person, doing: str) -> Party:
    party = dispute.party_of(person.team_id, person.user_id)
    if party is None:
        raise NotAllowed(
            # Translators: {doing} is what the person tried to do, translated on its own
            # ("draft the agreement", "answer proposals").
            _(
                "Only the parties to {ref} can {doing}. If you should be one, ask the "
                "person who opened it to add you."
            ).format(ref=dispute.reference, doing=doing)
        )
    return party


def require_side(dispute: Dispute, person: Person, doing: str) -> Party:
    """A party who speaks for one side (not the neutral mediator)."""
    party = require_party(dispute, person, doing)
    if party.side == Side.MEDIATOR:
        raise NotAllowed(
            # Translators: {doing} is what the person tried to do, translated on its own
            # ("share a perspective", "propose solutions").
            _("As the mediator of {ref} you stay neutral, so you can't {doing}.").format(
                ref=dispute.reference, doing=doing
            )
        )
    return party


def sides_present(dispute: Dispute) -> set[str]:
    return {p.side for p in dispute.parties if p.side != Side.MEDIATOR}


def can_manage(dispute: Dispute, person: Person) -> bool:
    """The opener and any mediator may add parties."""
    if (dispute.opened_by_team, dispute.opened_by_user) == (person.team_id, person.user_id):
        return True
    party = dispute.party_of(person.team_id, person.user_id)
    return party is not None and party.side == Side.MEDIATOR


# English, marked for the catalog: show it with third_organization() (or `_()` it, then format).
THIRD_ORGANIZATION = N_(
    "{ref} is between two organizations, and one of the people you chose is from "
    "neither (or is a guest in the workspace {ref} belongs to): they can take "
    "part as a mediator, which both sides accept, but not on a side."
)


def third_organization(ref: str) -> str:
    """Why someone of a third organization cannot join a side, in the language in use."""
    return _(THIRD_ORGANIZATION).format(ref=ref)


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
        raise NotAllowed(
            _("Only the person who opened {ref}, or its mediator, can add parties.").format(
                ref=dispute.reference
            )
        )
    now = utcnow()
    added = []
    for participant in newcomers:
        person = participant.person
        if dispute.party_of(person.team_id, person.user_id) is not None:
            continue
        if not of_the_two(dispute, participant):
            raise NotAllowed(third_organization(dispute.reference))
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
        raise DomainError(_("Everyone you picked is already a party to {ref}.").format(ref=dispute.reference))
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
