"""Agreements in the thread: draft or edit, approve with a button, request changes, and what
happens when the last required approval arrives."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks import messages
from bot.blocks.agreements import (
    AgreementValues,
    agreement_modal,
    already_approved,
    approval_recorded,
    changes_modal,
    say_what_should_change,
)
from bot.i18n import _
from bot.payloads import AgreementButton, AgreementMeta, ChangesMeta, DraftButton
from bot.services import agreements, disputes, outbox, proposals
from bot.services.errors import DomainError
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_party
from bot.services.people import Person
from bot.services.policy import effective_policy
from bot.services.proposals import MAX_ITEMS
from bot.slack.buttons import StaleButton, button_value, metadata
from bot.slack.context import Deps, deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.forms.agreement_form import read_values, validate
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.work import Work, on_dispute
from models import AgreementStatus, Dispute, Proposal

log = logging.getLogger("parley.agreements")


def _starting_values(
    session: Session, dispute: Dispute, proposal_id: int | None
) -> tuple[AgreementValues, int | None, int | None]:
    """(values, proposal it starts from, version being edited) for a new draft."""
    current = agreements.latest(session, dispute.id)
    if current is not None and current.status == AgreementStatus.PENDING and proposal_id is None:
        return AgreementValues.from_agreement(current), current.proposal_id, current.version
    days = list(effective_policy(session, dispute.team_id, dispute.channel_id).checkin_days)
    source: Proposal | None = None
    if proposal_id is not None:
        source = proposals.get(session, dispute, proposal_id)
    else:
        source = proposals.latest_accepted(session, dispute)
    if source is None:
        return AgreementValues(checkin_days=days), None, None
    editing = current.version if current is not None and current.status == AgreementStatus.PENDING else None
    return AgreementValues.from_proposal(source, days), source.id, editing


def _open_form(
    client: WebClient,
    body: dict[str, Any],
    context: BoltContext,
    dispute_id: int,
    proposal_id: int | None = None,
    agreement_id: int | None = None,
) -> None:
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), dispute_id)
        # Translators: completes "Only the parties to D-7 can …."
        require_party(dispute, context["actor"], _("draft the agreement"))
        agreements.ensure_changeable(session, dispute)
        editing: int | None
        if agreement_id is not None:
            agreement = agreements.get(session, dispute, agreement_id)
            if agreement.status != AgreementStatus.PENDING:
                raise DomainError(agreements.describe_state(session, agreement))
            values, source, editing = (
                AgreementValues.from_agreement(agreement),
                agreement.proposal_id,
                agreement.version,
            )
        else:
            values, source, editing = _starting_values(session, dispute, proposal_id)
        meta = AgreementMeta(d=dispute.id, p=source, rows=min(MAX_ITEMS, max(1, len(values.items))))
        view = agreement_modal(dispute, meta, values, editing=editing)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_draft(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Draft agreement" button: the form, from the accepted proposal (or the pending draft)."""
    ref = button_value(body, DraftButton)
    _open_form(client, body, context, ref.d, proposal_id=ref.p)


def on_edit(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Edit draft" button: the form, filled in with the pending version."""
    ref = button_value(body, AgreementButton)
    _open_form(client, body, context, ref.d, agreement_id=ref.a)


def on_add_row(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """One more action item row in the open form (what was typed so far is kept)."""
    view = body.get("view") or {}
    meta = metadata(view, AgreementMeta)
    if meta is None:
        raise StaleButton()
    values = read_values((view.get("state") or {}).get("values") or {}, meta.rows)
    meta = meta.model_copy(update={"rows": min(MAX_ITEMS, meta.rows + 1)})
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), meta.d)
        current = agreements.latest(session, dispute.id)
        editing = current.version if current and current.status == AgreementStatus.PENDING else None
        new_view = agreement_modal(dispute, meta, values, editing=editing)
    client.views_update(view_id=view["id"], hash=view.get("hash"), view=new_view)


