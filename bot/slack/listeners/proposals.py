"""Proposals in the dispute thread: propose, counter, accept, decline, withdraw."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.proposals import (
    ProposalValues,
    decline_modal,
    proposal_modal,
)
from bot.blocks.text import md
from bot.payloads import (
    DeclineMeta,
    DisputeButton,
    ProposalButton,
    ProposalMeta,
)
from bot.services import disputes, proposals
from bot.services.parties import require_party, require_side
from bot.services.people import Person
from bot.services.proposals import MAX_ITEMS
from bot.slack.buttons import StaleButton, button_value, metadata
from bot.slack.context import Deps, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.forms.proposal_form import read_values, validate
from bot.slack.forms.tone_gate import note_to_show
from bot.slack.listen import REPEAT_IS_HARMLESS, lazily
from bot.slack.work import on_dispute
from models import Dispute, Party, Proposal

log = logging.getLogger("parley.proposals")


def register(app: App, deps: Deps) -> None:
    def modal(session: Session, team: str, actor: Person, meta: ProposalMeta,
              values: ProposalValues | None = None, tone: list[str] | None = None) -> dict[str, Any]:
        """The proposal modal; a counter-proposal starts from the proposal it answers."""
        dispute = disputes.load(session, team, meta.d)
        party = require_side(dispute, actor, "propose solutions")
        disputes.require_active(dispute, "propose solutions")
        label = None
        if meta.counter is not None:
            original = proposals.get(session, dispute, meta.counter)
            if values is None:  # opening the form: check before pre-filling
                proposals.check_can_answer(session, original, party, "counter")
                values = ProposalValues.from_proposal(original)
                meta = meta.model_copy(update={"rows": max(1, len(values.items))})
            label = original.label
        return proposal_modal(dispute, meta, values or ProposalValues(), counter_label=label,
                              tone=tone)

    def open_form(client: WebClient, body: dict[str, Any], context: BoltContext,
                  meta: ProposalMeta) -> None:
        with deps.db.read() as session:
            view = modal(session, host_team_id(context), context["actor"], meta)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @lazily(app.action(ids.PROPOSE), once=REPEAT_IS_HARMLESS)
    def on_propose(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        open_form(client, body, context, ProposalMeta(d=button_value(body, DisputeButton).d))

    @lazily(app.action(ids.COUNTER_PROPOSAL), once=REPEAT_IS_HARMLESS)
    def on_counter(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, ProposalButton)
        open_form(client, body, context, ProposalMeta(d=ref.d, counter=ref.p))

    @lazily(app.action(ids.ADD_ITEM_ROW), once=REPEAT_IS_HARMLESS)
    def on_add_row(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        view = body.get("view") or {}
        meta = metadata(view, ProposalMeta)
        if meta is None:
            raise StaleButton()
        values = read_values((view.get("state") or {}).get("values") or {}, meta.rows)
        meta = meta.model_copy(update={"rows": min(MAX_ITEMS, meta.rows + 1)})
        with deps.db.read() as session:
            new_view = modal(session, host_team_id(context), context["actor"], meta, values)
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)

    def check_proposal(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        meta = metadata(view, ProposalMeta)
        if meta is None:
            ack(response_action="errors", errors={
                ids.B_PR_SUMMARY: "This form is out of date. Close it and use the button in the thread again."})
            return
        actor: Person = context["actor"]
        team = host_team_id(context)
        values = read_values(view["state"]["values"], meta.rows)
        draft = validate(values, author_id=actor.user_id, directory=deps.directory)
        if isinstance(draft, dict):
            ack(response_action="errors", errors=draft)
            return
        tone, key = note_to_show(deps.tone, meta.tone, values.summary, values.details)
        if tone:
            with deps.db.read() as session:
                again = modal(session, team, actor, meta.model_copy(update={"tone": key}), values, tone)
            ack(response_action="update", view=again)
            return
        context["form"] = {"meta": meta, "actor": actor, "team": team, "values": values, "draft": draft}
        ack()

    @lazily(app.view(ids.PROPOSAL_MODAL), ack=check_proposal, once=deps.db)
    def on_submit(client: WebClient, context: BoltContext) -> None:
        form = context["form"]
        meta = form["meta"]
        with on_dispute(deps, context, meta.d, side="propose solutions") as work:
            done = proposals.propose(work.session, work.dispute, work.party, form["draft"],
                                     actor=work.actor, counter_of=meta.counter)
            work.say("proposal", proposal=done.proposal.id)
            if done.superseded:
                work.say("proposal.update", proposal=done.superseded.id)
            if done.status_changed:
                work.update_card()
            gone = (proposals.describe_state(done.counter_target_gone, work.session)
                    if done.counter_target_gone else None)
        if gone:
            tell_privately(client, {"user": {"id": work.actor.user_id}},
                           md("{gone} Your counter-proposal was posted as {label} on its own.",
                              gone=gone, label=done.proposal.label))

    def settle(context: BoltContext, ref: ProposalButton | DeclineMeta,
               step: Callable[[Session, Dispute, Proposal, Party, Person], None], verb: str) -> None:
        with on_dispute(deps, context, ref.d, party="answer proposals") as work:
            proposal = proposals.get(work.session, work.dispute, ref.p)
            step(work.session, work.dispute, proposal, work.party, work.actor)
            work.say_by_actor("proposal.settled", proposal=proposal.id, verb=verb)
            work.say("proposal.update", proposal=proposal.id)

    def accept(s: Session, d: Dispute, p: Proposal, party: Party, actor: Person) -> None:
        proposals.answer(s, d, p, party, accept=True, actor=actor)

    def withdraw(s: Session, d: Dispute, p: Proposal, party: Party, actor: Person) -> None:
        proposals.withdraw(s, d, p, party, actor=actor)

    @lazily(app.action(ids.ACCEPT_PROPOSAL), once=deps.db)
    def on_accept(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        settle(context, button_value(body, ProposalButton), accept, "accepted")

    @lazily(app.action(ids.DECLINE_PROPOSAL), once=REPEAT_IS_HARMLESS)
    def on_decline(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, ProposalButton)
        actor: Person = context["actor"]
        with deps.db.read() as session:
            dispute = disputes.load(session, host_team_id(context), ref.d)
            proposal = proposals.get(session, dispute, ref.p)
            party = require_party(dispute, actor, "answer proposals")
            proposals.check_can_answer(session, proposal, party, "decline")
            view = decline_modal(proposal, dispute)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def check_decline(ack: Ack, view: dict[str, Any], client: WebClient,
                          context: BoltContext) -> None:
        meta = metadata(view, DeclineMeta)
        reason = state.text(view["state"]["values"], ids.B_DECLINE_REASON, ids.A_DECLINE_REASON)
        if meta is None or len(reason) > 1000:
            ack(response_action="errors", errors={ids.B_DECLINE_REASON: (
                "Please keep the reason under 1,000 characters." if meta else
                "This form is out of date. Close it and use the button in the thread again.")})
            return
        context["form"] = {"meta": meta, "reason": reason}
        ack()

    @lazily(app.view(ids.DECLINE_MODAL), ack=check_decline, once=deps.db)
    def on_decline_submit(client: WebClient, context: BoltContext) -> None:
        form = context["form"]
        meta = form["meta"]
        reason = form["reason"]

        def decline(s: Session, d: Dispute, p: Proposal, party: Party, actor: Person) -> None:
            proposals.answer(s, d, p, party, accept=False, actor=actor, reason=reason)

        settle(context, meta, decline, "declined")

    @lazily(app.action(ids.WITHDRAW_PROPOSAL), once=deps.db)
    def on_withdraw(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        settle(context, button_value(body, ProposalButton), withdraw, "withdrawn")
