"""Proposals: one side puts a solution on the table; the other side accepts, counters or declines;
the author may withdraw. Decisions are conditional updates, so double clicks decide once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from bot.db import rows_changed
from bot.i18n import _, formats
from bot.services import audit
from bot.services.disputes import require_active, start_discussion
from bot.services.errors import DomainError, NotAllowed, NotFound
from bot.services.people import Person
from bot.services.people_text import many_lines, one_line
from bot.services.vocabulary import REMEDIES
from models import Dispute, Party, Proposal, ProposalItem, ProposalStatus, Side, utcnow

MAX_ITEMS = 5


@dataclass(frozen=True)
class ItemDraft:
    text: str
    owner: Person
    due: date


@dataclass(frozen=True)
class ProposalDraft:
    summary: str
    details: str
    remedy: str
    amount: Decimal | None = None
    currency: str | None = None
    items: list[ItemDraft] = field(default_factory=list)


@dataclass
class Proposed:
    proposal: Proposal
    superseded: Proposal | None = None
    counter_target_gone: Proposal | None = None  # the proposal being countered had been decided
    status_changed: bool = False


def get(session: Session, dispute: Dispute, proposal_id: int) -> Proposal:
    proposal = session.scalars(
        select(Proposal)
        .where(Proposal.id == proposal_id, Proposal.dispute_id == dispute.id)
        .options(selectinload(Proposal.items), selectinload(Proposal.author))
    ).one_or_none()
    if proposal is None:
        raise NotFound(_("That proposal no longer exists."))
    return proposal


def latest_accepted(session: Session, dispute: Dispute) -> Proposal | None:
    """The dispute's most recent accepted proposal (what a new agreement starts from), if any."""
    return session.scalars(
        select(Proposal)
        .where(
            Proposal.dispute_id == dispute.id,
            Proposal.status == ProposalStatus.ACCEPTED,
        )
        .order_by(Proposal.number.desc())
        .limit(1)
    ).first()


def describe_state(proposal: Proposal, session: Session) -> str:
    """Why a proposal's buttons no longer do anything, in one sentence."""
    label = proposal.label
    if proposal.status == ProposalStatus.SUPERSEDED:
        newer = replaced_by(session, proposal)
        if newer is None:
            # Translators: {proposal} is a proposal's label, such as P2.
            return _("{proposal} was set aside when an agreement took effect, so nothing changed.").format(
                proposal=label
            )
        return _(
            "{proposal} was superseded by {newer}; please answer the latest proposal in the thread."
        ).format(proposal=label, newer=newer.label)
    if proposal.status == ProposalStatus.WITHDRAWN:
        return _("{proposal} was withdrawn by its author, so nothing changed.").format(proposal=label)
    if proposal.status == ProposalStatus.ACCEPTED:
        return _("{proposal} has already been accepted, so nothing changed.").format(proposal=label)
    if proposal.status == ProposalStatus.DECLINED:
        return _("{proposal} has already been declined, so nothing changed.").format(proposal=label)
    return _("{proposal} is still open.").format(proposal=label)


def replaced_by(session: Session, proposal: Proposal) -> Proposal | None:
    """The counter-proposal that superseded this one, if one did (else an agreement set it aside)."""
    return session.scalars(select(Proposal).where(Proposal.supersedes_id == proposal.id)).first()


def propose(
    session: Session,
    dispute: Dispute,
    author: Party,
    draft: ProposalDraft,
    *,
    actor: Person,
    counter_of: int | None = None,
) -> Proposed:
    """Create a proposal (the caller holds the dispute's row lock)."""
    # Translators: completes "D-7 is closed, so you can no longer …."
    require_active(dispute, _("propose solutions"))
    if author.side == Side.MEDIATOR:
        raise NotAllowed(_("As the mediator you stay neutral; you can draft an agreement instead."))
    if draft.remedy not in REMEDIES:
        raise ValueError(f"unknown remedy {draft.remedy!r}")
    if len(draft.items) > MAX_ITEMS:
        raise ValueError("too many action items")
    dispute.close_requested_side = None  # the dispute moved on from a proposal to close it
    number = (
        session.scalar(select(func.max(Proposal.number)).where(Proposal.dispute_id == dispute.id)) or 0
    ) + 1
    result = Proposed(
        proposal=Proposal(
            dispute_id=dispute.id,
            number=number,
            author_party_id=author.id,
            summary=one_line(draft.summary),
            details=many_lines(draft.details),
            remedy=draft.remedy,
            amount=draft.amount,
            currency=draft.currency if draft.amount is not None else None,
            status=ProposalStatus.OPEN,
            created_at=utcnow(),
            items=[
                ProposalItem(
                    position=i,
                    text=one_line(item.text),
                    owner_team=item.owner.team_id,
                    owner_user=item.owner.user_id,
                    due_date=item.due,
                )
                for i, item in enumerate(draft.items)
            ],
        )
    )
    proposal = result.proposal
    proposal.author = author
    if counter_of is not None:
        original = get(session, dispute, counter_of)
        if original.author.side == author.side:
            raise NotAllowed(_from_your_side(original))
        if original.status == ProposalStatus.OPEN and _decide(session, original, ProposalStatus.SUPERSEDED):
            proposal.supersedes_id = original.id
            result.superseded = original
        else:
            result.counter_target_gone = original
    session.add(proposal)
    session.flush()
    if result.superseded is not None:
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="proposal.superseded",
            actor=actor,
            proposal=result.superseded.label,
            by=proposal.label,
        )
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="proposal.made",
        actor=actor,
        proposal=proposal.label,
        proposal_id=proposal.id,
        remedy=proposal.remedy,
        supersedes=result.superseded.label if result.superseded else None,
        items=len(proposal.items),
    )
    result.status_changed = start_discussion(session, dispute, actor=actor)
    return result


