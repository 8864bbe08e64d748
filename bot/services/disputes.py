"""Opening disputes, numbering them per workspace, status transitions and look-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import ColumnElement, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from bot.i18n import N_, _
from bot.services import audit, calendars
from bot.services.errors import DomainError, IllegalTransition, NotFound
from bot.services.people import Participant, Person, side_for
from bot.services.people_text import many_lines, one_line
from bot.services.vocabulary import CATEGORIES, status_words
from models import Dispute, DisputeStatus, Party, Side, Workspace, utcnow

S = DisputeStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.DISCUSSING, S.AGREEMENT_PENDING, S.CLOSED}),
    S.DISCUSSING: frozenset({S.AGREEMENT_PENDING, S.CLOSED}),
    S.AGREEMENT_PENDING: frozenset({S.DISCUSSING, S.AGREED, S.CLOSED}),
    S.AGREED: frozenset({S.RESOLVED, S.DISCUSSING, S.CLOSED}),
    S.RESOLVED: frozenset({S.CLOSED, S.DISCUSSING}),
    S.CLOSED: frozenset(),
}
ACTIVE_STATUSES = (S.OPEN, S.DISCUSSING, S.AGREEMENT_PENDING, S.AGREED)
PERSPECTIVES_DUE_BUSINESS_DAYS = 2
AGREEMENT_DUE_DAYS = 7


@dataclass(frozen=True)
class NewDispute:
    host_team_id: str
    channel_id: str
    title: str
    category: str
    description: str
    desired_outcome: str
    opener: Participant
    others: list[Participant] = field(default_factory=list)
    amount: Decimal | None = None
    currency: str | None = None


def next_dispute_number(session: Session, team_id: str) -> int:
    """Atomically take the workspace's next reference number (row lock held until commit)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(Workspace).values(team_id=team_id, created_at=utcnow()).on_conflict_do_nothing())
    return session.execute(
        update(Workspace)
        .where(Workspace.team_id == team_id)
        .values(last_dispute_number=Workspace.last_dispute_number + 1)
        .returning(Workspace.last_dispute_number)
    ).scalar_one()


# (English, marked for the catalog: whoever shows one passes it through `_()`.)
ONE_SIDED = N_(
    "A dispute is between two organizations: choose at least one person from the other "
    "one, so that nothing is decided by one side alone."
)
MIXED = N_(
    "A dispute is between two organizations: the people you chose from outside your own "
    "are from more than one. Choose people from one of them (someone from a third can take "
    "part as a mediator)."
)


def client_teams(people: list[Participant], provider: str) -> set[str]:
    """The workspaces of the people who would be on the client side (`provider`'s guests are
    the provider's workspace's)."""
    return {p.person.team_id for p in people if side_for(p, provider) == Side.CLIENT}


def both_sides(opener: Participant, others: list[Participant], provider: str) -> bool:
    """Whether the people of a new dispute include someone of each side, with `provider` as
    the provider organization (bot/services/people.side_for)."""
    return {side_for(p, provider) for p in [opener, *others]} == {Side.PROVIDER, Side.CLIENT}


def two_organizations(opener: Participant, others: list[Participant], provider: str) -> str | None:
    """Why these people cannot open a dispute of `provider`'s (ONE_SIDED, MIXED), or None."""
    if not both_sides(opener, others, provider):
        return ONE_SIDED
    return MIXED if len(client_teams([opener, *others], provider)) > 1 else None


