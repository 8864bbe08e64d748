"""Written agreements: drafted in versions, approved by one person of each organization (or by
everyone, by policy), ratified exactly once. An approval is bound to the content hash of the
version its approver saw; a ratified agreement never changes again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, selectinload

from bot.db import rows_changed
from bot.i18n import _
from bot.services import audit, checkins
from bot.services.disputes import transition
from bot.services.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from bot.services.people import Person
from bot.services.people_text import many_lines, one_line
from bot.services.policy import EVERYONE
from bot.services.proposals import ItemDraft, require_dates_ahead, set_aside_open
from bot.services.vocabulary import status_words
from models import (
    ActionItem,
    Agreement,
    AgreementStatus,
    Approval,
    CheckIn,
    Dispute,
    DisputeStatus,
    Party,
    Proposal,
    Side,
    utcnow,
)

DRAFTABLE = (DisputeStatus.OPEN, DisputeStatus.DISCUSSING, DisputeStatus.AGREEMENT_PENDING)
GroupKey = tuple[str, str]  # (side, team_id): an organization on one side


@dataclass(frozen=True)
class AgreementDraft:
    terms: str
    items: list[ItemDraft] = field(default_factory=list)
    amount: Decimal | None = None
    currency: str | None = None
    checkin_days: list[int] = field(default_factory=lambda: [7, 30])
    checkin_on_due_dates: bool = True
    proposal_id: int | None = None


@dataclass
class ApprovalState:
    valid: list[Approval]
    missing: list[GroupKey]
    missing_people: list[Party]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.missing_people


@dataclass
class Approved:
    agreement: Agreement
    state: ApprovalState
    already: bool = False
    ratified: bool = False
    checkins: list[CheckIn] = field(default_factory=list)
    superseded: Agreement | None = None  # the pending version a new one replaced
    set_aside: list[Proposal] = field(default_factory=list)  # open proposals it took off the table


def content_hash(agreement: Agreement, reference: str) -> str:
    canonical = json.dumps(
        agreement.canonical(reference), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def latest(session: Session, dispute_id: int) -> Agreement | None:
    return session.scalars(
        select(Agreement)
        .where(Agreement.dispute_id == dispute_id)
        .options(selectinload(Agreement.items), selectinload(Agreement.approvals))
        .order_by(Agreement.version.desc())
        .limit(1)
    ).first()


def get(session: Session, dispute: Dispute, agreement_id: int) -> Agreement:
    agreement = session.scalars(
        select(Agreement)
        .where(Agreement.id == agreement_id, Agreement.dispute_id == dispute.id)
        .options(selectinload(Agreement.items), selectinload(Agreement.approvals))
    ).one_or_none()
    if agreement is None:
        raise NotFound(_("That agreement no longer exists."))
    return agreement


def describe_state(session: Session, agreement: Agreement) -> str:
    version = agreement.version
    if agreement.status == AgreementStatus.RATIFIED:
        return _("Agreement v{version} is already in effect, so nothing changed.").format(version=version)
    if agreement.status == AgreementStatus.SUPERSEDED:
        newest = latest(session, agreement.dispute_id)
        if newest and newest.version > version:
            return _(
                "Agreement v{version} was superseded by v{newer}; please review the latest version "
                "in the thread. Nothing changed."
            ).format(version=version, newer=newest.version)
        return _(
            "Agreement v{version} was superseded; please review the latest version in the thread. "
            "Nothing changed."
        ).format(version=version)
    return _("Agreement v{version} is awaiting approvals.").format(version=version)


def ensure_changeable(session: Session, dispute: Dispute) -> None:
    """A dispute takes a (new) agreement until one is in effect; after that, only once reopened."""
    if dispute.status in (DisputeStatus.AGREED, DisputeStatus.RESOLVED):
        raise IllegalTransition(
            _(
                "The agreement for {ref} is in effect and can no longer change. A new "
                "agreement needs the dispute to be reopened first."
            ).format(ref=dispute.reference)
        )
    if dispute.status not in DRAFTABLE:
        raise IllegalTransition(
            # Translators: {status} is the dispute's status ("resolved").
            _("{ref} is {status}, so it can't take an agreement.").format(
                ref=dispute.reference, status=status_words(dispute.status)
            )
        )


def draft(
    session: Session,
    dispute: Dispute,
    drafter: Party,
    data: AgreementDraft,
    *,
    actor: Person,
    approvals_rule: str,
) -> tuple[Agreement, Agreement | None]:
    """A new version; the pending one (if any) becomes superseded. Caller holds the dispute lock."""
    ensure_changeable(session, dispute)
    dispute.close_requested_side = None  # the dispute moved on from a proposal to close it
    previous = latest(session, dispute.id)
    superseded = None
    if previous is not None and previous.status == AgreementStatus.PENDING:
        session.execute(
            update(Agreement)
            .where(
                Agreement.id == previous.id,
                Agreement.status == AgreementStatus.PENDING,
            )
            .values(status=AgreementStatus.SUPERSEDED)
            .execution_options(synchronize_session=False)
        )
        session.refresh(previous)
        superseded = previous
    agreement = Agreement(
        dispute_id=dispute.id,
        version=(previous.version + 1) if previous else 1,
        proposal_id=data.proposal_id,
        drafted_by_party_id=drafter.id,
        terms=many_lines(data.terms),
        amount=data.amount,
        currency=data.currency if data.amount is not None else None,
        checkin_days=sorted(set(data.checkin_days)),
        checkin_on_due_dates=data.checkin_on_due_dates,
        approvals_rule=approvals_rule,
        status=AgreementStatus.PENDING,
        created_at=utcnow(),
        content_hash="",
        items=[
            ActionItem(
                position=i,
                text=one_line(item.text),
                owner_team=item.owner.team_id,
                owner_user=item.owner.user_id,
                due_date=item.due,
                agreed_due=item.due,
                status="open",
            )
            for i, item in enumerate(data.items)
        ],
    )
    agreement.drafted_by = drafter
    agreement.content_hash = content_hash(agreement, dispute.reference)
    session.add(agreement)
    session.flush()
    if dispute.status != DisputeStatus.AGREEMENT_PENDING:
        transition(session, dispute, DisputeStatus.AGREEMENT_PENDING, actor=actor)
    if superseded is not None:
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="agreement.superseded",
            actor=actor,
            version=superseded.version,
            by_version=agreement.version,
        )
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="agreement.drafted",
        actor=actor,
        version=agreement.version,
        content_hash=agreement.content_hash,
        agreement_id=agreement.id,
        proposal_id=data.proposal_id,
    )
    return agreement, superseded


def from_proposal(proposal: Proposal, checkin_days: tuple[int, ...] | list[int]) -> AgreementDraft:
    """The agreement an accepted proposal makes: its summary and details as the terms, its
    compensation and action items, and the policy's check-ins."""
    return AgreementDraft(
        terms=f"{one_line(proposal.summary)}\n\n{proposal.details}".strip(),
        items=[ItemDraft(i.text, Person(i.owner_team, i.owner_user), i.due_date) for i in proposal.items],
        amount=proposal.amount,
        currency=proposal.currency,
        checkin_days=list(checkin_days),
        checkin_on_due_dates=True,
        proposal_id=proposal.id,
    )


