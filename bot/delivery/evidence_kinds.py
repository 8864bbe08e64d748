"""The thread's one Evidence message: posted with the first item, then updated in place; its ts
is kept on the dispute. Rendered from the database when delivered, so it lists what is on
record then (sealed items only counted, never named)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.blocks.evidence import evidence_message
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Skip, Update
from bot.services import evidence
from bot.slack.sides import side_name
from models import Dispute, OutboxMessage


def _render(ctx: Ctx) -> tuple[str, list]:
    items = evidence.on_record(ctx.session, ctx.d.id)
    return evidence_message(
        ctx.d.reference,
        evidence.shown_to_all(items),
        evidence.sealed_counts(items),
        ctx.names.describe,
        lambda side: side_name(ctx.names, ctx.d, side),
    )


def _post(ctx: Ctx) -> Call:
    text, blocks = _render(ctx)
    if ctx.d.evidence_ts:  # posted already (a row written before the first was recorded)
        return Update(ctx.d.evidence_ts, text, blocks)
    return Post(text, blocks, thread_ts=ctx.thread(), unfurl=False)


def _posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
    dispute = session.get(Dispute, row.dispute_id)
    if dispute is not None and done.ts and not dispute.evidence_ts:
        dispute.evidence_ts = done.ts


def _update(ctx: Ctx) -> Call:
    if not ctx.d.evidence_ts:
        raise Skip("the evidence message was never posted")
    text, blocks = _render(ctx)
    return Update(ctx.d.evidence_ts, text, blocks)


EVIDENCE_KINDS: dict[str, Kind] = {
    "evidence": Kind(_post, _posted),
    "evidence.update": Kind(_update),
}
