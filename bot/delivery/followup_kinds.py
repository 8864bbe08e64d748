"""Check-ins and what follows their answers, reminders, messages to the host team only, the
channel welcome, and the notice to a person whose message Slack refused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.blocks.checkins import (
    all_done,
    answered_line,
    checkin_message,
    not_yet_options,
)
from bot.blocks.closing import lessons_posted, lessons_request
from bot.blocks.delivery import delivery_failed, saved_while_slack_was_down
from bot.blocks.mediation import mediator_escalation
from bot.blocks.messages import channel_welcome, dispute_erased
from bot.blocks.nudges import nudge_internal, nudge_message
from bot.blocks.text import section
from bot.db import one_of
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Skip, Update
from bot.services import audit
from bot.services.followups import checkin_items
from models import (
    ActionItem,
    Agreement,
    CheckIn,
    CheckInStatus,
    Dispute,
    DisputeStatus,
    LessonLearned,
    OutboxMessage,
    Side,
)


# ----- check-ins ------------------------------------------------------------------------------
def _checkins(session: Session, row: OutboxMessage) -> list[CheckIn]:
    found = (session.get(CheckIn, checkin_id) for checkin_id in sorted(row.params["checkins"]))
    return [checkin for checkin in found if checkin is not None]


def _prefetch_checkins(session: Session, rows: list[OutboxMessage], to_render: bool) -> list[object]:
    """A round's check-ins (and, to render them, their agreements' items) in two queries."""
    ids = {checkin_id for row in rows for checkin_id in row.params.get("checkins", [])}
    checkins = session.scalars(select(CheckIn).where(one_of(session, CheckIn.id, ids))).all()
    if not to_render:
        return list(checkins)
    agreements = session.scalars(
        select(Agreement)
        .where(one_of(session, Agreement.id, {c.agreement_id for c in checkins}))
        .options(selectinload(Agreement.items))
    ).all()
    return [*checkins, *agreements]


def _checkin(ctx: Ctx) -> Call:
    """Every check-in of the dispute that fell due together, as one message that asks about each
    action item once."""
    if ctx.d.status != DisputeStatus.AGREED:
        raise Skip("the dispute moved on")
    rows = [c for c in _checkins(ctx.session, ctx.row) if c.status == CheckInStatus.POSTING]
    items = checkin_items(ctx.session, rows)
    if not items:
        raise Skip("nothing left to check")
    text, blocks = checkin_message(ctx.d, rows[0].id, items)
    return Post(text, blocks, thread_ts=ctx.thread())


def _settle_checkins(session: Session, row: OutboxMessage, status: str, kind: str, **details: object) -> None:
    for checkin in _checkins(session, row):
        if checkin.status != CheckInStatus.POSTING:
            continue
        checkin.status = status
        audit.record(
            session,
            team_id=row.team_id,
            dispute_id=row.dispute_id,
            kind=kind,
            actor=None,
            checkin_id=checkin.id,
            **details,
        )


def _checkin_posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
    _checkins_posted(session, [(row, done)])


def _checkins_posted(session: Session, delivered: list[tuple[OutboxMessage, Delivered]]) -> None:
    """Check-in messages posted (a tick's round at once): each check-in keeps its message's ts,
    and their audit events are written together (audit.record_many)."""
    audit.lock_disputes(session, [row.dispute_id for row, _ in delivered if row.dispute_id is not None])
    events = []
    for row, done in delivered:
        for checkin in _checkins(session, row):
            if checkin.status != CheckInStatus.POSTING:
                continue
            checkin.posted_ts = done.ts
            checkin.status = CheckInStatus.POSTED
            events.append(
                audit.NewEvent(
                    row.team_id,
                    "checkin.posted",
                    row.dispute_id,
                    payload={"checkin_id": checkin.id, "ts": done.ts},
                )
            )
    audit.record_many(session, events)


def _checkin_skipped(session: Session, row: OutboxMessage, reason: str) -> None:
    for checkin in _checkins(session, row):
        if checkin.status == CheckInStatus.POSTING:
            checkin.answer_note = reason
    _settle_checkins(session, row, CheckInStatus.CANCELLED, "checkin.skipped", reason=reason)


def _checkin_failed(session: Session, row: OutboxMessage, error: str) -> None:
    _settle_checkins(session, row, CheckInStatus.FAILED, "checkin.failed", error=error, attempts=row.attempts)


def _checkin_update(ctx: Ctx) -> Call:
    """The check-in message again, with the answer under its item."""
    checkin = ctx.session.get(CheckIn, ctx.params["checkin"])
    if checkin is None or not checkin.posted_ts:
        raise Skip("the check-in's message was never posted")
    together = list(
        ctx.session.scalars(
            select(CheckIn)
            .where(CheckIn.dispute_id == checkin.dispute_id, CheckIn.posted_ts == checkin.posted_ts)
            .order_by(CheckIn.id)
        )
    )
    answered_item = ctx.params["item"]
    items = checkin_items(ctx.session, together, keep=answered_item)
    answered = {answered_item: answered_line(ctx.params["value"], ctx.who())}
    text, blocks = checkin_message(ctx.d, together[0].id, items, answered)
    return Update(checkin.posted_ts, text, blocks)


def _not_yet(ctx: Ctx) -> Call:
    item = ctx.load(ActionItem, "item", "action item")
    text, blocks = not_yet_options(ctx.d, item, ctx.who())
    return Post(text, blocks, thread_ts=ctx.thread())


def _all_done(ctx: Ctx) -> Call:
    text, blocks = all_done(ctx.d, [p.user_id for p in ctx.d.parties if p.side == Side.CLIENT])
    return Post(text, blocks, thread_ts=ctx.thread())


# ----- reminders and the host team's own messages ---------------------------------------------
def _nudge(ctx: Ctx) -> Call:
    text, blocks = nudge_message(ctx.d, ctx.params["nudge"], ctx.params.get("waiting", []))
    return Post(text, blocks, thread_ts=ctx.thread())


def _internal(ctx: Ctx) -> Call:
    """To the policy's escalation channel: posted only if Slack says it is not shared."""
    kind = ctx.row.kind
    if kind == "internal.lessons":
        text = lessons_posted(ctx.d, ctx.load(LessonLearned, "lesson", "lesson"))
    elif kind == "internal.mediator":
        text = mediator_escalation(ctx.d, ctx.params["mediator"], ctx.params.get("note", ""))
    else:
        text = nudge_internal(ctx.d, ctx.params["nudge"])
    return Post(text, internal_only=True)


def _lessons_request(ctx: Ctx) -> Call:
    text, blocks = lessons_request(ctx.d)
    return Post(text, blocks)


def _channel_welcome(ctx: Ctx) -> Call:
    provider = ctx.params.get("provider")  # rows written before providers were kept have none
    text, blocks = channel_welcome(
        ctx.names.team_name(provider) if provider else None, handover=bool(ctx.params.get("handover"))
    )
    return Post(text, blocks)


def _erased(ctx: Ctx) -> Call:
    text = dispute_erased(ctx.params["reference"])
    return Post(text, [section(text)], thread_ts=ctx.params["thread_ts"])


def _saved(ctx: Ctx) -> Call:
    """To the person who opened a dispute while Slack was not answering (so not even the
    private note that it was saved got through): it was, and its thread is there now. After
    the card in the outbox's order; if the card never went out, they hear of that instead."""
    if not ctx.d.thread_ts:
        raise Skip("the card was never posted: its notice.failed says so")
    return Post(saved_while_slack_was_down(ctx.d.reference, ctx.d.channel_id, ctx.d.permalink))


def _notice(ctx: Ctx) -> Call:
    failed = ctx.load(OutboxMessage, "failed", "failed message")
    dispute = ctx.session.get(Dispute, failed.dispute_id) if failed.dispute_id else None
    return Post(
        delivery_failed(
            failed.kind, failed.channel_id, dispute.reference if dispute else None, failed.last_error or ""
        )
    )


FOLLOWUP_KINDS: dict[str, Kind] = {
    "checkin": Kind(
        _checkin,
        _checkin_posted,
        _checkin_skipped,
        _checkin_failed,
        prefetch=_prefetch_checkins,
        after_many=_checkins_posted,
    ),
    "checkin.update": Kind(_checkin_update),
    "checkin.not_yet": Kind(_not_yet),
    "checkin.all_done": Kind(_all_done),
    "nudge": Kind(_nudge),
    "internal.lessons": Kind(_internal),
    "internal.mediator": Kind(_internal),
    "internal.nudge": Kind(_internal),
    "lessons.request": Kind(_lessons_request),
    "channel.welcome": Kind(_channel_welcome),
    "notice.failed": Kind(_notice),
    "notice.saved": Kind(_saved),
    "dispute.erased": Kind(_erased),
}
