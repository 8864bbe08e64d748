"""Withdrawing or closing a dispute, and the internal lessons learned that follow."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.closing import (
    choose_a_root_cause,
    close_modal,
    lessons_modal,
    lessons_posted,
    lessons_saved,
    owner_from_your_team,
    say_what_should_change,
    say_why,
)
from bot.i18n import _
from bot.payloads import DisputeButton
from bot.services import closing, disputes, lessons, outbox
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_party
from bot.services.people import Person
from bot.services.policy import effective_policy
from bot.services.vocabulary import ROOT_CAUSES
from bot.slack.buttons import button_value, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.forms.people_check import resolve_people
from bot.slack.internal import is_internal_channel
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.work import Work, on_dispute
from models import Dispute


def ask_for_lessons(work: Work) -> None:
    """Owe a DM to the provider team's contact (internal by construction: one of its own
    people); nobody is asked when it has nobody in the dispute."""
    contact = lessons.host_contact(work.dispute)
    if contact is not None:
        outbox.say(
            work.session, work.dispute, MessageKind.LESSONS_REQUEST, channel_id=contact, notify=work.actor
        )


def _may_record(context: BoltContext, dispute: Dispute) -> dict[str, Any]:
    """What lessons.record needs to know of the person, from Slack (outside any transaction):
    whether they are an admin of the provider's workspace, and its name for the messages."""
    deps = deps_of(context)
    actor: Person = context["actor"]
    return {
        "is_admin": actor.team_id == dispute.team_id
        and deps.directory.is_admin_of(actor.user_id, dispute.team_id),
        # Translators: stands for the provider organization's name when Slack gives none.
        "org": deps.directory.team_name(dispute.team_id) or _("the provider"),
    }


def on_close(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        # Translators: completes "Only the parties to D-7 can …."
        party = require_party(dispute, context["actor"], _("close or withdraw it"))
        view = close_modal(dispute, closing.how_it_ends(dispute, party))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_close(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = metadata(view, DisputeButton)
    reason = state.text(view["state"]["values"], ids.B_CLOSE_REASON, ids.A_CLOSE_REASON)
    if meta is None or not reason:
        ack(
            response_action="errors",
            errors={ids.B_CLOSE_REASON: (say_why() if meta else messages.form_out_of_date())},
        )
        return
    context["form"] = {"meta": meta, "reason": reason}
    ack()


def on_close_submit(client: WebClient, context: BoltContext) -> None:
    form = context["form"]
    with on_dispute(context, form["meta"].d, party=_("close or withdraw it")) as work:
        outcome = closing.close(work.session, work.dispute, work.member, form["reason"], actor=work.actor)
        if outcome.ended:
            work.say_by_actor(MessageKind.DISPUTE_ENDED, how=outcome.ended)
        else:
            work.say_by_actor(MessageKind.DISPUTE_CLOSE_REQUESTED, reason=form["reason"])
        work.update_card()
        if outcome.ended:
            ask_for_lessons(work)


def on_lessons(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        _loaded = dispute.parties  # (not `_`: that is gettext's)
    lessons.require_may_record(dispute, context["actor"], **_may_record(context, dispute))
    client.views_open(trigger_id=body["trigger_id"], view=lessons_modal(dispute))


def check_lessons(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    values = view["state"]["values"]
    meta = metadata(view, DisputeButton)
    cause = state.selected(values, ids.B_ROOT_CAUSE, ids.A_ROOT_CAUSE)
    what = state.text(values, ids.B_CHANGE, ids.A_CHANGE)
    errors = {}
    if cause not in ROOT_CAUSES:
        errors[ids.B_ROOT_CAUSE] = choose_a_root_cause()
    if not what or len(what) > 2000:
        errors[ids.B_CHANGE] = say_what_should_change()
    if meta is None:
        errors[ids.B_ROOT_CAUSE] = messages.form_out_of_date()
    if errors:
        ack(response_action="errors", errors=errors)
        return
    owner = state.user(values, ids.B_LESSON_OWNER, ids.A_LESSON_OWNER)
    found, problem = resolve_people(deps_of(context).directory, [owner] if owner else [])
    if found and (found[0].person.team_id != host_team_id(context) or found[0].is_guest):
        problem = owner_from_your_team()
    if problem:
        ack(response_action="errors", errors={ids.B_LESSON_OWNER: problem})
        return
    context["form"] = {
        "meta": meta,
        "cause": cause,
        "what": what,
        "owner": found[0].person if found else None,
    }
    ack()


def on_lessons_submit(client: WebClient, context: BoltContext) -> None:
    """Lessons are internal: they go to the escalation channel only if Slack confirms, at
    delivery, that it is not shared with another organization."""
    deps = deps_of(context)
    form = context["form"]
    owner = form["owner"]
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), form["meta"].d)
        channel = effective_policy(session, dispute.team_id, dispute.channel_id).escalation_channel
        _loaded = dispute.parties  # (not `_`: that is gettext's)
    who = _may_record(context, dispute)
    lessons.require_may_record(dispute, context["actor"], **who)  # before asking Slack anything
    if channel and not is_internal_channel(client, channel):
        channel = None
    with on_dispute(context, form["meta"].d) as work:
        lesson = lessons.record(
            work.session,
            work.dispute,
            actor=work.actor,
            **who,
            root_cause=form["cause"],
            what=form["what"],
            owner=owner,
        )
        text = lessons_posted(work.dispute, lesson)
        if channel:
            outbox.say(
                work.session,
                work.dispute,
                MessageKind.INTERNAL_LESSONS,
                channel_id=channel,
                notify=work.actor,
                lesson=lesson.id,
            )
    tell_privately(client, {"user": {"id": work.actor.user_id}}, lessons_saved(channel, text))


LISTENERS = (
    On("action", ids.CLOSE_DISPUTE, on_close, REPEAT_IS_HARMLESS),
    On("view", ids.CLOSE_MODAL, on_close_submit, ONCE, ack=check_close),
    On("action", ids.RECORD_LESSONS, on_lessons, REPEAT_IS_HARMLESS),
    On("view", ids.LESSONS_MODAL, on_lessons_submit, ONCE, ack=check_lessons),
)
