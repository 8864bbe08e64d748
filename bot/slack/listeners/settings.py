"""`/dispute settings` for workspace admins: the policy, per workspace or per channel, audited."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import messages
from bot.blocks.agreements import CHECKIN_CHOICES
from bot.blocks.settings import (
    AGREEMENT_DAYS,
    CHOOSE_CHECKINS,
    CHOOSE_FROM_LISTS,
    ESCALATION_NOT_INTERNAL,
    MAX_MEDIATORS,
    NUDGE_DAYS,
    ONLY_ADMINS,
    settings_modal,
    settings_saved,
    too_many_mediators,
)
from bot.payloads import SettingsMeta
from bot.services.errors import NotAllowed
from bot.services.people import Person
from bot.services.policy import EVERYONE, ONE_PER_SIDE, effective_policy, set_policy
from bot.slack.buttons import metadata
from bot.slack.context import deps_of, host_team_id
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.internal import is_internal_channel
from bot.slack.listen import ONCE, On
from models import Policy

MEDIATORS_COLUMN = Policy.__table__.c.mediators.type.length  # "U1,U2,…" must fit


def open_settings(client: WebClient, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    actor: Person = context["actor"]
    if not deps.directory.is_admin_of(actor.user_id, host_team_id(context)):
        raise NotAllowed(ONLY_ADMINS)
    with deps.db.read() as session:
        policy = effective_policy(session, host_team_id(context), command["channel_id"])
    client.views_open(trigger_id=command["trigger_id"], view=settings_modal(command["channel_id"], policy))


def check(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    values = view["state"]["values"]
    meta = metadata(view, SettingsMeta)
    actor: Person = context["actor"]
    if meta is None or not deps.directory.is_admin_of(actor.user_id, host_team_id(context)):
        ack(response_action="errors",
            errors={ids.B_S_SCOPE: ONLY_ADMINS if meta else messages.form_out_of_date_command()})
        return
    escalation = state.conversation(values, ids.B_S_ESCALATION, ids.A_S_ESCALATION)
    if escalation and not is_internal_channel(client, escalation):
        ack(response_action="errors", errors={ids.B_S_ESCALATION: ESCALATION_NOT_INTERNAL})
        return
    nudge = state.selected(values, ids.B_S_NUDGE, ids.A_S_NUDGE)
    agreement = state.selected(values, ids.B_S_AGREEMENT, ids.A_S_AGREEMENT)
    approvals = state.selected(values, ids.B_S_APPROVALS, ids.A_S_APPROVALS)
    if nudge not in NUDGE_DAYS or agreement not in AGREEMENT_DAYS or approvals not in (ONE_PER_SIDE, EVERYONE):
        ack(response_action="errors", errors={ids.B_S_NUDGE: CHOOSE_FROM_LISTS})
        return
    days = state.checked(values, ids.B_S_CHECKINS, ids.A_S_CHECKINS)
    mediators = state.users(values, ids.B_S_MEDIATORS, ids.A_S_MEDIATORS)
    if not set(days) <= {str(d) for d in CHECKIN_CHOICES}:
        ack(response_action="errors", errors={ids.B_S_CHECKINS: CHOOSE_CHECKINS})
        return
    if len(mediators) > MAX_MEDIATORS or len(",".join(mediators)) > MEDIATORS_COLUMN:
        ack(response_action="errors", errors={ids.B_S_MEDIATORS: too_many_mediators()})
        return
    scope = state.selected(values, ids.B_S_SCOPE, ids.A_S_SCOPE)
    context["form"] = {
        "channel": meta.channel if scope == "channel" else "",
        "changes": {
            "checkin_days": ",".join(days),
            "perspective_nudge_days": int(nudge), "agreement_nudge_days": int(agreement),
            "escalation_channel": escalation,
            "mediators": ",".join(mediators) or None,
            "seal_perspectives": state.selected(values, ids.B_S_SEAL, ids.A_S_SEAL) != "open",
            "approvals_required": approvals,
        },
    }
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    form = context["form"]
    actor: Person = context["actor"]
    with deps.db.transaction() as session:
        set_policy(session, host_team_id(context), actor=actor, channel_id=form["channel"],
                   **form["changes"])
    tell_privately(client, {"user": {"id": actor.user_id}}, settings_saved(form["channel"]))


LISTENERS = (
    On("view", ids.SETTINGS_MODAL, on_submit, ONCE, ack=check),
)
