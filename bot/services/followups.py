"""Follow-up check-ins as database rows. APScheduler is only the clock: each tick, the check-ins
that are due become outbox rows (bot/services/outbox.py), one per dispute, so check-ins that fall
due together for a dispute are one message asking about each action item once. The outbox then
delivers them like every other message: paced per channel, retried, never lost.

A check-in is `pending` until due, `posting` while its message waits in the outbox, then `posted`
(with the message's ts) until someone answers it (`answered`), `cancelled` (the dispute moved on)
or `failed` (Slack refused the message for good; audited, and the opener is told). One message may
stand for several check-ins (an item due on the day of the 7-day check-in): an answer about an item
settles each check-in of that message that asks about the item (`settled_by`)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.db import rows_changed
from bot.services import audit, outbox
from bot.services.message_kinds import MessageKind
from bot.services.people import Person
from models import ActionItem, Agreement, CheckIn, CheckInStatus, Dispute, utcnow

log = logging.getLogger("parley.followups")

BATCH = 1000


def queue_due(session: Session, *, now: datetime | None = None, limit: int = BATCH) -> int:
    """Turn due check-ins into outbox rows, one per dispute; returns how many rows were written.
    Rows are locked with SKIP LOCKED, so two scheduler processes never queue one twice."""
    now = now or utcnow()
    due = session.scalars(
        select(CheckIn)
        .where(CheckIn.status == CheckInStatus.PENDING, CheckIn.due_at <= now)
        .order_by(CheckIn.dispute_id, CheckIn.due_at, CheckIn.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    by_dispute: dict[int, list[CheckIn]] = defaultdict(list)
    for checkin in due:
        checkin.status = CheckInStatus.POSTING
        checkin.claimed_at = now
        checkin.attempts += 1
        by_dispute[checkin.dispute_id].append(checkin)
    disputes = {d.id: d for d in session.scalars(select(Dispute).where(Dispute.id.in_(by_dispute)))}
    for dispute_id, checkins in by_dispute.items():
        dispute = disputes[dispute_id]
        outbox.say(
            session,
            dispute,
            MessageKind.CHECKIN,
            checkins=[c.id for c in checkins],
            notify=Person(team_id=dispute.opened_by_team, user_id=dispute.opened_by_user),
        )
    return len(by_dispute)


def checkin_items(session: Session, checkins: list[CheckIn], *, keep: int | None = None) -> list[ActionItem]:
    """The action items these check-ins ask about, each once, in the agreement's order: the item
    an item's check-in names, or every item of the agreement for a check-in on the whole of it;
    items already done are left out (except `keep`, the one just answered)."""
    found: dict[int, ActionItem] = {}
    for checkin in checkins:
        agreement = session.get(Agreement, checkin.agreement_id)
        for item in agreement.items if agreement is not None else []:
            if checkin.action_item_id not in (None, item.id):
                continue
            if item.status != "done" or item.id == keep:
                found[item.id] = item
    return sorted(found.values(), key=lambda i: (i.agreement_id, i.position))


def cancel_pending(session: Session, dispute: Dispute, *, actor: Person | None, reason: str) -> int:
    """Cancel every check-in of the dispute that has not been posted yet."""
    count = rows_changed(
        session,
        update(CheckIn)
        .where(
            CheckIn.dispute_id == dispute.id,
            CheckIn.status.in_([CheckInStatus.PENDING, CheckInStatus.POSTING]),
        )
        .values(status=CheckInStatus.CANCELLED, answer_note=reason)
        .execution_options(synchronize_session=False),
    )
    if count:
        audit.record(
            session,
            team_id=dispute.team_id,
            dispute_id=dispute.id,
            kind="checkins.cancelled",
            actor=actor,
            count=count,
            reason=reason,
        )
    return count


def settled_by(session: Session, checkin: CheckIn, item: ActionItem) -> list[CheckIn]:
    """The check-ins an answer about `item` settles: those posted in the same message as
    `checkin` (a message's buttons name only the first of the check-ins it stands for) that ask
    about the item, the item's own or one on the whole agreement. Just `checkin` when none does."""
    together = [checkin]
    if checkin.posted_ts:
        together = list(
            session.scalars(
                select(CheckIn)
                .where(
                    CheckIn.dispute_id == checkin.dispute_id,
                    CheckIn.posted_ts == checkin.posted_ts,
                    CheckIn.status.in_([CheckInStatus.POSTED, CheckInStatus.ANSWERED]),
                )
                .order_by(CheckIn.id)
            )
        )
    asking = [
        c for c in together if c.agreement_id == item.agreement_id and c.action_item_id in (None, item.id)
    ]
    return asking or [checkin]


# Not over yet: coming, in the outbox, or posted and waiting for an answer.
NOT_OVER = (CheckInStatus.PENDING, CheckInStatus.POSTING, CheckInStatus.POSTED)


def asks_something() -> ColumnElement[bool]:
    """SQL: the check-in still has an action item to ask about (the rule of `checkin_items`): its
    own item is not done, or, for a check-in on the whole agreement, some item of it is not. One
    that has nothing left would be skipped when due, so it is neither coming nor waiting."""
    return exists().where(
        ActionItem.agreement_id == CheckIn.agreement_id,
        ActionItem.status != "done",
        or_(CheckIn.action_item_id.is_(None), ActionItem.id == CheckIn.action_item_id),
    )


def next_checkin(session: Session, dispute_id: int) -> datetime | None:
    """When the dispute's next check-in is (the card, `/dispute list`): the earliest that is not
    over yet and has something to ask. A posted one counts until it is answered, so what the card
    showed stays true from the moment the check-in is posted until someone answers it (and the
    answer updates the card); None when no check-in is coming."""
    return session.scalar(
        select(CheckIn.due_at)
        .where(
            CheckIn.dispute_id == dispute_id,
            CheckIn.status.in_(NOT_OVER),
            asks_something(),
        )
        .order_by(CheckIn.due_at)
        .limit(1)
    )
