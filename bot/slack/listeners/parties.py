"""Adding a party from the thread (the opener, or a mediator)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.parties import add_party_modal, no_newcomers, only_opener_or_mediator
from bot.i18n import _
from bot.payloads import AddPartyMeta, DisputeButton
from bot.services import disputes
from bot.services.errors import NotAllowed
from bot.services.message_kinds import MessageKind
from bot.services.parties import add_parties, can_manage, of_the_two, third_organization
from bot.services.people import Person
from bot.slack.buttons import button_value, metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.forms import form_state as state
from bot.slack.forms.people_check import resolve_people
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.work import on_dispute


def on_add(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    ref = button_value(body, DisputeButton)
    with deps.db.read() as session:
        dispute = disputes.load(session, host_team_id(context), ref.d)
        if not can_manage(dispute, context["actor"]):
            raise NotAllowed(only_opener_or_mediator(dispute))
        # Translators: completes "D-7 is closed, so you can no longer …."
        disputes.require_active(dispute, _("add parties"))
        view = add_party_modal(dispute)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_new_parties(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    meta = metadata(view, AddPartyMeta)
    picked = state.users(view["state"]["values"], ids.B_NEW_PARTIES, ids.A_NEW_PARTIES)
    actor: Person = context["actor"]
    newcomers, problem = resolve_people(deps_of(context).directory, [u for u in picked if u != actor.user_id])
    if meta is None:
        problem = messages.form_out_of_date()
    elif not newcomers and not problem:
        problem = no_newcomers()
    if not problem and meta is not None:
        with deps_of(context).db.read() as session:  # whose dispute it is: one indexed read
            dispute = disputes.load(session, host_team_id(context), meta.d)
            if not all(of_the_two(dispute, n) for n in newcomers):
                problem = third_organization(dispute.reference)
    if problem:
        ack(response_action="errors", errors={ids.B_NEW_PARTIES: problem})
        return
    context["form"] = {"meta": meta, "newcomers": newcomers, "actor": actor}
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    form = context["form"]
    with on_dispute(context, form["meta"].d) as work:
        disputes.require_active(work.dispute, _("add parties"))
        added = add_parties(work.session, work.dispute, form["newcomers"], actor=work.actor)
        work.say_by_actor(MessageKind.PARTIES_ADDED, added=[p.user_id for p in added])
        work.update_card()


LISTENERS = (
    On("action", ids.ADD_PARTY, on_add, REPEAT_IS_HARMLESS),
    On("view", ids.ADD_PARTY_MODAL, on_submit, ONCE, ack=check_new_parties),
)
