"""Answers to check-ins, and what they lead to: resolution and feedback, a new date, reopening,
or a request for a mediator."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.checkins import (
    ask_again_next_time,
    choose_a_rating,
    date_in_the_past,
    feedback_from_client_only,
    feedback_modal,
    feedback_thanks,
    new_date_modal,
    not_resolved_yet,
    pick_a_date,
)
from bot.i18n import _
from bot.payloads import CheckInAnswer, DisputeButton, ItemButton, ItemMeta
from bot.services import aftercare, disputes
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_party
from bot.services.people import Person
from bot.slack.buttons import button_value, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.forms.item_rows import today_for
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.listeners.closing import ask_for_lessons
from bot.slack.work import on_dispute
from models import Side


def on_checkin_done(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _answer("done", body, client, context)


def on_checkin_partly(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _answer("partly", body, client, context)


def on_checkin_not_yet(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    _answer("not_yet", body, client, context)


def _answer(value: str, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """One of the three buttons under a check-in's action item."""
    ref = button_value(body, CheckInAnswer)
    # Translators: completes "Only the parties to D-7 can …."
    with on_dispute(context, ref.d, party=_("answer check-ins")) as work:
        done = aftercare.answer(
            work.session, work.dispute, ref.c, ref.i, work.member, value, actor=work.actor
        )
        if done.next_checkin_moved:  # the card names it; the card goes first, as in the outbox
            work.update_card()
        work.say_by_actor(MessageKind.CHECKIN_UPDATE, checkin=ref.c, item=done.item.id, value=value)
        if value == "not_yet":
            work.say_by_actor(MessageKind.CHECKIN_NOT_YET, item=done.item.id)
        elif done.all_done:
            work.say(MessageKind.CHECKIN_ALL_DONE)
    if value == "partly":
        tell_privately(client, body, ask_again_next_time())


def on_confirm(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    # Translators: completes "Only the parties to D-7 can …."
    with on_dispute(context, ref.d, party=_("confirm the outcome")) as work:
        aftercare.confirm_resolved(work.session, work.dispute, work.member, actor=work.actor)
        work.say_by_actor(MessageKind.DISPUTE_RESOLVED, trail=work.trail_head())
        work.update_card()
        ask_for_lessons(work)


def on_not_resolved(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        # Translators: completes "Only the parties to D-7 can …."
        require_party(dispute, context["actor"], _("answer this"))
    tell_privately(client, body, not_resolved_yet())


def on_feedback(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    actor: Person = context["actor"]
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        # Translators: completes "Only the parties to D-7 can …."
        party = require_party(dispute, actor, _("give feedback"))
        if party.side != Side.CLIENT:
            tell_privately(client, body, feedback_from_client_only())
            return
        view = feedback_modal(dispute)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_feedback(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = metadata(view, DisputeButton)
    rating = state.selected(view["state"]["values"], ids.B_RATING, ids.A_RATING)
    comment = state.text(view["state"]["values"], ids.B_COMMENT, ids.A_COMMENT)
    if meta is None or rating not in {"1", "2", "3", "4", "5"} or len(comment) > 1000:
        ack(
            response_action="errors",
            errors={ids.B_RATING: (choose_a_rating() if meta else messages.form_out_of_date())},
        )
        return
    context["form"] = {"meta": meta, "rating": int(rating), "comment": comment}
    ack()


def on_feedback_submit(client: WebClient, context: BoltContext) -> None:
    form = context["form"]
    actor: Person = context["actor"]
    with deps_of(context).unit_of_work() as session:
        dispute = disputes.load(session, host_team_id(context), form["meta"].d, lock=True)
        party = require_party(dispute, actor, _("give feedback"))
        fresh = aftercare.record_feedback(
            session, dispute, party, form["rating"], form["comment"], actor=actor
        )
    tell_privately(client, {"user": {"id": actor.user_id}}, feedback_thanks(fresh))


def on_new_date(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, ItemButton)
    with deps_of(context).db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        # Translators: completes "Only the parties to D-7 can …."
        require_party(dispute, context["actor"], _("set a new date"))
        # Translators: completes "D-7 is resolved, so you can't … any more."
        aftercare.require_agreed(dispute, _("set a new date"))
        view = new_date_modal(dispute, aftercare.item_of(session, dispute, ref.i))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_new_date(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    meta = metadata(view, ItemMeta)
    raw = state.date(view["state"]["values"], ids.B_NEW_DATE, ids.A_NEW_DATE)
    actor: Person = context["actor"]
    try:
        when = date.fromisoformat(raw or "")
    except ValueError:
        when = None
    if meta is None or when is None:
        ack(response_action="errors", errors={ids.B_NEW_DATE: pick_a_date()})
        return
    if when < today_for(deps_of(context).directory, actor.user_id):
        ack(response_action="errors", errors={ids.B_NEW_DATE: date_in_the_past()})
        return
    context["form"] = {"meta": meta, "when": when}
    ack()


def on_new_date_submit(client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    names = deps.directory
    form = context["form"]
    actor: Person = context["actor"]
    with deps.db.read() as session:
        opener = disputes.load(session, host_team_id(context), form["meta"].d).opened_by_user
    tz = names.lookup(opener).tz
    today = today_for(names, actor.user_id)
    with on_dispute(context, form["meta"].d, party=_("set a new date")) as work:
        item = aftercare.item_of(work.session, work.dispute, form["meta"].i)
        aftercare.new_date(work.session, work.dispute, item.id, form["when"], actor=actor, tz=tz, today=today)
        work.say_by_actor(MessageKind.ITEM_NEW_DATE, item=item.id, when=form["when"].isoformat())
        work.update_card()


def on_reopen(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, ItemButton)
    # Translators: completes "Only the parties to D-7 can …."
    with on_dispute(context, ref.d, party=_("reopen the dispute")) as work:
        aftercare.reopen(work.session, work.dispute, actor=work.actor, why="an action item was not done")
        work.say_by_actor(MessageKind.DISPUTE_REOPENED)
        work.update_card()


LISTENERS = (
    On("action", ids.CHECKIN_DONE, on_checkin_done, ONCE),
    On("action", ids.CHECKIN_PARTLY, on_checkin_partly, ONCE),
    On("action", ids.CHECKIN_NOT_YET, on_checkin_not_yet, ONCE),
    On("action", ids.CONFIRM_RESOLVED, on_confirm, ONCE),
    On("action", ids.NOT_RESOLVED, on_not_resolved, REPEAT_IS_HARMLESS),
    On("action", ids.GIVE_FEEDBACK, on_feedback, REPEAT_IS_HARMLESS),
    On("view", ids.FEEDBACK_MODAL, on_feedback_submit, ONCE, ack=check_feedback),
    On("action", ids.NEW_DATE, on_new_date, REPEAT_IS_HARMLESS),
    On("view", ids.NEW_DATE_MODAL, on_new_date_submit, ONCE, ack=check_new_date),
    On("action", ids.REOPEN, on_reopen, ONCE),
)