def open_dispute(session: Session, data: NewDispute, *, account: bool = False) -> Dispute:
    """`account`: the opener's account (description, outcome wanted) becomes their side's
    perspective (bot/services/opening.py), and the audit event says so."""
    if data.category not in CATEGORIES:
        raise ValueError(f"unknown category {data.category!r}")
    refused = two_organizations(data.opener, data.others, data.host_team_id)
    if refused:
        raise DomainError(_(refused))
    now = utcnow()
    dispute = Dispute(
        team_id=data.host_team_id,
        number=next_dispute_number(session, data.host_team_id),
        channel_id=data.channel_id,
        title=one_line(data.title),
        category=data.category,
        description=many_lines(data.description),
        desired_outcome=many_lines(data.desired_outcome),
        amount=data.amount,
        currency=data.currency if data.amount is not None else None,
        status=S.OPEN,
        client_team=min(client_teams([data.opener, *data.others], data.host_team_id)),
        opened_by_team=data.opener.person.team_id,
        opened_by_user=data.opener.person.user_id,
        created_at=now,
        updated_at=now,
        perspectives_due_at=calendars.add_working_days(
            calendars.calendar_of(session, data.opener.person.team_id), now, PERSPECTIVES_DUE_BUSINESS_DAYS
        ),
        agreement_due_at=now + timedelta(days=AGREEMENT_DUE_DAYS),
    )
    seen: set[Person] = set()
    for participant in [data.opener, *data.others]:
        if participant.person in seen:
            continue
        seen.add(participant.person)
        dispute.parties.append(
            Party(
                team_id=participant.person.team_id,
                user_id=participant.person.user_id,
                side=side_for(participant, data.host_team_id),
                can_approve=True,
                added_by_user=data.opener.person.user_id,
                created_at=now,
                perspective_asked_at=now,  # the thread's welcome asks every party for it
            )
        )
    session.add(dispute)
    session.flush()
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="dispute.opened",
        actor=data.opener.person,
        reference=dispute.reference,
        channel_id=dispute.channel_id,
        title=dispute.title,
        category=dispute.category,
        parties=[f"{p.team_id}:{p.user_id}:{p.side}" for p in dispute.parties],
        **({"account": True} if account else {}),
    )
    return dispute


def attach_thread(
    session: Session,
    dispute: Dispute,
    *,
    thread_ts: str,
    permalink: str | None,
    actor: Person | None,
) -> None:
    dispute.thread_ts = thread_ts
    dispute.permalink = permalink
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="dispute.thread_started",
        actor=actor,
        thread_ts=thread_ts,
    )
    session.flush()


def transition(session: Session, dispute: Dispute, to: DisputeStatus, *, actor: Person | None) -> None:
    """Move the dispute to `to`, or raise IllegalTransition with a sentence for the person."""
    current = DisputeStatus(dispute.status)
    if to not in ALLOWED_TRANSITIONS[current]:
        raise IllegalTransition(
            # Translators: {now} and {to} are statuses ("agreed", "discussing").
            _("{ref} is {now}, so it cannot move to {to}.").format(
                ref=dispute.reference, now=status_words(current.value), to=status_words(to.value)
            )
        )
    dispute.status = to
    dispute.updated_at = utcnow()
    dispute.close_requested_side = None  # a proposal to close was about the dispute as it was
    if to == S.CLOSED:
        dispute.ended_at = dispute.updated_at
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="dispute.status_changed",
        actor=actor,
        old=current.value,
        new=to.value,
    )
    session.flush()


def reachable_from(team_id: str) -> ColumnElement[bool]:
    """The disputes a request carried by `team_id`'s installation may touch: that workspace's
    own, and those in which one of its people is a party (a shared channel's dispute that the
    other organization holds). Nothing else, whatever ids a request names."""
    return or_(
        Dispute.team_id == team_id, exists().where(Party.dispute_id == Dispute.id, Party.team_id == team_id)
    )


def load(session: Session, team_id: str, dispute_id: int, *, lock: bool = False) -> Dispute:
    """Load a dispute with its parties, if the workspace `team_id` (whose installation carried
    the request) may reach it (see reachable_from). With `lock`, hold its row until commit,
    so steps on one dispute never interleave (two sides sharing at the same instant, …)."""
    query = select(Dispute).where(Dispute.id == dispute_id, reachable_from(team_id))
    if lock:
        query = query.with_for_update()
    dispute = session.scalars(query.options(selectinload(Dispute.parties))).one_or_none()
    if dispute is None:
        raise NotFound(_("That dispute no longer exists."))
    return dispute


