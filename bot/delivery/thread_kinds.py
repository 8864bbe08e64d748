"""The dispute thread's messages, rendered from the database when they are delivered: the status
card and its updates, the welcome, proposals, agreements and perspectives (whose own ts is kept
once posted), and the announcements that follow what people did."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.blocks.agreements import (
    agreement_blocks,
    changes_from,
    changes_requested,
)
from bot.blocks.checkins import new_date_set, reopened, resolved
from bot.blocks.closing import close_requested, ended_text
from bot.blocks.mediation import RequestView, mediator_joined, mediator_request
from bot.blocks.messages import thread_welcome
from bot.blocks.parties import parties_added
from bot.blocks.perspectives import (
    both_sides,
    perspective_message,
    reveal_intro,
    sealed_notice,
)
from bot.blocks.proposals import (
    ProposalView,
    accepted_blocks,
    proposal_message,
    proposal_settled,
)
from bot.blocks.status_card import card_text, status_card
from bot.delivery.calls import Call, Ctx, Delivered, Kind, Post, Skip, Update
from bot.i18n import _
from bot.payloads import DraftButton
from bot.services import disputes, mediation, proposals, turns
from bot.services.followups import next_checkin
from bot.services.next_step import next_step
from bot.services.opening import account_given_in
from bot.services.policy import EVERYONE, effective_policy
from bot.slack.approvals_view import approval_view
from bot.slack.sides import card_names, org_name, side_name, side_names
from models import (
    ActionItem,
    Agreement,
    AgreementStatus,
    MediatorRequest,
    MediatorRequestStatus,
    OutboxMessage,
    Perspective,
    Proposal,
    ProposalStatus,
    Side,
)


# ----- the status card ------------------------------------------------------------------------
def _card_blocks(ctx: Ctx) -> list[dict[str, Any]]:
    d = ctx.d
    return status_card(
        d,
        next_step(ctx.session, d),
        card_names(ctx.names, d),
        next_checkin(ctx.session, d.id),
        description=not account_given_in(ctx.session, d),
        due=turns.due_by_side(ctx.session, d),
    )


def _card(ctx: Ctx) -> Call:
    return Post(card_text(ctx.d), _card_blocks(ctx), unfurl=False, permalink=True)


def _card_posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
    dispute = session.get(disputes.Dispute, row.dispute_id)
    if dispute is not None and done.ts:
        disputes.attach_thread(session, dispute, thread_ts=done.ts, permalink=done.permalink, actor=None)


def _card_update(ctx: Ctx) -> Call:
    return Update(ctx.thread(), card_text(ctx.d), _card_blocks(ctx))


def _welcome(ctx: Ctx) -> Call:
    sealed = effective_policy(ctx.session, ctx.d.team_id, ctx.d.channel_id).seal_perspectives
    text, blocks = thread_welcome(ctx.d, card_names(ctx.names, ctx.d), sealed)
    return Post(text, blocks, thread_ts=ctx.thread())


# ----- messages that are posted once and then updated in place --------------------------------
def living_message(
    model: type[Proposal] | type[Agreement] | type[MediatorRequest],
    param: str,
    render: Callable[[Ctx, Any], tuple[str, list]],
) -> tuple[Kind, Kind]:
    """Kinds for a message that stands for a row (a proposal, an agreement): posted once, its ts
    kept on the row (`message_ts`), then updated in place as the row changes."""
    what = model.__name__.lower()

    def post(ctx: Ctx) -> Call:
        text, blocks = render(ctx, ctx.load(model, param, what))
        return Post(text, blocks, thread_ts=ctx.thread())

    def posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
        found = cast(Proposal | Agreement | MediatorRequest | None, session.get(model, row.params[param]))
        if found is not None:
            found.message_ts = done.ts

    def update(ctx: Ctx) -> Call:
        found = ctx.load(model, param, what)
        if not found.message_ts:
            raise Skip(f"the {what}'s message was never posted")
        text, blocks = render(ctx, found)
        return Update(found.message_ts, text, blocks)

    return Kind(post, posted), Kind(update)


# ----- proposals ------------------------------------------------------------------------------
def _proposal(ctx: Ctx) -> Proposal:
    return ctx.load(Proposal, "proposal", "proposal")


def _render_proposal(ctx: Ctx, proposal: Proposal) -> tuple[str, list]:
    d = ctx.d
    names = card_names(ctx.names, d)
    author = proposal.author
    other = Side.CLIENT if author.side == Side.PROVIDER else Side.PROVIDER
    rule = effective_policy(ctx.session, d.team_id, d.channel_id).approvals_required
    view = ProposalView(
        author=ctx.names.describe(author.team_id, author.user_id),
        answering=[p.user_id for p in d.parties if p.side == other],
        between=(names.org(Side.PROVIDER), names.org(Side.CLIENT)),
        binding=rule != EVERYONE and author.can_approve,
        decided_by=(
            ctx.names.describe(proposal.decided_by.team_id, proposal.decided_by.user_id)
            if proposal.decided_by
            else None
        ),
        answers=_label(ctx.session.get(Proposal, proposal.supersedes_id) if proposal.supersedes_id else None),
        replaced_by=_replaced_by(ctx, proposal),
    )
    return proposal_message(proposal, view)


def _label(proposal: Proposal | None) -> str | None:
    return proposal.label if proposal is not None else None


def _replaced_by(ctx: Ctx, proposal: Proposal) -> str | None:
    if proposal.status != ProposalStatus.SUPERSEDED:
        return None
    newer = proposals.replaced_by(ctx.session, proposal)
    return newer.label if newer else None


def _proposal_settled(ctx: Ctx) -> Call:
    proposal = _proposal(ctx)
    verb = ctx.params["verb"]
    text = proposal_settled(verb, ctx.who(), proposal)
    blocks = (
        accepted_blocks(text, DraftButton(d=ctx.d.id, p=proposal.id).encode()) if verb == "accepted" else None
    )
    return Post(text, blocks, thread_ts=ctx.thread())


# ----- agreements -----------------------------------------------------------------------------
def _agreement(ctx: Ctx) -> Agreement:
    return ctx.load(Agreement, "agreement", "agreement")


def _render_agreement(ctx: Ctx, agreement: Agreement) -> tuple[str, list]:
    later = None
    if agreement.status == AgreementStatus.SUPERSEDED:
        later = ctx.session.scalar(
            select(Agreement.version)
            .where(Agreement.dispute_id == agreement.dispute_id, Agreement.version > agreement.version)
            .order_by(Agreement.version.desc())
            .limit(1)
        )
    view = approval_view(ctx.names, ctx.d, agreement)
    source = ctx.session.get(Proposal, agreement.proposal_id) if agreement.proposal_id else None
    if source is not None:
        view.changed = changes_from(source, agreement)
    return agreement_blocks(ctx.d, agreement, view, superseded_by=later)


def _changes(ctx: Ctx) -> Call:
    return Post(changes_requested(ctx.who(), _agreement(ctx), ctx.params["what"]), thread_ts=ctx.thread())


# ----- perspectives ---------------------------------------------------------------------------
def _perspective(ctx: Ctx) -> Call:
    perspective = ctx.load(Perspective, "perspective", "perspective")
    author = ctx.names.describe(perspective.party.team_id, perspective.party.user_id)
    text, blocks = perspective_message(perspective, author)
    return Post(text, blocks, thread_ts=ctx.thread())


def _perspective_posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
    perspective = session.get(Perspective, row.params["perspective"])
    if perspective is not None:
        perspective.posted_ts = done.ts


def _sealed(ctx: Ctx) -> Call:
    waiting = side_names(ctx.names, ctx.d, ctx.params.get("waiting", []))
    return Post(sealed_notice(ctx.who(), waiting), thread_ts=ctx.thread())


def _both_sides(ctx: Ctx) -> Call:
    """Both sides' accounts in one message, once both have told theirs."""
    found = [ctx.session.get(Perspective, i) for i in ctx.params["perspectives"]]
    accounts = [(ctx.names.describe(p.party.team_id, p.party.user_id), p) for p in found if p]
    if not accounts:
        raise Skip("the perspectives are gone")
    part, parts = int(ctx.params.get("part", 0)), int(ctx.params.get("parts", 1))
    text, blocks = both_sides(ctx.d.reference, accounts, first=part == 0, last=part == parts - 1)
    return Post(text, blocks, thread_ts=ctx.thread())


