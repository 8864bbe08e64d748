"""Requesting a mediator from the thread, and the other side's answer.

A mediator must be acceptable to both sides (bot/services/mediation.py). The asking side's
internal note goes to its own organization only: its escalation channel, or its colleagues in
the dispute by direct message; never to the other side, whose channels are not its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks import messages
from bot.blocks.mediation import (
    choose_one_mediator,
    mediator_modal,
    note_goes_to,
    say_why_both_sides_see,
)
from bot.i18n import _
from bot.payloads import DisputeButton, ItemButton, MediatorButton, decode
from bot.services import disputes, mediation, outbox
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_side
from bot.services.policy import effective_policy
from bot.slack import installs
from bot.slack.buttons import StaleButton, button_value, metadata
from bot.slack.context import Deps, deps_of, host_team_id
from bot.slack.forms import form_state as state
from bot.slack.forms.people_check import resolve_people
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.sides import side_name
from bot.slack.work import Work, on_dispute
from models import Dispute, Party, Side


@dataclass(frozen=True)
class NoteDestination:
    """Where the asking side's internal note goes: its organization's escalation channel, or
    direct messages to its colleagues in the dispute; `team`: whose installation sends it."""

    team: str
    channel: str | None
    colleagues: list[str]


def note_destination(session: Session, deps: Deps, dispute: Dispute, asker: Party) -> NoteDestination | None:
    """The asker's own organization's people: for the provider side, its escalation channel
    (its policy) or its other parties; for the client side, its own workspace's escalation
    channel where it has installed Parley, or its colleagues (the client side's other parties
    of the same workspace). None when there is nobody of theirs to tell."""
    team = asker.team_id
    colleagues = [
        p.user_id
        for p in dispute.parties
        if p.side == asker.side and p.team_id == team and p.user_id != asker.user_id
    ]
    if asker.side == Side.PROVIDER:
        channel = effective_policy(session, dispute.team_id, dispute.channel_id).escalation_channel
        return NoteDestination(dispute.team_id, channel, colleagues) if channel or colleagues else None
    installed = (
        team != dispute.team_id
        and deps.settings.multi_workspace
        and (installs.installation_of(session, deps.settings.slack_client_id, team) is not None)
    )
    channel = effective_policy(session, team, dispute.channel_id).escalation_channel if installed else None
    if channel:
        return NoteDestination(team, channel, colleagues)
    # Direct messages to the client's own people, sent by its installation where it has one.
    return NoteDestination(team if installed else dispute.team_id, None, colleagues) if colleagues else None


def open_form(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    names = deps.directory
    raw = (body.get("actions") or [{}])[0].get("value")
    ref = decode(DisputeButton, raw) or decode(ItemButton, raw)
    if ref is None:
        raise StaleButton()
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
        asker = require_side(dispute, context["actor"], _("request a mediator"))
        policy = effective_policy(session, dispute.team_id, dispute.channel_id)
        where = note_destination(session, deps, dispute, asker)
    view = mediator_modal(
        dispute,
        {u: names.lookup(u).name for u in policy.mediators},
        # Translators: stands for the provider organization's name when Slack gives none.
        list_owner=names.team_name(dispute.team_id) or _("the provider"),
        other_side=side_name(names, dispute, mediation.other(asker.side)),
        note_to=note_goes_to(where.channel, where.colleagues) if where else None,
    )
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
    people, problem = resolve_people(names, [listed or anyone or ""]) if (listed or anyone) else ([], None)
    if problem:
        errors[ids.B_MEDIATOR_ANYONE] = problem
    if errors:
        ack(response_action="errors", errors=errors)
        return
    context["form"] = {
        "meta": meta,
        "mediator": people[0],
        "reason": reason,
        "note": state.text(values, ids.B_MEDIATOR_NOTE, ids.A_MEDIATOR_NOTE),
    }
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    """The request is recorded and its message owed: the mediator joins at once, or waits for
    the other side. The note, if any, goes to the asking side's own people (delivered only if
    Slack confirms, at delivery, that a channel is not shared)."""
    form = context["form"]
    deps = deps_of(context)
    with on_dispute(context, form["meta"].d, side=_("request a mediator")) as work:
        asked = mediation.request(
            work.session,
            work.dispute,
            form["mediator"],
            asker=work.member,
            actor=work.actor,
            reason=form["reason"],
        )
        work.say(MessageKind.MEDIATOR_REQUEST, request=asked.request.id)
        work.update_card()
        if form["note"]:
            _send_note(work, deps, asked.request.user_id, form["note"])


def _send_note(work: Work, deps: Deps, mediator: str, note: str) -> None:
    where = note_destination(work.session, deps, work.dispute, work.member)
    if where is None:  # the form had no note field: a submission made some other way
        return
    sender = {"send_as": where.team} if where.team != work.dispute.team_id else {}
    for channel in [where.channel] if where.channel else where.colleagues:
        outbox.say(
            work.session,
            work.dispute,
            MessageKind.INTERNAL_MEDIATOR,
            channel_id=channel,
            notify=work.actor,
            mediator=mediator,
            note=note,
            **sender,
        )


def on_accept(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _answer(body, context, accept=True)


def on_decline(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _answer(body, context, accept=False)


def _answer(body: dict[str, Any], context: BoltContext, *, accept: bool) -> None:
    ref = button_value(body, MediatorButton)
    # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
    with on_dispute(context, ref.d, side=_("decide on a mediator")) as work:
        asked = mediation.get(work.session, work.dispute, ref.r)
        mediation.answer(work.session, work.dispute, asked, work.member, accept=accept, actor=work.actor)
        work.say(MessageKind.MEDIATOR_REQUEST_UPDATE, request=asked.id)
        work.update_card()


LISTENERS = (
    On("action", ids.ASK_MEDIATOR, open_form, REPEAT_IS_HARMLESS),
    On("action", ids.REQUEST_MEDIATOR, open_form, REPEAT_IS_HARMLESS),  # offered after a "Not yet"
    On("view", ids.MEDIATOR_MODAL, on_submit, ONCE, ack=check),
    On("action", ids.ACCEPT_MEDIATOR, on_accept, ONCE),
    On("action", ids.DECLINE_MEDIATOR, on_decline, ONCE),
)