def start_discussion(session: Session, dispute: Dispute, *, actor: Person | None) -> bool:
    """open → discussing, once both sides have spoken or a solution is on the table."""
    if dispute.status != S.OPEN:
        return False
    transition(session, dispute, S.DISCUSSING, actor=actor)
    return True


def require_active(dispute: Dispute, doing: str) -> None:
    if dispute.status not in (S.OPEN, S.DISCUSSING):
        raise IllegalTransition(
            # Translators: {state} is a status ("agreed"); {doing} completes the sentence
            # ("settle the amount privately").
            _("{ref} is {state}, so you can no longer {doing}.").format(
                ref=dispute.reference, state=status_words(dispute.status), doing=doing
            )
        )


def get_by_reference(
    session: Session, team_id: str, reference: str, *, carrier: str | None = None, channel: str | None = None
) -> Dispute:
    """A dispute by its reference (D-7). References are numbered per workspace, and after a
    shared channel changed provider two workspaces may each have a D-7 in it; so, among the
    D-7s the carrying workspace may reach (see reachable_from), the first of: in `channel` and
    the carrier's own; in `channel` and `team_id`'s (the channel's provider); in `channel`; the
    carrier's own; `team_id`'s. Without `carrier`: `team_id`'s D-7."""
    cleaned = reference.strip().upper().removeprefix("D-").removeprefix("D")
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise NotFound(
            _("“{reference}” is not a dispute reference; they look like D-7.").format(reference=reference)
        )
    if len(cleaned) > 9:  # beyond any dispute number (and any column's range)
        raise NotFound(_("There is no dispute with that number in this workspace."))
    number = int(cleaned)
    query = select(Dispute).where(Dispute.number == number)
    if carrier is None:
        query = query.where(Dispute.team_id == team_id)
    else:
        near: list[ColumnElement[bool]] = [Dispute.team_id.in_([team_id, carrier])]
        if channel:
            near.append(Dispute.channel_id == channel)
        query = query.where(reachable_from(carrier), or_(*near))
    found = list(session.scalars(query.options(selectinload(Dispute.parties)).limit(20)))

    def rank(d: Dispute) -> tuple[int, int]:
        here = 0 if channel and d.channel_id == channel else 1
        return here, 0 if d.team_id == carrier else 1 if d.team_id == team_id else 2

    if not found:
        raise NotFound(_("There is no dispute D-{number} in this workspace.").format(number=number))
    return min(found, key=rank)


def list_active_in_channel(
    session: Session, team_id: str, channel_id: str, limit: int = 20, *, carrier: str | None = None
) -> tuple[list[Dispute], int]:
    """The channel's disputes that are still in progress, newest first, and how many there are:
    `team_id`'s; with `carrier`, every one in the channel that the carrying workspace may reach
    (a channel whose provider changed holds disputes of both)."""
    where = (
        reachable_from(carrier) if carrier else Dispute.team_id == team_id,
        Dispute.channel_id == channel_id,
        Dispute.status.in_([s.value for s in ACTIVE_STATUSES]),
        Dispute.thread_ts.is_not(None),
    )
    rows = list(
        session.scalars(
            select(Dispute).where(*where).order_by(Dispute.created_at.desc(), Dispute.id.desc()).limit(limit)
        )
    )
    total = len(rows)
    if total == limit:
        total = session.scalar(select(func.count()).select_from(Dispute).where(*where)) or 0
    return rows, total


def disputes_for_person(session: Session, person: Person, limit: int = 20) -> list[Dispute]:
    """Active disputes where the person is a party, newest first (App Home)."""
    return list(
        session.scalars(
            select(Dispute)
            .join(Party, Party.dispute_id == Dispute.id)
            .where(
                Party.team_id == person.team_id,
                Party.user_id == person.user_id,
                Dispute.status.in_([s.value for s in ACTIVE_STATUSES]),
                Dispute.thread_ts.is_not(None),
            )
            .order_by(Dispute.created_at.desc())
            .limit(limit)
        )
    )
