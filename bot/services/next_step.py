"""What a dispute is waiting for, and from whom: what its card says ("Next: Client Co shares its
side") and which button it puts first. Read from the database as it stands."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import agreements, perspectives
from bot.services.parties import sides_present
from models import (
    AgreementStatus,
    Dispute,
    DisputeStatus,
    Proposal,
    ProposalStatus,
    Side,
)


class Step(StrEnum):
    SHARE = "share"  # a side has not told its side yet
    ANSWER = "answer"  # a proposal waits for the other side
    PROPOSE = "propose"  # both have spoken; either side proposes a solution
    APPROVE = "approve"  # an agreement waits for approvals
    CARRY_OUT = "carry_out"  # an agreement is in effect; Parley checks in
    ENDED = "ended"


@dataclass(frozen=True)
class NextStep:
    step: Step
    waiting: frozenset[str] = frozenset()  # the sides it waits for
    proposal: str | None = None  # the proposal waiting for an answer (P2)
    answers: tuple[tuple[str, str], ...] = ()  # every open one: (the side that answers, "P2")
    shared: frozenset[str] = field(default_factory=frozenset)  # sides that told their side
    revealed: bool = False  # both sides' accounts are out


def next_step(session: Session, dispute: Dispute) -> NextStep:
    shared = frozenset(perspectives.shared_sides_of(session, dispute.id))
    revealed = perspectives.is_revealed(session, dispute.id)
    base = NextStep(Step.PROPOSE, shared=shared, revealed=revealed)
    if dispute.status in (DisputeStatus.RESOLVED, DisputeStatus.CLOSED):
        return replace(base, step=Step.ENDED)
    if dispute.status == DisputeStatus.AGREED:
        return replace(base, step=Step.CARRY_OUT)
    if dispute.status == DisputeStatus.AGREEMENT_PENDING:
        pending = agreements.latest(session, dispute.id)
        if pending is not None and pending.status == AgreementStatus.PENDING:
            state = agreements.approval_state(dispute, pending)
            waiting = {side for side, _ in state.missing} | {p.side for p in state.missing_people}
            return replace(base, step=Step.APPROVE, waiting=frozenset(waiting))
    open_proposals = session.scalars(
        select(Proposal)
        .where(Proposal.dispute_id == dispute.id, Proposal.status == ProposalStatus.OPEN)
        .order_by(Proposal.number)
    ).all()
    if open_proposals:
        answers = tuple(
            (Side.CLIENT if p.author.side == Side.PROVIDER else Side.PROVIDER, p.label)
            for p in open_proposals
        )
        return replace(
            base,
            step=Step.ANSWER,
            waiting=frozenset(side for side, _ in answers),
            proposal=answers[-1][1],
            answers=answers,
        )
    missing = sides_present(dispute) - shared
    if missing:  # (when the channel does not seal accounts, the first is out before the second)
        return replace(base, step=Step.SHARE, waiting=frozenset(missing))
    return base
