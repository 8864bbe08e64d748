"""Settling the amount privately: the card menu's "Settle the amount privately" and its form, the
other side joining or declining, each side's approver entering its limit in a private form,
and, when the limits overlap, the settled amount becoming the agreement the way an accepted
proposal does (bot/services/settlements.py holds the rules)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import i18n, ids
from bot.blocks import messages
from bot.blocks.proposals import DETAILS_MAX, SUMMARY_MAX
from bot.blocks.settlements import ask_modal, limit_modal, sealed_note
from bot.i18n import N_, _
from bot.payloads import DisputeButton, SettleAskMeta, SettlementButton
from bot.services import agreements, disputes, proposals, settlements
from bot.services.errors import NotAllowed
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_side
from bot.services.people import Person
from bot.services.policy import effective_policy
from bot.services.proposals import ProposalDraft
from bot.services.settlements import BadLimit, Outcome, RoundOver, Terms
from bot.services.vocabulary import CURRENCIES, REMEDIES, format_amount, parse_amount
from bot.slack.buttons import button_value, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.forms import form_state as state
from bot.slack.forms.form_checks import required_text
from bot.slack.forms.item_rows import today_for
from bot.slack.forms.proposal_form import read_values
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.listeners.agreements import announce_in_effect, checkin_zone
from bot.slack.sides import card_names
from bot.slack.work import Work, on_dispute
from models import Dispute, Settlement, Side

# Translators: completes "Only the parties to D-7 can …." and "D-7 is closed, so you can no longer …."
ASKING = N_("settle the amount privately")  # translated where it is said: _(ASKING)


def on_start(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The card menu's "Settle the amount privately", or the proposal form's "Not sure of the
    figure?": the form that asks the other side (over the proposal form, from there)."""
    ref = button_value(body, DisputeButton)
    deps = deps_of(context)
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        require_side(dispute, context["actor"], _(ASKING))
        disputes.require_active(dispute, _(ASKING))
        if settlements.active_for(session, dispute.id) is not None:
            # Translators: {ref} is the dispute's reference, such as D-7.
            busy = _("{ref} is already settling its amount privately: see its thread.")
            raise NotAllowed(busy.format(ref=dispute.reference))
    names = card_names(deps.directory, dispute)
    form = body.get("view") if isinstance(body.get("view"), dict) else None
    terms = None
    if form is not None:  # from inside the proposal form: its words so far go with the amount
        typed = read_values(((form.get("state") or {}).get("values")) or {}, 1)
        terms = (typed.summary, typed.details, typed.remedy)
    view = ask_modal(
        dispute, SettleAskMeta(d=dispute.id), names.org(Side.PROVIDER), names.org(Side.CLIENT), terms
    )
    if form is not None:
        client.views_push(trigger_id=body["trigger_id"], view=view)
    else:
        client.views_open(trigger_id=body["trigger_id"], view=view)


