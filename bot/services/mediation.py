"""Bringing in a mediator that both sides can accept.

A mediator joins as a party on no side: they may draft agreements and add parties, and never
count as either side's approval. Who may mediate:
- someone from neither party organization (a third workspace) joins at once, accepted by the
  side that asked; the other side may accept them too;
- someone from the asking side's own organization joins only once the other side accepts them
  (until then they are not a party and can do nothing); the other side may decline;
- someone from the other side's organization joins at once: the asking side chose them, and
  they are the other side's own.
Only a mediator both sides accepted closes a dispute on their own (bot/services/closing.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.services import audit
from bot.services.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from bot.services.people import Participant, Person
from bot.services.people_text import many_lines
from bot.services.vocabulary import status_words
from models import (
    Dispute,
    DisputeStatus,
    MediatorRequest,
    MediatorRequestStatus,
    Party,
    Side,
    utcnow,
)

OPEN_TO_MEDIATION = (
    DisputeStatus.OPEN,
    DisputeStatus.DISCUSSING,
    DisputeStatus.AGREEMENT_PENDING,
    DisputeStatus.AGREED,
)
SIDES = (Side.PROVIDER, Side.CLIENT)


def other(side: str) -> str:
    return Side.CLIENT if side == Side.PROVIDER else Side.PROVIDER


def affiliation(dispute: Dispute, candidate: Participant) -> str | None:
    """The side whose organization the person belongs to; None when they are from neither (a
    third organization). A guest of the provider's workspace counts as the client's where the
    client's people are its guests, and as the provider's otherwise (Slack does not say whose a
    guest is: the side that could have brought them in is assumed)."""
    team = candidate.person.team_id
    client = dispute.client_team or next((p.team_id for p in dispute.parties if p.side == Side.CLIENT), None)
    if team == dispute.team_id:
        return Side.CLIENT if candidate.is_guest and client == dispute.team_id else Side.PROVIDER
    return Side.CLIENT if team == client else None


@dataclass(frozen=True)
class Requested:
    request: MediatorRequest
    mediator: Party | None  # None while the other side decides


def request(
    session: Session, dispute: Dispute, candidate: Participant, *, asker: Party, actor: Person, reason: str
) -> Requested:
    """One side (`asker`, a party of it) asks for `candidate` to mediate."""
    if asker.side not in SIDES:
        raise NotAllowed(
            _("As the mediator of {ref} you stay neutral; a side asks for another mediator.").format(
                ref=dispute.reference
            )
        )
    if dispute.status not in OPEN_TO_MEDIATION:
        raise IllegalTransition(
            # Translators: {status} is the dispute's status ("closed").
            _("{ref} is {status}; it no longer takes a mediator.").format(
                ref=dispute.reference, status=status_words(dispute.status)
            )
        )
    person = candidate.person
    existing = dispute.party_of(person.team_id, person.user_id)
    if existing is not None and existing.side != Side.MEDIATOR:
        raise DomainError(_("A mediator has to be neutral: choose someone who is not already a party."))
    if existing is not None:
        raise DomainError(
            _("The person you chose is already the mediator of {ref}.").format(ref=dispute.reference)
        )
    if waiting(session, dispute, person) is not None:
        raise DomainError(
            _("The person you chose is already waiting for an answer to mediate {ref}.").format(
                ref=dispute.reference
            )
        )
    from_side = affiliation(dispute, candidate)
    asked = MediatorRequest(
        dispute_id=dispute.id,
        team_id=person.team_id,
        user_id=person.user_id,
        from_side=from_side,
        requested_side=asker.side,
        requested_by_team=actor.team_id,
        requested_by_user=actor.user_id,
        reason=many_lines(reason),
        status=MediatorRequestStatus.WAITING,
        created_at=utcnow(),
    )
    session.add(asked)
    session.flush()
    if from_side == asker.side:  # one of the asking side's own: the other side decides
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="mediator.proposed",
            actor=actor,
            request_id=asked.id,
            mediator=f"{person.team_id}:{person.user_id}",
            side=asker.side,
            reason=asked.reason,
        )
        return Requested(asked, None)
    return Requested(asked, _join(session, dispute, asked, actor=actor, accepted={asker.side}))


def _join(
    session: Session, dispute: Dispute, asked: MediatorRequest, *, actor: Person, accepted: set[str]
) -> Party:
    party = Party(
        team_id=asked.team_id,
        user_id=asked.user_id,
        side=Side.MEDIATOR,
        can_approve=False,
        added_by_user=asked.requested_by_user,
        created_at=utcnow(),
        accepted_by=",".join(sorted(accepted)),
    )
    dispute.parties.append(party)
    dispute.escalated = True
    asked.status = MediatorRequestStatus.JOINED
    session.flush()
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="dispute.escalated",
        actor=actor,
        mediator=f"{asked.team_id}:{asked.user_id}",
        reason=asked.reason,
        accepted_by=party.accepted_by,
        request_id=asked.id,
    )
    return party


def get(session: Session, dispute: Dispute, request_id: int) -> MediatorRequest:
    found = session.get(MediatorRequest, request_id)
    if found is None or found.dispute_id != dispute.id:
        raise NotFound(_("That request for a mediator no longer exists."))
    return found


def waiting(session: Session, dispute: Dispute, person: Person) -> MediatorRequest | None:
    return session.scalars(
        select(MediatorRequest).where(
            MediatorRequest.dispute_id == dispute.id,
            MediatorRequest.team_id == person.team_id,
            MediatorRequest.user_id == person.user_id,
            MediatorRequest.status == MediatorRequestStatus.WAITING,
        )
    ).first()


def mediator_of(dispute: Dispute, asked: MediatorRequest) -> Party | None:
    party = dispute.party_of(asked.team_id, asked.user_id)
    return party if party is not None and party.side == Side.MEDIATOR else None


def deciding_side(dispute: Dispute, asked: MediatorRequest) -> str | None:
    """The side that can still accept (or, while waiting, decline) this mediator; None when
    there is nothing left to decide."""
    if asked.status == MediatorRequestStatus.WAITING:
        return other(asked.requested_side)
    party = mediator_of(dispute, asked)
    if asked.status != MediatorRequestStatus.JOINED or party is None:
        return None
    missing = [s for s in SIDES if s not in party.accepted_sides]
    return missing[0] if len(missing) == 1 else None


def answer(
    session: Session, dispute: Dispute, asked: MediatorRequest, party: Party, *, accept: bool, actor: Person
) -> Party | None:
    """The other side accepts (or declines) a mediator; returns the mediator's party when they
    take or keep the role. Only a party of the deciding side may, and only once."""
    deciding = deciding_side(dispute, asked)
    if deciding is None:
        raise IllegalTransition(_("This has been decided already; the message shows how."))
    if party.side != deciding:
        raise NotAllowed(
            _(
                "The other side decides whether this person mediates: your side asked "
                "for them, or has accepted them already."
            )
        )
    if dispute.status not in OPEN_TO_MEDIATION and asked.status == MediatorRequestStatus.WAITING:
        raise IllegalTransition(_("{ref} no longer takes a mediator.").format(ref=dispute.reference))
    asked.decided_at, asked.decided_by_team, asked.decided_by_user = (utcnow(), actor.team_id, actor.user_id)
    mediator = mediator_of(dispute, asked)
    if mediator is None and dispute.party_of(asked.team_id, asked.user_id) is not None:
        raise DomainError(
            _(
                "The person asked for has since joined {ref} as a party, "
                "so they cannot mediate it; either side can ask for someone else."
            ).format(ref=dispute.reference)
        )
    if not accept:
        if mediator is not None:
            raise DomainError(
                _("This mediator has joined already; your side can accept them, or ask for another one.")
            )
        asked.status = MediatorRequestStatus.DECLINED
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="mediator.declined",
            actor=actor,
            request_id=asked.id,
            side=party.side,
        )
        return None
    if mediator is None:
        return _join(session, dispute, asked, actor=actor, accepted={asked.requested_side, party.side})
    mediator.accepted_by = ",".join(sorted(mediator.accepted_sides | {party.side}))
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="mediator.accepted",
        actor=actor,
        request_id=asked.id,
        side=party.side,
        mediator=f"{mediator.team_id}:{mediator.user_id}",
    )
    return mediator