def set_aside_open(session: Session, dispute: Dispute, *, actor: Person, by: str) -> list[Proposal]:
    """An agreement took effect (`by`: "the agreement, version 2"): the proposals still open
    are off the table. Each is marked superseded, with no counter-proposal replacing it."""
    found = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.dispute_id == dispute.id, Proposal.status == ProposalStatus.OPEN)
            .order_by(Proposal.number)
        )
    )
    aside = [p for p in found if _decide(session, p, ProposalStatus.SUPERSEDED)]
    for proposal in aside:
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="proposal.superseded",
            actor=actor,
            proposal=proposal.label,
            by=by,
        )
    return aside


def require_dates_ahead(proposal: Proposal, today: date) -> None:
    """An agreement is not made with a due date already behind it: the person accepting is
    asked to suggest a change with a new date instead."""
    late = sorted(item.due_date for item in proposal.items if item.due_date < today)
    if late:
        raise DomainError(
            # Translators: {proposal} is a proposal's label (P2); {due} a date ("7 December 2026");
            # “Suggest a change” is the name of a button on the proposal.
            _(
                "{proposal} has an action item due on {due}, which has passed, "
                "so it can't be agreed as it stands. Use “Suggest a change” to give it a new date; "
                "nothing changed."
            ).format(proposal=proposal.label, due=formats.day_in_words(late[0]))
        )


def _decide(
    session: Session,
    proposal: Proposal,
    status: ProposalStatus,
    by: Party | None = None,
    reason: str | None = None,
) -> bool:
    """Move an open proposal to `status`; False if someone else decided it first."""
    now = utcnow()
    values: dict[str, object] = {"status": status}
    if by is not None:
        values.update(decided_by_party_id=by.id, decided_at=now, decline_reason=reason)
    done = rows_changed(
        session,
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.status == ProposalStatus.OPEN)
        .values(**values)
        .execution_options(synchronize_session=False),
    )
    session.refresh(proposal)
    return done == 1


def _from_your_side(proposal: Proposal) -> str:
    return _("{proposal} came from your side; the other side answers it.").format(proposal=proposal.label)


def _mediator_cannot(verb: str, proposal: Proposal) -> str:
    """Why the mediator cannot `verb` ("accept", "counter", "decline") a proposal."""
    if verb == "accept":
        text = _("As the mediator you stay neutral, so you can't accept {proposal}.")
    elif verb == "decline":
        text = _("As the mediator you stay neutral, so you can't decline {proposal}.")
    elif verb == "counter":
        text = _("As the mediator you stay neutral, so you can't counter {proposal}.")
    else:
        text = _("As the mediator you stay neutral, so you can't answer {proposal}.")
    return text.format(proposal=proposal.label)


def check_can_answer(session: Session, proposal: Proposal, party: Party, verb: str) -> None:
    """Only the other side answers an open proposal (`verb`: "accept", "counter" or "decline")."""
    if party.side == Side.MEDIATOR:
        raise NotAllowed(_mediator_cannot(verb, proposal))
    if party.side == proposal.author.side:
        raise NotAllowed(_from_your_side(proposal))
    if proposal.status != ProposalStatus.OPEN:
        raise DomainError(describe_state(proposal, session))


def answer(
    session: Session,
    dispute: Dispute,
    proposal: Proposal,
    party: Party,
    *,
    accept: bool,
    actor: Person,
    reason: str | None = None,
) -> Proposal:
    """The other side accepts or declines an open proposal."""
    check_can_answer(session, proposal, party, "accept" if accept else "decline")
    status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    if not _decide(session, proposal, status, by=party, reason=many_lines(reason) or None):
        raise DomainError(describe_state(proposal, session))
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind=f"proposal.{status.value}",
        actor=actor,
        proposal=proposal.label,
        reason=proposal.decline_reason,
    )
    return proposal


def withdraw(
    session: Session, dispute: Dispute, proposal: Proposal, party: Party, *, actor: Person
) -> Proposal:
    if party.id != proposal.author_party_id:
        raise NotAllowed(_("Only the author of {proposal} can withdraw it.").format(proposal=proposal.label))
    if not _decide(session, proposal, ProposalStatus.WITHDRAWN, by=party):
        raise DomainError(describe_state(proposal, session))
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="proposal.withdrawn",
        actor=actor,
        proposal=proposal.label,
    )
    return proposal