def check_ask(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = metadata(view, SettleAskMeta)
    values = view["state"]["values"]
    payer = state.selected(values, ids.B_ST_PAYER, ids.A_ST_PAYER)
    currency = state.selected(values, ids.B_ST_CURRENCY, ids.A_ST_CURRENCY)
    raw = state.line(values, ids.B_ST_AMOUNT, ids.A_ST_AMOUNT)
    errors: dict[str, str] = {}
    if meta is None:
        errors[ids.B_ST_AMOUNT] = messages.form_out_of_date()
    if payer not in (Side.PROVIDER, Side.CLIENT):
        errors[ids.B_ST_PAYER] = _("Choose who would pay whom.")
    if currency not in CURRENCIES:
        errors[ids.B_ST_CURRENCY] = _("Choose the currency.")
    amount = None
    try:
        amount = parse_amount(raw)
    except ValueError as error:
        errors[ids.B_ST_AMOUNT] = str(error) + "."
    terms = None
    if ids.B_ST_SUMMARY in values:  # asked from the proposal form
        summary = state.line(values, ids.B_ST_SUMMARY, ids.A_ST_SUMMARY)
        details = state.text(values, ids.B_ST_DETAILS, ids.A_ST_DETAILS)
        remedy = state.selected(values, ids.B_ST_REMEDY, ids.A_ST_REMEDY)
        required_text(errors, ids.B_ST_SUMMARY, summary, SUMMARY_MAX, _("Sum the proposal up in one line."))
        required_text(
            errors, ids.B_ST_DETAILS, details, DETAILS_MAX, _("Describe the proposal in a few sentences.")
        )
        if remedy not in REMEDIES:
            errors[ids.B_ST_REMEDY] = _("Choose the kind of remedy.")
        terms = Terms(summary, details, remedy or "other")
    if errors or meta is None or amount is None:
        ack(response_action="errors", errors=errors)
        return
    context["form"] = {"d": meta.d, "payer": payer, "currency": currency, "amount": amount, "terms": terms}
    ack()


def on_ask(client: WebClient, context: BoltContext) -> None:
    form = context["form"]
    with on_dispute(context, form["d"], side=_(ASKING)) as work:
        policy = effective_policy(work.session, work.dispute.team_id, work.dispute.channel_id)
        found = settlements.ask(
            work.session,
            work.dispute,
            work.actor,
            currency=form["currency"],
            payer_side=form["payer"],
            in_question=form["amount"],
            max_rounds=policy.settle_rounds,
            days=policy.settle_days,
            step=Decimal(policy.settle_step) if policy.settle_step else None,
            tell_bands=policy.settle_bands,
            terms=form.get("terms"),
        )
        work.say(MessageKind.SETTLEMENT, settlement=found.id)


def _settlement(work: Work, ref: SettlementButton) -> Settlement:
    found = work.session.get(Settlement, ref.s)
    if found is None or found.dispute_id != work.dispute.id:
        raise RoundOver(_("That private settlement no longer exists."))
    return found


def on_join(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """ "Join" (its confirm dialog said what happens on an overlap): round 1 opens."""
    ref = button_value(body, SettlementButton)
    # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
    with on_dispute(context, ref.d, side=_("join a private settlement")) as work:
        found = _settlement(work, ref)
        settlements.join(work.session, work.dispute, found, work.actor)
        work.say(MessageKind.SETTLEMENT_UPDATE, settlement=found.id)


def on_decline(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, SettlementButton)
    # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
    with on_dispute(context, ref.d, side=_("decline a private settlement")) as work:
        found = _settlement(work, ref)
        settlements.decline(work.session, work.dispute, found, work.actor)
        work.say(MessageKind.SETTLEMENT_UPDATE, settlement=found.id)


def on_withdraw(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, SettlementButton)
    # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
    with on_dispute(context, ref.d, side=_("stop a private settlement")) as work:
        found = _settlement(work, ref)
        settlements.withdraw(work.session, work.dispute, found, work.actor)
        work.say(MessageKind.SETTLEMENT_UPDATE, settlement=found.id)


def on_limit(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """ "Enter your side's limit": the private form, for the side's approver only."""
    ref = button_value(body, SettlementButton)
    deps = deps_of(context)
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        party = require_side(dispute, context["actor"], _("enter your side's limit"))
        found = session.get(Settlement, ref.s)
        if found is None or found.dispute_id != dispute.id or found.round != ref.r or found.status != "open":
            raise RoundOver(_("That round has ended; the thread says where the private settlement stands."))
        if not party.can_approve:
            raise NotAllowed(_("Only someone who approves for your side can enter its limit."))
        if any(o.round == found.round and o.side == party.side for o in found.offers):
            raise RoundOver(_("Your side's limit for this round is already sealed."))
        earlier = [o.limit_amount for o in found.offers if o.side == party.side]
        pays = party.side == found.payer_side
        other_side = Side.CLIENT if party.side == Side.PROVIDER else Side.PROVIDER
    other = card_names(deps.directory, dispute).org(other_side)  # with no transaction open
    view = limit_modal(dispute, found, ref, pays=pays, other=other, previous=earlier[-1] if earlier else None)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_limit(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """The limit is checked here, inline: a number, in the currency's unit, not absurd, and in a
    new round only toward the other side. Nothing of it is logged."""
    meta = metadata(view, SettlementButton)
    raw = state.line(view["state"]["values"], ids.B_ST_LIMIT, ids.A_ST_LIMIT)
    if meta is None:
        ack(response_action="errors", errors={ids.B_ST_LIMIT: messages.form_out_of_date()})
        return
    actor: Person = context["actor"]
    with deps_of(context).db.read() as session:
        found = session.get(Settlement, meta.s)
        dispute = session.get(Dispute, meta.d)
        try:
            if found is None or dispute is None:
                raise RoundOver(_("That private settlement no longer exists."))
            amount = settlements.parse_limit(raw, found)
            party = dispute.party_of(actor.team_id, actor.user_id)
            earlier = [o.limit_amount for o in found.offers if party is not None and o.side == party.side]
            if earlier and party is not None:
                pays = party.side == found.payer_side
                if (pays and amount < earlier[-1]) or (not pays and amount > earlier[-1]):
                    raise BadLimit(
                        _("In a new round your side can only move toward the other: no less than before.")
                        if pays
                        else _(
                            "In a new round your side can only move toward the other: no more than before."
                        )
                    )
        except (BadLimit, RoundOver) as error:
            ack(response_action="errors", errors={ids.B_ST_LIMIT: error.message})
            return
    context["form"] = {"meta": meta, "amount": amount}
    ack()


def on_limit_submit(client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    form = context["form"]
    meta: SettlementButton = form["meta"]
    actor: Person = context["actor"]
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), meta.d)
        opener = dispute.opened_by_user
    # Slack's names, with no transaction open, for the proposal's words: recorded (and then the
    # agreement's, whose hash covers them), so in English whoever settles.
    with i18n.use(i18n.SOURCE):
        names = card_names(deps.directory, dispute)
        orgs: dict[str, str] = {side.value: names.org(side) for side in (Side.PROVIDER, Side.CLIENT)}
    tz = checkin_zone(deps, opener)
    today = today_for(deps.directory, actor.user_id)
    # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
    with on_dispute(context, meta.d, side=_("enter your side's limit")) as work:
        found = _settlement(work, SettlementButton(d=meta.d, s=meta.s, r=meta.r))
        outcome = settlements.submit(
            work.session, work.dispute, found, work.actor, form["amount"], round_=meta.r
        )
        work.say(MessageKind.SETTLEMENT_UPDATE, settlement=found.id)
        if outcome.kind == "settled" and outcome.amount is not None:
            _agree(work, found, outcome.amount, orgs=orgs, tz=tz, today=today)
        dispute = work.dispute
    _tell(client, dispute, actor, outcome, found.currency)


def _agree(
    work: Work, found: Settlement, amount: Decimal, *, orgs: dict[str, str], tz: str | None, today: Any
) -> None:
    """The settled amount is a proposal both sides' approvers accepted (each sealed a limit it
    lies within, having joined knowing so), and it becomes the agreement as any accepted
    proposal does."""
    offers = {o.side: o for o in found.offers if o.round == found.round}
    payer, receiver = offers[found.payer_side], offers[found.receiver_side]
    author = work.dispute.party_of(payer.submitted_by_team, payer.submitted_by_user)
    accepter = work.dispute.party_of(receiver.submitted_by_team, receiver.submitted_by_user)
    if author is None or accepter is None:
        raise RoundOver(_("An approver who sealed a limit is no longer in the dispute."))
    with i18n.use(i18n.SOURCE):  # the proposal's words are recorded: in English, not translated
        money = format_amount(amount, found.currency) or f"{amount} {found.currency}"
    how = (
        f"{orgs[found.payer_side]} pays {orgs[found.receiver_side]} {money}, settled privately: each "
        "side's approver entered a limit that nobody else saw, the two overlapped, and this is "
        "halfway between them, rounded."
    )
    draft = ProposalDraft(  # with the words of the proposal it was asked from, if it was
        summary=found.terms_summary or f"{orgs[found.payer_side]} pays {orgs[found.receiver_side]} {money}",
        details=f"{found.terms_details}\n\n{how}" if found.terms_details else how,
        remedy=found.terms_remedy or ("refund" if found.payer_side == Side.PROVIDER else "other"),
        amount=amount,
        currency=found.currency,
    )
    by_author = Person(author.team_id, author.user_id)
    by_accepter = Person(accepter.team_id, accepter.user_id)
    proposal = proposals.propose(work.session, work.dispute, author, draft, actor=by_author).proposal
    proposals.answer(work.session, work.dispute, proposal, accepter, accept=True, actor=by_accepter)
    found.proposal_id = proposal.id
    policy = effective_policy(work.session, work.dispute.team_id, work.dispute.channel_id)
    outcome = agreements.accept_as_agreement(
        work.session,
        work.dispute,
        proposal,
        accepter,
        actor=by_accepter,
        approvals_rule=policy.approvals_required,
        checkin_days=policy.checkin_days,
        tz=tz,
        today=today,
    )
    work.say(MessageKind.PROPOSAL, proposal=proposal.id)
    if outcome.ratified:
        announce_in_effect(work, outcome)
    else:
        work.say(MessageKind.AGREEMENT, agreement=outcome.agreement.id)
        work.update_card()


def _tell(client: WebClient, dispute: Dispute, actor: Person, outcome: Outcome, currency: str) -> None:
    amount = format_amount(outcome.amount, currency) if outcome.amount is not None else None
    with contextlib.suppress(SlackApiError):  # the thread's message says it too
        client.chat_postEphemeral(
            channel=dispute.channel_id,
            user=actor.user_id,
            thread_ts=dispute.thread_ts,
            text=sealed_note(outcome.kind, outcome.band, amount),
        )


LISTENERS = (
    On("action", ids.SETTLE_FROM_PROPOSAL, on_start, REPEAT_IS_HARMLESS),
    On("view", ids.SETTLE_ASK_MODAL, on_ask, ONCE, ack=check_ask),
    On("action", ids.SETTLE_JOIN, on_join, ONCE),
    On("action", ids.SETTLE_DECLINE, on_decline, ONCE),
    On("action", ids.SETTLE_WITHDRAW, on_withdraw, ONCE),
    On("action", ids.SETTLE_LIMIT, on_limit, REPEAT_IS_HARMLESS),
    On("view", ids.SETTLE_LIMIT_MODAL, on_limit_submit, ONCE, ack=check_limit),
)
