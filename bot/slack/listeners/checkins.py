"""Answers to check-ins, and what they lead to: resolution and feedback, a new date, reopening,
or a request for a mediator."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks.checkins import (
    feedback_modal,
    new_date_modal,
)
from bot.payloads import CheckInAnswer, DisputeButton, ItemButton, ItemMeta
from bot.services import aftercare, disputes
from bot.services.parties import require_party
from bot.services.people import Person
from bot.slack.buttons import button_value, metadata
from bot.slack.context import Deps, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.forms.item_rows import today_for
from bot.slack.listen import REPEAT_IS_HARMLESS, lazily
from bot.slack.listeners.closing import ask_for_lessons
from bot.slack.work import on_dispute
from models import Side


def register(app: App, deps: Deps) -> None:
    names = deps.directory

    def on_answer(value: str):  # noqa: ANN202 - a listener for one of the three buttons
        def listener(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
            ref = button_value(body, CheckInAnswer)
            with on_dispute(deps, context, ref.d, party="answer check-ins") as work:
                done = aftercare.answer(work.session, work.dispute, ref.c, ref.i, work.party, value,
                                        actor=work.actor)
                work.say_by_actor("checkin.update", checkin=ref.c, item=done.item.id, value=value)
                if value == "not_yet":
                    work.say_by_actor("checkin.not_yet", item=done.item.id)
                elif done.all_done:
                    work.say("checkin.all_done")
            if value == "partly":
                tell_privately(client, body, "Thanks. Parley will ask again at the next check-in.")
        listener.__name__ = f"on_checkin_{value}"
        return listener

    lazily(app.action(ids.CHECKIN_DONE), once=deps.db)(on_answer("done"))
    lazily(app.action(ids.CHECKIN_PARTLY), once=deps.db)(on_answer("partly"))
    lazily(app.action(ids.CHECKIN_NOT_YET), once=deps.db)(on_answer("not_yet"))

    @lazily(app.action(ids.CONFIRM_RESOLVED), once=deps.db)
    def on_confirm(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, DisputeButton)
        with on_dispute(deps, context, ref.d, party="confirm the outcome") as work:
            aftercare.confirm_resolved(work.session, work.dispute, work.party, actor=work.actor)
            work.say_by_actor("dispute.resolved")
            work.update_card()
            ask_for_lessons(work)

    @lazily(app.action(ids.NOT_RESOLVED), once=REPEAT_IS_HARMLESS)
    def on_not_resolved(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, DisputeButton)
        with deps.db.read() as session:
            dispute = disputes.load(session, host_team_id(context), ref.d)
            require_party(dispute, context["actor"], "answer this")
        tell_privately(client, body, "Thanks for saying so. Tell the other side in this thread what is "
                                     "still missing; if you are stuck, *Request a mediator* or "
                                     "*Reopen the dispute* are on the last check-in.")

    @lazily(app.action(ids.GIVE_FEEDBACK), once=REPEAT_IS_HARMLESS)
    def on_feedback(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, DisputeButton)
        actor: Person = context["actor"]
        with deps.db.read() as session:
            dispute = disputes.load(session, host_team_id(context), ref.d)
            party = require_party(dispute, actor, "give feedback")
            if party.side != Side.CLIENT:
                tell_privately(client, body, "Feedback is asked of the client side. Thank you all the same.")
                return
            view = feedback_modal(dispute)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def check_feedback(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        meta = metadata(view, DisputeButton)
        rating = state.selected(view["state"]["values"], ids.B_RATING, ids.A_RATING)
        comment = state.text(view["state"]["values"], ids.B_COMMENT, ids.A_COMMENT)
        if meta is None or rating not in {"1", "2", "3", "4", "5"} or len(comment) > 1000:
            ack(response_action="errors", errors={ids.B_RATING: (
                "Choose a rating from 1 to 5." if meta else "This form is out of date.")})
            return
        context["form"] = {"meta": meta, "rating": int(rating), "comment": comment}
        ack()

    @lazily(app.view(ids.FEEDBACK_MODAL), ack=check_feedback, once=deps.db)
    def on_feedback_submit(client: WebClient, context: BoltContext) -> None:
        form = context["form"]
        actor: Person = context["actor"]
        with deps.db.transaction() as session:
            dispute = disputes.load(session, host_team_id(context), form["meta"].d, lock=True)
            party = require_party(dispute, actor, "give feedback")
            fresh = aftercare.record_feedback(session, dispute, party, form["rating"], form["comment"],
                                              actor=actor)
        tell_privately(client, {"user": {"id": actor.user_id}},
                       "Thank you for your feedback." if fresh else
                       "You had already given feedback on this dispute; the first one counts.")

    @lazily(app.action(ids.NEW_DATE), once=REPEAT_IS_HARMLESS)
    def on_new_date(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, ItemButton)
        with deps.db.read() as session:
            dispute = disputes.load(session, host_team_id(context), ref.d)
            require_party(dispute, context["actor"], "set a new date")
            aftercare.require_agreed(dispute, "set a new date")
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
            ack(response_action="errors", errors={ids.B_NEW_DATE: "Pick a date."})
            return
        if when < today_for(names, actor.user_id):
            ack(response_action="errors", errors={ids.B_NEW_DATE: "The new date is in the past; pick today or later."})
            return
        context["form"] = {"meta": meta, "when": when}
        ack()

    @lazily(app.view(ids.NEW_DATE_MODAL), ack=check_new_date, once=deps.db)
    def on_new_date_submit(client: WebClient, context: BoltContext) -> None:
        form = context["form"]
        actor: Person = context["actor"]
        with deps.db.read() as session:
            opener = disputes.load(session, host_team_id(context), form["meta"].d).opened_by_user
        tz = names.lookup(opener).tz
        today = today_for(names, actor.user_id)
        with on_dispute(deps, context, form["meta"].d, party="set a new date") as work:
            item = aftercare.item_of(work.session, work.dispute, form["meta"].i)
            aftercare.new_date(work.session, work.dispute, item.id, form["when"], actor=actor,
                               tz=tz, today=today)
            work.say_by_actor("item.new_date", item=item.id, when=form["when"].isoformat())
            work.update_card()

    @lazily(app.action(ids.REOPEN), once=deps.db)
    def on_reopen(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ref = button_value(body, ItemButton)
        with on_dispute(deps, context, ref.d, party="reopen the dispute") as work:
            aftercare.reopen(work.session, work.dispute, actor=work.actor,
                             why="an action item was not done")
            work.say_by_actor("dispute.reopened")
            work.update_card()
