"""What follows a check-in: answers, the client side confirming resolution, feedback, a new date,
reopening, or asking for a mediator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.i18n import _
from bot.services import audit, checkins, followups
from bot.services.disputes import transition
from bot.services.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from bot.services.parties import require_party
from bot.services.people import Person
from bot.services.people_text import many_lines
from bot.services.vocabulary import status_words
from models import (
    ActionItem,
    Agreement,
    AgreementStatus,
    CheckIn,
    CheckInStatus,
    Dispute,
    DisputeStatus,
    Feedback,
    Party,
    Side,
    utcnow,
)

ANSWERS = ("done", "partly", "not_yet")


@dataclass
class Answered:
    item: ActionItem
    all_done: bool
    # The dispute's next check-in is not the one it was before the answer: the card shows it.
    next_checkin_moved: bool = False


def in_effect(session: Session, dispute: Dispute) -> Agreement:
    agreement = session.scalars(
        select(Agreement)
        .where(
            Agreement.dispute_id == dispute.id,
            Agreement.status == AgreementStatus.RATIFIED,
        )
        .order_by(Agreement.version.desc())
        .limit(1)
    ).first()
    if agreement is None:
        raise NotFound(_("{ref} has no agreement in effect.").format(ref=dispute.reference))
    return agreement


def item_of(session: Session, dispute: Dispute, item_id: int) -> ActionItem:
    agreement = in_effect(session, dispute)
    item = next((i for i in agreement.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("That action item is not part of the agreement in effect."))
    return item


def require_agreed(dispute: Dispute, doing: str) -> None:
    """`doing`: what the person tried to do, in the language in use ("set a new date")."""
    if dispute.status != DisputeStatus.AGREED:
        raise IllegalTransition(
            # Translators: {status} is the dispute's status ("agreement pending"); {doing} what the
            # person tried to do, translated on its own ("set a new date").
            _("{ref} is {status}, so you can't {doing} any more.").format(
                ref=dispute.reference, status=status_words(dispute.status), doing=doing
            )
        )


def answer(
    session: Session,
    dispute: Dispute,
    checkin_id: int,
    item_id: int,
    party: Party,
    value: str,
    *,
    actor: Person,
) -> Answered:
    if value not in ANSWERS:
        raise ValueError(value)
    # Translators: completes "…, so you can't … any more."
    require_agreed(dispute, _("answer this check-in"))
    item = item_of(session, dispute, item_id)
    checkin = session.get(CheckIn, checkin_id)
    if checkin is None or checkin.dispute_id != dispute.id:
        raise NotFound(_("That check-in no longer exists."))
    before = followups.next_checkin(session, dispute.id)
    item.status = value
    # One message can stand for several check-ins that fell due together (the item's own and the
    # 7-day one, say): the answer settles each of them that asks about this item, so none is left
    # `posted` (App Home would keep asking) and the next check-in shown is the true one. As
    # before, a check-in counts as answered once any item it asks about is.
    for row in followups.settled_by(session, checkin, item):
        row.status = CheckInStatus.ANSWERED
        row.answer = value
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="checkin.answered",
            actor=actor,
            checkin_id=row.id,
            item=item.text,
            answer=value,
            side=party.side,
        )
    agreement = in_effect(session, dispute)
    return Answered(
        item,
        all(i.status == "done" for i in agreement.items),
        next_checkin_moved=followups.next_checkin(session, dispute.id) != before,
    )


def confirm_resolved(session: Session, dispute: Dispute, party: Party, *, actor: Person) -> int:
    """The client side confirms: agreed → resolved, and the pending check-ins are cancelled."""
    if party.side == Side.MEDIATOR:
        raise NotAllowed(
            _(
                "As the mediator you stay neutral: the people the work was for confirm "
                "that {ref} is resolved."
            ).format(ref=dispute.reference)
        )
    if party.side != Side.CLIENT:
        raise NotAllowed(
            _(
                "The other organization confirms that {ref} is resolved; your side can't confirm it for them."
            ).format(ref=dispute.reference)
        )
    # Translators: completes "…, so you can't … any more."
    require_agreed(dispute, _("confirm it is resolved"))
    transition(session, dispute, DisputeStatus.RESOLVED, actor=actor)
    dispute.ended_how = "resolved"
    return followups.cancel_pending(session, dispute, actor=actor, reason="resolved")


def reopen(session: Session, dispute: Dispute, *, actor: Person, why: str) -> int:
    """Back to discussing; the agreement stays on record; its pending check-ins are cancelled.
    Only a party may."""
    # Translators: completes "Only the parties to D-7 can …."
    require_party(dispute, actor, _("reopen the dispute"))
    if dispute.status not in (DisputeStatus.AGREED, DisputeStatus.RESOLVED):
        raise IllegalTransition(
            # Translators: {status} is the dispute's status ("discussing").
            _("{ref} is {status}; only an agreed or resolved dispute can be reopened.").format(
                ref=dispute.reference, status=status_words(dispute.status)
            )
        )
    transition(session, dispute, DisputeStatus.DISCUSSING, actor=actor)
    audit.record(
        session, team_id=dispute.team_id, dispute_id=dispute.id, kind="dispute.reopened", actor=actor, why=why
    )
    return followups.cancel_pending(session, dispute, actor=actor, reason="reopened")


def new_date(
    session: Session,
    dispute: Dispute,
    item_id: int,
    when: date,
    *,
    actor: Person,
    tz: str | None,
    today: date,
) -> CheckIn:
    # Translators: completes "Only the parties to D-7 can …." and "…, so you can't … any more."
    doing = _("set a new date")
    require_party(dispute, actor, doing)
    require_agreed(dispute, doing)
    if when < today:
        raise DomainError(_("The new date is in the past; pick today or later."))
    item = item_of(session, dispute, item_id)
    old = item.due_date
    item.due_date = when
    row = CheckIn(
        dispute_id=dispute.id,
        agreement_id=item.agreement_id,
        action_item_id=item.id,
        kind="item_due",
        due_at=checkins.civil_moment(when, checkins.zone(tz)),
        status=CheckInStatus.PENDING,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="item.rescheduled",
        actor=actor,
        item=item.text,
        old=old.isoformat(),
        new=when.isoformat(),
    )
    return row


def record_feedback(
    session: Session, dispute: Dispute, party: Party, rating: int, comment: str | None, *, actor: Person
) -> bool:
    """False when this person already gave feedback on this dispute."""
    if party.side == Side.MEDIATOR:
        raise NotAllowed(
            _("As the mediator you stay neutral: feedback is asked of the people the work was for.")
        )
    if party.side != Side.CLIENT:
        raise NotAllowed(
            _("Feedback on how {ref} was handled is asked of the other organization, not of yours.").format(
                ref=dispute.reference
            )
        )
    if not 1 <= rating <= 5:
        raise ValueError(rating)
    try:
        with session.begin_nested():
            session.add(
                Feedback(
                    dispute_id=dispute.id,
                    team_id=party.team_id,
                    user_id=party.user_id,
                    rating=rating,
                    comment=many_lines(comment) or None,
                    at=utcnow(),
                )
            )
    except IntegrityError:
        return False
    audit.record(
        session,
        team_id=dispute.team_id,
        dispute_id=dispute.id,
        kind="feedback.given",
        actor=actor,
        rating=rating,
    )
    return True