def _both_sides_posted(session: Session, row: OutboxMessage, done: Delivered) -> None:
    for perspective_id in row.params["perspectives"]:
        perspective = session.get(Perspective, perspective_id)
        if perspective is not None:
            perspective.posted_ts = done.ts


def _revealed(ctx: Ctx) -> Call:
    """(Rows from before both sides' accounts went out in one message.)"""
    text, blocks = reveal_intro(ctx.d.reference)
    return Post(text, blocks, thread_ts=ctx.thread())


# ----- what people did ------------------------------------------------------------------------
def _parties_added(ctx: Ctx) -> Call:
    return Post(parties_added(ctx.params["added"], ctx.params["by"][1]), thread_ts=ctx.thread())


def _mediator_joined(ctx: Ctx) -> Call:
    return Post(
        mediator_joined(ctx.d, ctx.who(), ctx.params["mediator"], ctx.params["reason"]),
        thread_ts=ctx.thread(),
    )


def _render_mediator_request(ctx: Ctx, asked: MediatorRequest) -> tuple[str, list]:
    d = ctx.d
    deciding = mediation.deciding_side(d, asked)
    mediator = mediation.mediator_of(d, asked)
    view = RequestView(
        asked_by=ctx.names.describe(asked.requested_by_team, asked.requested_by_user),
        mediator_from=(org_name(ctx.names, d, asked.from_side) or side_name(ctx.names, d, asked.from_side))
        if asked.from_side
        else None,
        deciding=side_name(ctx.names, d, deciding) if deciding else None,
        deciders=[p.user_id for p in d.parties if deciding and p.side == deciding],
        accepted_by_both=mediator is not None and mediator.accepted_sides >= set(mediation.SIDES),
        declined_by=side_name(ctx.names, d, mediation.other(asked.requested_side))
        if asked.status == MediatorRequestStatus.DECLINED
        else None,
    )
    return mediator_request(d, asked, view)


