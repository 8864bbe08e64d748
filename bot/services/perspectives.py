"""Perspectives: each party tells its side; sealed until every side has shared (unless policy
says otherwise), then revealed together; later versions are revisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.i18n import _
from bot.services import audit
from bot.services.disputes import require_active, start_discussion
from bot.services.parties import sides_present
from bot.services.people import Person
from bot.services.people_text import many_lines
from models import Dispute, Party, Perspective, utcnow


class Shared(StrEnum):
    SEALED = "sealed"  # stored; waits for the other side
    REVEAL = "reveal"  # this completed the set: post every side's perspective now
    POSTED = "posted"  # sealing is off, or the reveal already happened: post this one
    REVISION = "revision"  # a later version, posted as a revision


@dataclass(frozen=True)
class PerspectiveText:
    what_happened: str
    impact: str
    resolution: str
    acknowledgement: str | None = None


@dataclass
class ShareOutcome:
    perspective: Perspective
    kind: Shared
    to_post: list[Perspective] = field(default_factory=list)
    waiting_sides: set[str] = field(default_factory=set)
    status_changed: bool = False


def all_perspectives(session: Session, dispute_id: int) -> list[Perspective]:
    return list(
        session.scalars(
            select(Perspective)
            .where(Perspective.dispute_id == dispute_id)
            .options(selectinload(Perspective.party))
            .order_by(Perspective.id)
        )
    )


def latest_by_party(perspectives: list[Perspective]) -> list[Perspective]:
    latest: dict[int, Perspective] = {}
    for p in perspectives:
        if p.party_id not in latest or p.version > latest[p.party_id].version:
            latest[p.party_id] = p
    return sorted(latest.values(), key=lambda p: (p.party.side != "provider", p.party_id))


def sides_shared(perspectives: list[Perspective]) -> set[str]:
    return {p.party.side for p in perspectives}


def shared_sides_of(session: Session, dispute_id: int) -> set[str]:
    return set(
        session.scalars(
            select(Party.side)
            .join(Perspective, Perspective.party_id == Party.id)
            .where(Perspective.dispute_id == dispute_id)
            .distinct()
        )
    )


def is_revealed(session: Session, dispute_id: int) -> bool:
    return (
        session.scalar(
            select(func.count())
            .select_from(Perspective)
            .where(Perspective.dispute_id == dispute_id, Perspective.released_at.is_not(None))
        )
        or 0
    ) > 0


def latest_for(session: Session, party: Party) -> Perspective | None:
    return session.scalars(
        select(Perspective)
        .where(Perspective.party_id == party.id)
        .order_by(Perspective.version.desc())
        .limit(1)
    ).first()


def share(
    session: Session, dispute: Dispute, party: Party, text: PerspectiveText, *, seal: bool, actor: Person
) -> ShareOutcome:
    """Store a new version of the party's perspective and say what should be posted now.

    The caller holds the dispute's row lock (disputes.load(lock=True)), so two sides sharing at the same
    instant cannot both conclude that the other has not shared yet."""
    # Translators: completes "D-7 is closed, so you can no longer …."
    require_active(dispute, _("share a perspective"))
    version = (
        session.scalar(select(func.max(Perspective.version)).where(Perspective.party_id == party.id)) or 0
    ) + 1
    perspective = Perspective(
        dispute_id=dispute.id,
        party_id=party.id,
        version=version,
        what_happened=many_lines(text.what_happened),
        impact=many_lines(text.impact),
        resolution=many_lines(text.resolution),
        acknowledgement=many_lines(text.acknowledgement) or None,
        created_at=utcnow(),
    )
    perspective.party = party
    session.add(perspective)
    session.flush()
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="perspective.shared",
        actor=actor,
        version=version,
        side=party.side,
        perspective_id=perspective.id,
    )

    everything = all_perspectives(session, dispute.id)
    already_revealed = any(p.released_at for p in everything)
    needed = sides_present(dispute)
    complete = sides_shared(everything) >= needed
    outcome = ShareOutcome(perspective, Shared.POSTED, [perspective])
    if already_revealed or not seal:
        outcome.kind = Shared.REVISION if version > 1 else Shared.POSTED
    elif complete:
        outcome.kind = Shared.REVEAL
        outcome.to_post = latest_by_party(everything)
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="perspectives.revealed",
            actor=actor,
            perspective_ids=[p.id for p in outcome.to_post],
        )
    else:
        outcome.kind = Shared.SEALED
        outcome.to_post = []
        outcome.waiting_sides = needed - sides_shared(everything)
    for released in outcome.to_post:
        released.released_at = released.released_at or utcnow()
    if complete:
        outcome.status_changed = start_discussion(session, dispute, actor=actor)
    return outcome
