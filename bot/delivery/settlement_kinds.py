"""A private settlement's one message in the thread: posted when one side asks, then updated in
place as the other joins, the rounds go and it settles or ends. Rendered from the database when
delivered; it names who must act, and never a limit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.blocks.settlements import SettlementView, settlement_message
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Skip, Update
from bot.slack.sides import card_names
from models import OutboxMessage, Settlement, SettlementStatus, Side


def _render(ctx: Ctx) -> tuple[str, list]:
    settlement = ctx.load(Settlement, "settlement", "private settlement")
    d = ctx.d
    names = card_names(ctx.names, d)
    sides = [p for p in d.parties if p.side != Side.MEDIATOR]
    sealed = {o.side for o in settlement.offers if o.round == settlement.round}
    view = SettlementView(
        payer=names.org(settlement.payer_side),
        receiver=names.org(settlement.receiver_side),
        asked_by=ctx.names.describe(settlement.asked_by_team, settlement.asked_by_user),
        asker_org=names.org(settlement.asked_side),
        answering_org=names.org(Side.CLIENT if settlement.asked_side == Side.PROVIDER else Side.PROVIDER),
        answering=[p.user_id for p in sides if p.side != settlement.asked_side]
        if settlement.status == SettlementStatus.ASKED
        else [],
        approvers=[p.user_id for p in sides if p.can_approve and p.side not in sealed]
        if settlement.status == SettlementStatus.OPEN
        else [],
        sealed_sides=[names.org(side) for side in (Side.PROVIDER, Side.CLIENT) if side in sealed],
    )
    return settlement_message(d, settlement, view)


def _post(ctx: Ctx) -> Call:
    text, blocks = _render(ctx)
    return Post(text, blocks, thread_ts=ctx.thread())


def _posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
    found = session.get(Settlement, row.params["settlement"])
    if found is not None and done.ts:
        found.message_ts = done.ts


def _update(ctx: Ctx) -> Call:
    settlement = ctx.load(Settlement, "settlement", "private settlement")
    if not settlement.message_ts:
        raise Skip("the private settlement's message was never posted")
    text, blocks = _render(ctx)
    return Update(settlement.message_ts, text, blocks)


SETTLEMENT_KINDS: dict[str, Kind] = {
    "settlement": Kind(_post, _posted),
    "settlement.update": Kind(_update),
}