def accept_as_agreement(
    session: Session,
    dispute: Dispute,
    proposal: Proposal,
    accepter: Party,
    *,
    actor: Person,
    approvals_rule: str,
    checkin_days: tuple[int, ...],
    tz: str | None,
    today: date,
) -> Approved:
    """Accepting a proposal is agreeing to it: the agreement is drafted from it and approved by
    its author (who proposed exactly this) and by whoever accepted it (who was shown exactly
    this, and told that accepting makes it binding), each approval bound to its content hash.
    When that is every approval the policy asks for (one person of each organization, the
    default), it is in effect at once; otherwise it waits for the others' approvals. The caller
    holds the dispute's row lock and has recorded the acceptance. `today` is the accepting
    person's: a proposal with a due date before it is not agreed (nothing is written)."""
    require_dates_ahead(proposal, today)
    author = proposal.author
    agreement, superseded = draft(
        session,
        dispute,
        author,
        from_proposal(proposal, checkin_days),
        actor=actor,
        approvals_rule=approvals_rule,
    )
    outcome = Approved(agreement, approval_state(dispute, agreement))
    for party, who, via in (
        (author, Person(author.team_id, author.user_id), "proposed"),
        (accepter, actor, "accepted"),
    ):
        if party.can_approve and party.side != Side.MEDIATOR:
            outcome = approve(
                session,
                dispute,
                agreement,
                party,
                shown_hash=agreement.content_hash,
                actor=who,
                tz=tz,
                via=via,
            )
    outcome.superseded = superseded
    return outcome


def approver_groups(dispute: Dispute) -> dict[GroupKey, list[Party]]:
    """Each organization on each side, with the parties who may approve for it."""
    groups: dict[GroupKey, list[Party]] = {}
    for party in dispute.parties:
        if party.side != Side.MEDIATOR and party.can_approve:
            groups.setdefault((party.side, party.team_id), []).append(party)
    return groups


def approval_state(dispute: Dispute, agreement: Agreement) -> ApprovalState:
    valid = [a for a in agreement.approvals if a.content_hash == agreement.content_hash]
    approved = {(a.team_id, a.user_id) for a in valid}
    groups = approver_groups(dispute)
    missing = [
        key for key, members in groups.items() if not any((p.team_id, p.user_id) in approved for p in members)
    ]
    missing_people: list[Party] = []
    if agreement.approvals_rule == EVERYONE:
        missing_people = [
            p for members in groups.values() for p in members if (p.team_id, p.user_id) not in approved
        ]
        missing = []
    return ApprovalState(valid, missing, missing_people)


