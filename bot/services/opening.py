"""Opening a dispute with the opener's account as their side's perspective.

The dispute form asks what happened and the outcome wanted; the perspective form would ask the
same again. So the opener's account counts as their side's perspective (version 1, which they
can revise), sealed like any other until the other side has shared its own; both are then
revealed together. The card shows only the neutral facts (title, category, amount) meanwhile.
The "dispute.opened" audit event says so (`account`), and records read it: the dispute's own
description is then the opener's perspective, shown where perspectives are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import disputes, perspectives
from bot.services.perspectives import PerspectiveText, ShareOutcome
from models import AuditEvent, Dispute


@dataclass(frozen=True)
class Opened:
    dispute: Dispute
    account: ShareOutcome  # the opener's side's perspective: sealed, or posted where sealing is off


def open_with_account(session: Session, data: disputes.NewDispute, *, seal: bool) -> Opened:
    dispute = disputes.open_dispute(session, data, account=True)
    opener = dispute.party_of(data.opener.person.team_id, data.opener.person.user_id)
    assert opener is not None  # open_dispute made them a party
    shared = perspectives.share(
        session,
        dispute,
        opener,
        PerspectiveText(what_happened=dispute.description, impact="", resolution=dispute.desired_outcome),
        seal=seal,
        actor=data.opener.person,
    )
    return Opened(dispute, shared)


def account_given_in(session: Session, dispute: Dispute) -> bool:
    """account_given, read from the dispute's trail."""
    payloads: Sequence[dict[str, Any] | None] = session.scalars(
        select(AuditEvent.payload).where(
            AuditEvent.dispute_id == dispute.id, AuditEvent.kind == "dispute.opened"
        )
    ).all()
    return account_given([p or {} for p in payloads])


def account_given(events: list[dict[str, object]]) -> bool:
    """Whether a dispute's opening (the payload of its "dispute.opened" event) made the
    opener's account their perspective: its description is then theirs, sealed as perspectives
    are, and shown only where perspectives are."""
    return any(bool(payload.get("account")) for payload in events)