def _new_date(ctx: Ctx) -> Call:
    item = ctx.load(ActionItem, "item", "action item")
    return Post(
        new_date_set(ctx.d, ctx.who(), item, date.fromisoformat(ctx.params["when"])), thread_ts=ctx.thread()
    )


def _reopened(ctx: Ctx) -> Call:
    return Post(reopened(ctx.d, ctx.who()), thread_ts=ctx.thread())


def _resolved(ctx: Ctx) -> Call:
    clients = [p.user_id for p in ctx.d.parties if p.side == Side.CLIENT]
    text, blocks = resolved(ctx.d, ctx.who(), clients)
    return Post(text, blocks, thread_ts=ctx.thread(), witness=ctx.params.get("trail"))


def _ended(ctx: Ctx) -> Call:
    return Post(ended_text(ctx.d, ctx.who(), ctx.params["how"]), thread_ts=ctx.thread())


def _close_requested(ctx: Ctx) -> Call:
    asked = ctx.d.close_requested_side
    waiting = side_name(ctx.names, ctx.d, mediation.other(asked)) if asked else _("the other side")
    return Post(close_requested(ctx.d, ctx.who(), ctx.params["reason"], waiting), thread_ts=ctx.thread())


PROPOSAL, PROPOSAL_UPDATE = living_message(Proposal, "proposal", _render_proposal)
MEDIATOR_REQUEST, MEDIATOR_REQUEST_UPDATE = living_message(
    MediatorRequest, "request", _render_mediator_request
)
AGREEMENT, AGREEMENT_UPDATE = living_message(Agreement, "agreement", _render_agreement)

THREAD_KINDS: dict[str, Kind] = {
    "card": Kind(_card, _card_posted),
    "card.update": Kind(_card_update),
    "welcome": Kind(_welcome),
    "proposal": PROPOSAL,
    "proposal.update": PROPOSAL_UPDATE,
    "proposal.settled": Kind(_proposal_settled),
    "agreement": AGREEMENT,
    "agreement.update": AGREEMENT_UPDATE,
    "agreement.changes": Kind(_changes),
    "perspective": Kind(_perspective, _perspective_posted),
    "perspective.sealed": Kind(_sealed),
    "perspective.revealed": Kind(_revealed),  # rows from before "perspectives.revealed"
    "perspectives.revealed": Kind(_both_sides, _both_sides_posted),
    "parties.added": Kind(_parties_added),
    "mediator.joined": Kind(_mediator_joined),  # rows from before requests were kept
    "mediator.request": MEDIATOR_REQUEST,
    "mediator.request.update": MEDIATOR_REQUEST_UPDATE,
    "item.new_date": Kind(_new_date),
    "dispute.reopened": Kind(_reopened),
    "dispute.resolved": Kind(_resolved),
    "dispute.ended": Kind(_ended),
    "dispute.close_requested": Kind(_close_requested),
}