def check_can_approve(session: Session, agreement: Agreement, party: Party, shown_hash: str | None) -> None:
    if agreement.status != AgreementStatus.PENDING:
        raise DomainError(describe_state(session, agreement))
    if party.side == Side.MEDIATOR:
        raise NotAllowed(
            _("As the mediator you stay neutral: each side approves the agreement, not the mediator.")
        )
    if not party.can_approve:
        raise NotAllowed(
            _("You take part in this dispute but can't approve Agreement v{version}.").format(
                version=agreement.version
            )
        )
    if shown_hash is not None and shown_hash != agreement.content_hash:
        raise DomainError(
            _(
                "The text you approved is not the current Agreement v{version}; please "
                "review the latest version in the thread. Nothing changed."
            ).format(version=agreement.version)
        )


def approve(
    session: Session,
    dispute: Dispute,
    agreement: Agreement,
    party: Party,
    *,
    shown_hash: str | None,
    actor: Person,
    tz: str | None,
    via: str | None = None,
) -> Approved:
    """Record one approval (once per person and version) and ratify when it completes the set.

    The caller holds the dispute's row lock, so two approvers at the same instant are serialized
    and the second sees the first; the unique constraint and the conditional update make double
    clicks and retries harmless even without it."""
    check_can_approve(session, agreement, party, shown_hash)
    outcome = Approved(agreement, approval_state(dispute, agreement))
    try:
        with session.begin_nested():
            session.add(
                Approval(
                    agreement_id=agreement.id,
                    version=agreement.version,
                    party_id=party.id,
                    team_id=party.team_id,
                    user_id=party.user_id,
                    decision="approved",
                    content_hash=agreement.content_hash,
                    at=utcnow(),
                )
            )
    except IntegrityError:
        outcome.already = True
        return outcome
    session.refresh(agreement, ["approvals"])
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="agreement.approved",
        actor=actor,
        version=agreement.version,
        content_hash=agreement.content_hash,
        **({"via": via} if via else {}),
    )
    outcome.state = approval_state(dispute, agreement)
    if outcome.state.complete:
        outcome.ratified, outcome.checkins = ratify(session, dispute, agreement, actor=actor, tz=tz)
        if outcome.ratified:
            outcome.set_aside = set_aside_open(
                session, dispute, actor=actor, by=f"agreement version {agreement.version}"
            )
    return outcome


def ratify(
    session: Session, dispute: Dispute, agreement: Agreement, *, actor: Person, tz: str | None
) -> tuple[bool, list[CheckIn]]:
    """pending → ratified exactly once; the dispute is agreed and check-ins are written."""
    now = utcnow()
    done = rows_changed(
        session,
        update(Agreement)
        .where(
            Agreement.id == agreement.id,
            Agreement.status == AgreementStatus.PENDING,
        )
        .values(status=AgreementStatus.RATIFIED, ratified_at=now)
        .execution_options(synchronize_session=False),
    )
    if done != 1:
        return False, []
    session.refresh(agreement)
    transition(session, dispute, DisputeStatus.AGREED, actor=actor)
    rows = checkins.schedule(session, agreement, now, tz)
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="agreement.ratified",
        actor=actor,
        version=agreement.version,
        content_hash=agreement.content_hash,
        checkins=[c.due_at.isoformat() for c in rows],
    )
    return True, rows


def request_changes(
    session: Session, dispute: Dispute, agreement: Agreement, party: Party, what: str, *, actor: Person
) -> None:
    if agreement.status != AgreementStatus.PENDING:
        raise DomainError(describe_state(session, agreement))
    if party.side == Side.MEDIATOR:
        raise NotAllowed(_("As the mediator, edit the draft instead of requesting changes."))
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="agreement.changes_requested",
        actor=actor,
        version=agreement.version,
        what=many_lines(what),
    )


def ratified_with_hash(
    session: Session, content_hash: str, *, reachable: ColumnElement[bool]
) -> Agreement | None:
    """The agreement in effect whose content hash this is (ratified, and no later version of its
    dispute ratified since), among the disputes `reachable` (a where-clause:
    bot/services/disputes.py's reachable_from) lets the asker see."""
    later = aliased(Agreement)
    superseded = exists().where(
        later.dispute_id == Agreement.dispute_id,
        later.version > Agreement.version,
        later.status == AgreementStatus.RATIFIED,
    )
    return session.scalars(
        select(Agreement)
        .join(Dispute, Dispute.id == Agreement.dispute_id)
        .where(
            Agreement.content_hash == content_hash,
            Agreement.status == AgreementStatus.RATIFIED,
            ~superseded,
            reachable,
        )
        .options(selectinload(Agreement.approvals))
        .limit(1)
    ).first()