def check_agreement(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    meta = metadata(view, AgreementMeta)
    if meta is None:
        ack(response_action="errors", errors={ids.B_AG_TERMS: messages.form_out_of_date()})
        return
    actor: Person = context["actor"]
    values = read_values(view["state"]["values"], meta.rows)
    data = validate(values, author_id=actor.user_id, directory=deps_of(context).directory, proposal_id=meta.p)
    if isinstance(data, dict):
        ack(response_action="errors", errors=data)
        return
    context["form"] = {"meta": meta, "actor": actor, "values": values, "data": data}
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    """A new version is posted for approval; the pending one (if any) is marked superseded."""
    form = context["form"]
    with on_dispute(context, form["meta"].d, party=_("draft the agreement")) as work:
        rule = effective_policy(
            work.session, work.dispute.team_id, work.dispute.channel_id
        ).approvals_required
        agreement, old = agreements.draft(
            work.session, work.dispute, work.member, form["data"], actor=work.actor, approvals_rule=rule
        )
        work.say(MessageKind.AGREEMENT, agreement=agreement.id)
        if old is not None:
            work.say(MessageKind.AGREEMENT_UPDATE, agreement=old.id)  # "Superseded by v2"
        work.update_card()


def on_approve(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Approving is bound to the hash shown on the button. The approval that completes the set
    ratifies the agreement, once; what follows (the announcement, the card, the file) is saved
    with it and delivered after the commit, however long Slack takes to answer."""
    deps = deps_of(context)
    ref = button_value(body, AgreementButton)
    with deps.db.read() as session:
        opener = disputes.load(session, host_team_id(context), ref.d).opened_by_user
    tz = checkin_zone(deps, opener)
    # Translators: completes "Only the parties to D-7 can …."
    with on_dispute(context, ref.d, party=_("approve the agreement")) as work:
        agreement = agreements.get(work.session, work.dispute, ref.a)
        outcome = agreements.approve(
            work.session, work.dispute, agreement, work.member, shown_hash=ref.h, actor=work.actor, tz=tz
        )
        if not outcome.already:
            work.say(MessageKind.AGREEMENT_UPDATE, agreement=agreement.id)
        if outcome.ratified:
            announce_in_effect(work, outcome)
        elif not outcome.already:
            work.update_card()  # its Next line: whose approval it still waits for
    if outcome.already:
        tell_privately(client, body, already_approved(agreement))
    elif not outcome.ratified:
        tell_privately(client, body, approval_recorded(agreement))


def announce_in_effect(work: Work, outcome: agreements.Approved) -> None:
    """An agreement took effect (in this transaction): one post says so in the thread, with the
    agreement's PDF attached, which carries the audit trail's head as it stands now (witnessed in
    both organizations' Slack); the card shows it, and the proposals it set aside say so. The
    Markdown file is for /dispute export.

    If Slack refuses the file, the same message goes in as text (bot/delivery/record_kinds.py):
    the person is told only if that fails too (`tell`), not about the file."""
    agreement = outcome.agreement
    if outcome.superseded is not None:
        work.say(MessageKind.AGREEMENT_UPDATE, agreement=outcome.superseded.id)
    outbox.say(
        work.session,
        work.dispute,
        MessageKind.AGREEMENT_IN_EFFECT,
        agreement=agreement.id,
        trail=work.trail_head(),
        tell=outbox.by_person(work.actor.team_id, work.actor.user_id),
    )
    for proposal in outcome.set_aside:
        work.say(MessageKind.PROPOSAL_UPDATE, proposal=proposal.id)
    work.update_card()


def checkin_zone(deps: Deps, user_id: str) -> str | None:
    """The time zone check-ins are counted in: the person who raised the dispute's."""
    try:
        return deps.directory.lookup(user_id).tz
    except SlackApiError:
        return None


def on_request_changes(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """The "Request changes" button: the form for saying what should change in a pending version."""
    ref = button_value(body, AgreementButton)
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        agreement = agreements.get(session, dispute, ref.a)
        # Translators: completes "Only the parties to D-7 can …."
        require_party(dispute, context["actor"], _("request changes"))
        if agreement.status != AgreementStatus.PENDING:
            raise DomainError(agreements.describe_state(session, agreement))
        view = changes_modal(dispute, agreement)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_changes(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    meta = metadata(view, ChangesMeta)
    what = state.text(view["state"]["values"], ids.B_CHANGES, ids.A_CHANGES)
    if meta is None or not what or len(what) > 1000:
        ack(
            response_action="errors",
            errors={
                ids.B_CHANGES: (messages.form_out_of_date() if meta is None else say_what_should_change())
            },
        )
        return
    context["form"] = {"meta": meta, "what": what}
    ack()


def on_changes(client: WebClient, context: BoltContext) -> None:
    """The requested changes, posted in the thread under the requester's name."""
    form = context["form"]
    with on_dispute(context, form["meta"].d, party=_("request changes")) as work:
        agreement = agreements.get(work.session, work.dispute, form["meta"].a)
        agreements.request_changes(
            work.session, work.dispute, agreement, work.member, form["what"], actor=work.actor
        )
        work.say_by_actor(MessageKind.AGREEMENT_CHANGES, agreement=agreement.id, what=form["what"])


LISTENERS = (
    On("action", ids.DRAFT_AGREEMENT, on_draft, REPEAT_IS_HARMLESS),
    On("action", ids.EDIT_AGREEMENT, on_edit, REPEAT_IS_HARMLESS),
    On("action", ids.ADD_AGREEMENT_ITEM_ROW, on_add_row, REPEAT_IS_HARMLESS),
    On("view", ids.AGREEMENT_MODAL, on_submit, ONCE, ack=check_agreement),
    On("action", ids.APPROVE_AGREEMENT, on_approve, ONCE),
    On("action", ids.REQUEST_CHANGES, on_request_changes, REPEAT_IS_HARMLESS),
    On("view", ids.CHANGES_MODAL, on_changes, ONCE, ack=check_changes),
)
