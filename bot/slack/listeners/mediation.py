"""Requesting a mediator from the thread: pick one of the team's mediators, or anyone."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.mediation import (
    choose_one_mediator,
    mediator_modal,
    say_why_both_sides_see,
)
from bot.payloads import DisputeButton, ItemButton, decode
from bot.services import disputes, mediation
from bot.services.parties import require_party
from bot.services.policy import effective_policy
from bot.slack.buttons import StaleButton, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.forms import form_state as state
from bot.slack.forms.people_check import resolve_people
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.work import on_dispute


def open_form(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    names = deps.directory
    raw = (body.get("actions") or [{}])[0].get("value")
    ref = decode(DisputeButton, raw) or decode(ItemButton, raw)
    if ref is None:
        raise StaleButton()
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        require_party(dispute, context["actor"], "request a mediator")
        policy = effective_policy(session, dispute.team_id, dispute.channel_id)
        view = mediator_modal(dispute, {u: names.lookup(u).name for u in policy.mediators})
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    names = deps_of(context).directory
    values = view["state"]["values"]
    meta = metadata(view, DisputeButton)
    listed = state.selected(values, ids.B_MEDIATOR_LISTED, ids.A_MEDIATOR_LISTED)
    anyone = state.user(values, ids.B_MEDIATOR_ANYONE, ids.A_MEDIATOR_ANYONE)
    reason = state.text(values, ids.B_MEDIATOR_REASON, ids.A_MEDIATOR_REASON)
    errors: dict[str, str] = {}
    if meta is None:
        errors[ids.B_MEDIATOR_REASON] = messages.form_out_of_date()
    if not reason:
        errors[ids.B_MEDIATOR_REASON] = say_why_both_sides_see()
    if bool(listed) == bool(anyone):
        errors[ids.B_MEDIATOR_ANYONE] = choose_one_mediator()
    people, problem = resolve_people(names, [listed or anyone]) if (listed or anyone) else ([], None)
    if problem:
        errors[ids.B_MEDIATOR_ANYONE] = problem
    if errors:
        ack(response_action="errors", errors=errors)
        return
    context["form"] = {"meta": meta, "mediator": people[0].person, "reason": reason,
                       "note": state.text(values, ids.B_MEDIATOR_NOTE, ids.A_MEDIATOR_NOTE)}
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    """The mediator joins; the thread is told, and the team's escalation channel gets an
    internal note (posted only if Slack confirms, at delivery, that it is not shared)."""
    form = context["form"]
    mediator = form["mediator"].user_id
    with on_dispute(context, form["meta"].d, party="request a mediator") as work:
        mediation.add_mediator(work.session, work.dispute, form["mediator"], actor=work.actor,
                               reason=form["reason"])
        work.say_by_actor("mediator.joined", mediator=mediator, reason=form["reason"])
        work.update_card()
        channel = effective_policy(work.session, work.dispute.team_id,
                                   work.dispute.channel_id).escalation_channel
        if channel:
            work.say("internal.mediator", channel_id=channel, mediator=mediator,
                     note=form["note"])


LISTENERS = (
    On("action", ids.ASK_MEDIATOR, open_form, REPEAT_IS_HARMLESS),
    On("action", ids.REQUEST_MEDIATOR, open_form, REPEAT_IS_HARMLESS),  # offered after a "Not yet"
    On("view", ids.MEDIATOR_MODAL, on_submit, ONCE, ack=check),
)
