"""Ending a dispute without (or after) an agreement: the opener withdraws it, both sides agree to
close it, or a mediator both sides accepted closes it (one accepted by one side only proposes
closing, on that side's behalf). Pending check-ins are cancelled; the reason is kept."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.i18n import _
from bot.services import audit, followups
from bot.services.disputes import transition
from bot.services.errors import DomainError, IllegalTransition, NotAllowed
from bot.services.people import Person
from bot.services.people_text import many_lines
from models import Dispute, DisputeStatus, Party, Side

WITHDRAWN, CLOSED, RESOLVED = "withdrawn", "closed", "resolved"


@dataclass
class Closing:
    ended: str | None  # withdrawn / closed, or None while waiting for the other side
    cancelled_checkins: int = 0


def agreeing_sides(dispute: Dispute, party: Party) -> frozenset[str]:
    """The sides that want the dispute closed if this person asks: their own side (for a
    mediator, the sides that accepted them), and a side that proposed closing already."""
    mine = party.accepted_sides if party.side == Side.MEDIATOR else frozenset({party.side})
    asked = frozenset({dispute.close_requested_side}) if dispute.close_requested_side else frozenset()
    return mine | asked


WITHDRAWABLE = (DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING)


def how_it_ends(dispute: Dispute, party: Party) -> str:
    """What the close button does for this person (for the modal's wording): the opener
    withdraws their own dispute while no agreement is in effect; otherwise it closes once both
    sides want it (a mediator both sides accepted speaks for both), and is a proposal to close
    until then (an agreement both approved is not undone by one side)."""
    if (party.team_id, party.user_id) == (
        dispute.opened_by_team,
        dispute.opened_by_user,
    ) and dispute.status in WITHDRAWABLE:
        return WITHDRAWN
    if agreeing_sides(dispute, party) >= {Side.PROVIDER, Side.CLIENT}:
        return CLOSED
    return "request"


def end(session: Session, dispute: Dispute, how: str, reason: str, *, actor: Person) -> int:
    transition(session, dispute, DisputeStatus.CLOSED, actor=actor)
    dispute.ended_how = how
    dispute.ended_reason = many_lines(reason) or None
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind=f"dispute.{how}",
        actor=actor,
        reason=dispute.ended_reason,
    )
    return followups.cancel_pending(session, dispute, actor=actor, reason=how)


def close(session: Session, dispute: Dispute, party: Party, reason: str, *, actor: Person) -> Closing:
    if dispute.status == DisputeStatus.CLOSED:
        raise IllegalTransition(_("{ref} is already closed.").format(ref=dispute.reference))
    how = how_it_ends(dispute, party)
    if how == "request":
        mine = agreeing_sides(dispute, party) - (
            {dispute.close_requested_side} if dispute.close_requested_side else set()
        )
        if not mine:
            if party.side == Side.MEDIATOR and not party.accepted_sides:
                raise NotAllowed(
                    _("Neither side has accepted you as mediator yet, so closing is for the two sides.")
                )
            if party.side == Side.MEDIATOR:
                raise DomainError(
                    _(
                        "The side that accepted you has already proposed closing; the other side "
                        "needs to agree."
                    )
                )
            raise DomainError(_("Your side has already proposed closing; the other side needs to agree."))
        dispute.close_requested_side = sorted(mine)[0]
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="dispute.close_requested",
            actor=actor,
            side=dispute.close_requested_side,
            reason=many_lines(reason),
        )
        return Closing(None)
    return Closing(how, end(session, dispute, how, reason, actor=actor))
