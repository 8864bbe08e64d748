"""Proposals in the dispute thread: propose, counter, accept, decline, withdraw."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks import messages
from bot.blocks.proposals import (
    ProposalValues,
    counter_posted_alone,
    decline_modal,
    proposal_modal,
    reason_too_long,
)
from bot.i18n import _
from bot.payloads import (
    DeclineMeta,
    DisputeButton,
    ProposalButton,
    ProposalMeta,
)
from bot.services import agreements, disputes, proposals
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_party, require_side
from bot.services.people import Person
from bot.services.policy import effective_policy
from bot.services.proposals import MAX_ITEMS
from bot.slack.buttons import StaleButton, button_value, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.evidence_work import attach_from_form, check_files, copy_files, limits_of, offered, tell
from bot.slack.forms import form_state as state
from bot.slack.forms.item_rows import today_for
from bot.slack.forms.proposal_form import read_values, validate
from bot.slack.forms.tone_gate import note_to_show
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.listeners.agreements import announce_in_effect, checkin_zone
from bot.slack.work import on_dispute
from models import Dispute, Party, Proposal

log = logging.getLogger("parley.proposals")


def _modal(
    session: Session,
    team: str,
    actor: Person,
    meta: ProposalMeta,
    values: ProposalValues | None = None,
    tone: list[str] | None = None,
    *,
    files: tuple[int, int] = (10, 10),
) -> dict[str, Any]:
    """The proposal modal; a counter-proposal starts from the proposal it answers. `files`: how
    many files it takes, and how many MB each (the settings')."""
    dispute = disputes.load(session, team, meta.d)
    # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
    party = require_side(dispute, actor, _("propose solutions"))
    # Translators: completes "D-7 is closed, so you can no longer …."
    disputes.require_active(dispute, _("propose solutions"))
    label = None
    if meta.counter is not None:
        original = proposals.get(session, dispute, meta.counter)
        if values is None:  # opening the form: check before pre-filling
            # Translators: completes "As the mediator you stay neutral, so you can't … P-2."
            proposals.check_can_answer(session, original, party, "counter")
            values = ProposalValues.from_proposal(original)
            meta = meta.model_copy(update={"rows": max(1, len(values.items))})
        label = original.label
    return proposal_modal(
        dispute, meta, values or ProposalValues(), counter_label=label, tone=tone, files=files
    )


def _files(context: BoltContext) -> tuple[int, int]:
    settings = deps_of(context).settings
    return settings.evidence_max_files, settings.evidence_max_file_mb


def _open_form(client: WebClient, body: dict[str, Any], context: BoltContext, meta: ProposalMeta) -> None:
    with deps_of(context).db.read() as session:
        view = _modal(session, host_team_id(context), context["actor"], meta, files=_files(context))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_propose(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Propose a solution" button: an empty proposal form."""
    _open_form(client, body, context, ProposalMeta(d=button_value(body, DisputeButton).d))


def on_counter(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Counter-propose" button: the form, filled in with the proposal it answers."""
    ref = button_value(body, ProposalButton)
    _open_form(client, body, context, ProposalMeta(d=ref.d, counter=ref.p))


def on_add_row(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """One more action item row in the open form (what was typed so far is kept)."""
    view = body.get("view") or {}
    meta = metadata(view, ProposalMeta)
    if meta is None:
        raise StaleButton()
    values = read_values((view.get("state") or {}).get("values") or {}, meta.rows)
    meta = meta.model_copy(update={"rows": min(MAX_ITEMS, meta.rows + 1)})
    with deps_of(context).db.read() as session:
        new_view = _modal(
            session, host_team_id(context), context["actor"], meta, values, files=_files(context)
        )
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)


def check_proposal(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    meta = metadata(view, ProposalMeta)
    if meta is None:
        ack(response_action="errors", errors={ids.B_PR_SUMMARY: messages.form_out_of_date()})
        return
    actor: Person = context["actor"]
    team = host_team_id(context)
    values = read_values(view["state"]["values"], meta.rows)
    draft = validate(values, author_id=actor.user_id, directory=deps.directory)
    files = offered(view["state"]["values"], ids.B_PR_FILES, ids.A_PR_FILES)
    errors: dict[str, str] = draft if isinstance(draft, dict) else {}
    check_files(errors, ids.B_PR_FILES, files, limits_of(deps.settings))
    if errors or isinstance(draft, dict):
        ack(response_action="errors", errors=errors)
        return
    tone, key = note_to_show(deps.tone, meta.tone, values.summary, values.details)
    if tone:
        with deps.db.read() as session:
            again = _modal(
                session,
                team,
                actor,
                meta.model_copy(update={"tone": key}),
                values,
                tone,
                files=_files(context),
            )
        ack(response_action="update", view=again)
        return
    context["form"] = {
        "meta": meta,
        "actor": actor,
        "team": team,
        "values": values,
        "draft": draft,
        "files": files,
    }
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    """The proposal is posted in the thread; a counter-proposal supersedes the one it answers
    (if that one is still open; if not, the person is told privately)."""
    deps = deps_of(context)
    form = context["form"]
    meta = form["meta"]
    with on_dispute(context, meta.d, side=_("propose solutions")) as work:
        done = proposals.propose(
            work.session, work.dispute, work.member, form["draft"], actor=work.actor, counter_of=meta.counter
        )
        attached, problem = attach_from_form(
            work,
            form.get("files", []),
            source="proposal",
            settings=deps.settings,
            proposal_id=done.proposal.id,
        )
        work.say(MessageKind.PROPOSAL, proposal=done.proposal.id)
        if done.superseded:
            work.say(MessageKind.PROPOSAL_UPDATE, proposal=done.superseded.id)
        work.update_card()  # its "Next" line now waits for the other side's answer
        gone = (
            proposals.describe_state(done.counter_target_gone, work.session)
            if done.counter_target_gone
            else None
        )
    if gone:
        tell_privately(
            client, {"user": {"id": work.actor.user_id}}, counter_posted_alone(gone, done.proposal)
        )
    tell(client, work.dispute, work.actor, copy_files(deps, client, attached), refused_all=problem)


Step = Callable[[Session, Dispute, Proposal, Party, Person], None]


def _settle(context: BoltContext, ref: ProposalButton | DeclineMeta, step: Step, verb: str) -> None:
    """Decide a proposal (`step`), then say so in the thread and update its message."""
    # Translators: completes "Only the parties to D-7 can …."
    with on_dispute(context, ref.d, party=_("answer proposals")) as work:
        proposal = proposals.get(work.session, work.dispute, ref.p)
        step(work.session, work.dispute, proposal, work.member, work.actor)
        work.say_by_actor(MessageKind.PROPOSAL_SETTLED, proposal=proposal.id, verb=verb)
        work.say(MessageKind.PROPOSAL_UPDATE, proposal=proposal.id)
        work.update_card()


def _accept_only(s: Session, d: Dispute, p: Proposal, party: Party, actor: Person) -> None:
    proposals.answer(s, d, p, party, accept=True, actor=actor)


def _withdraw(s: Session, d: Dispute, p: Proposal, party: Party, actor: Person) -> None:
    proposals.withdraw(s, d, p, party, actor=actor)


def on_accept(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Accept" button (its confirm dialog said so): accepting is agreeing. The agreement
    is made from the proposal and approved by its author and by the person accepting; in
    effect at once when that is all the policy asks, else posted for the others' approval. The
    proposal's message shows the acceptance in place."""
    deps = deps_of(context)
    ref = button_value(body, ProposalButton)
    if ref.b is None:  # an Accept button from before, whose dialog did not say it binds
        _settle(context, ref, _accept_only, "accepted")
        return
    with deps.db.read() as session:
        opener = disputes.load(session, host_team_id(context), ref.d).opened_by_user
    tz = checkin_zone(deps, opener)
    today = today_for(deps.directory, context["actor"].user_id)
    with on_dispute(context, ref.d, party=_("answer proposals")) as work:
        proposal = proposals.get(work.session, work.dispute, ref.p)
        proposals.answer(work.session, work.dispute, proposal, work.member, accept=True, actor=work.actor)
        policy = effective_policy(work.session, work.dispute.team_id, work.dispute.channel_id)
        outcome = agreements.accept_as_agreement(
            work.session,
            work.dispute,
            proposal,
            work.member,
            actor=work.actor,
            approvals_rule=policy.approvals_required,
            checkin_days=policy.checkin_days,
            tz=tz,
            today=today,
        )
        work.say(MessageKind.PROPOSAL_UPDATE, proposal=proposal.id)
        if outcome.ratified:
            announce_in_effect(work, outcome)
        else:
            work.say(MessageKind.AGREEMENT, agreement=outcome.agreement.id)
            if outcome.superseded is not None:
                work.say(MessageKind.AGREEMENT_UPDATE, agreement=outcome.superseded.id)
            work.update_card()


def on_decline(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Decline" button: the form for an (optional) reason."""
    ref = button_value(body, ProposalButton)
    actor: Person = context["actor"]
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        proposal = proposals.get(session, dispute, ref.p)
        party = require_party(dispute, actor, _("answer proposals"))
        # Translators: completes "As the mediator you stay neutral, so you can't … P-2."
        proposals.check_can_answer(session, proposal, party, "decline")
        view = decline_modal(proposal, dispute)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_decline(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    meta = metadata(view, DeclineMeta)
    reason = state.text(view["state"]["values"], ids.B_DECLINE_REASON, ids.A_DECLINE_REASON)
    if meta is None or len(reason) > 1000:
        ack(
            response_action="errors",
            errors={ids.B_DECLINE_REASON: (reason_too_long() if meta else messages.form_out_of_date())},
        )
        return
    context["form"] = {"meta": meta, "reason": reason}
    ack()


def on_decline_submit(client: WebClient, context: BoltContext) -> None:
    """The proposal is declined, with the reason given."""
    form = context["form"]
    meta = form["meta"]
    reason = form["reason"]

    def decline(s: Session, d: Dispute, p: Proposal, party: Party, actor: Person) -> None:
        proposals.answer(s, d, p, party, accept=False, actor=actor, reason=reason)

    _settle(context, meta, decline, "declined")


def on_withdraw(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Withdraw" button (only the author may)."""
    _settle(context, button_value(body, ProposalButton), _withdraw, "withdrawn")


LISTENERS = (
    On("action", ids.PROPOSE, on_propose, REPEAT_IS_HARMLESS),
    On("action", ids.COUNTER_PROPOSAL, on_counter, REPEAT_IS_HARMLESS),
    On("action", ids.ADD_ITEM_ROW, on_add_row, REPEAT_IS_HARMLESS),
    On("view", ids.PROPOSAL_MODAL, on_submit, ONCE, ack=check_proposal),
    On("action", ids.ACCEPT_PROPOSAL, on_accept, ONCE),
    On("action", ids.DECLINE_PROPOSAL, on_decline, REPEAT_IS_HARMLESS),
    On("view", ids.DECLINE_MODAL, on_decline_submit, ONCE, ack=check_decline),
    On("action", ids.WITHDRAW_PROPOSAL, on_withdraw, ONCE),
)
