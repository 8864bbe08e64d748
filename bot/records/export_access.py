"""Who may export a dispute's record, and how much of it they get."""

from __future__ import annotations

from bot.services.errors import NotAllowed
from bot.services.people import Person
from models import Dispute, Side

# Audit events about material internal to the provider's team (lessons learned, the feedback the
# team asked for), left out of the client side's record.
INTERNAL_EVENTS = frozenset({"lessons.recorded", "feedback.given"})


def full_record_for(dispute: Dispute, person: Person, *, is_admin: bool) -> bool:
    """True when `person` gets the full record (a provider-side party, or an admin of the
    workspace the dispute belongs to); False when they get the client side's record (a client-side
    party or the mediator). Anyone else may not export it."""
    party = dispute.party_of(person.team_id, person.user_id)
    if (party is not None and party.side == Side.PROVIDER) or (
        is_admin and person.team_id == dispute.team_id
    ):
        return True
    if party is not None:
        return False
    raise NotAllowed(
        f"Only the parties to {dispute.reference} can export its record. If you need "
        "it, ask one of them or a workspace admin."
    )
