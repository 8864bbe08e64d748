"""`/dispute settings` for workspace admins: the policy, per workspace or per channel, audited;
and handing the provider role in a shared channel to the other organization."""

from __future__ import annotations

from typing import Any, cast

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import String

from bot import ids
from bot.blocks import messages
from bot.blocks.agreements import CHECKIN_CHOICES
from bot.blocks.settings import (
    AGREEMENT_DAYS,
    CANNOT_HAND_OVER,
    CHOOSE_CHECKINS,
    CHOOSE_FROM_LISTS,
    ESCALATION_NOT_INTERNAL,
    MAX_MEDIATORS,
    NOT_YOUR_CHANNEL,
    NUDGE_DAYS,
    ONLY_ADMINS,
    SETTLE_CHOICES,
    STEP_CHOICES,
    WORKSPACE_LANGUAGE,
    handed_over,
    language_choices,
    settings_modal,
    settings_saved,
    too_many_mediators,
)
from bot.i18n import _
from bot.payloads import SettingsMeta
from bot.services import providers
from bot.services.errors import NotAllowed
from bot.services.people import Person
from bot.services.policy import EVERYONE, ONE_PER_SIDE, EffectivePolicy, effective_policy, set_policy
from bot.slack import installs
from bot.slack.buttons import metadata
from bot.slack.context import (
    Deps,
    channel_provider,
    deps_of,
    host_team_id,
    settle_provider,
)
from bot.slack.errors import tell_privately
from bot.slack.forms import form_state as state
from bot.slack.internal import is_internal_channel
from bot.slack.listen import ONCE, On
from models import Policy

DEFAULTS = EffectivePolicy()
MEDIATORS_COLUMN: int = cast(String, Policy.__table__.c.mediators.type).length or 0  # "U1,U2,…" must fit


def open_settings(client: WebClient, command: dict[str, Any], context: BoltContext) -> None:
    deps = deps_of(context)
    actor: Person = context["actor"]
    carrier = host_team_id(context)
    if not deps.directory.is_admin_of(actor.user_id, carrier):
        raise NotAllowed(_(ONLY_ADMINS))
    channel = command["channel_id"]
    with deps.db.read() as session:
        policy = effective_policy(session, carrier, channel)
        provider = channel_provider(session, context, channel)
    if provider == carrier:
        view = settings_modal(channel, policy, hand_over=_hand_over_choices(deps, client, channel, carrier))
    else:
        # Translators: stands for the provider organization's name when Slack gives none.
        name = deps.directory.team_name(provider) or _("another organization")
        view = settings_modal(channel, policy, provider=name)
    client.views_open(trigger_id=command["trigger_id"], view=view)


def _hand_over_choices(deps: Deps, client: WebClient, channel: str, own: str) -> dict[str, str]:
    """The organizations in the channel that the provider role can go to (they have installed
    Parley, in any-workspace mode), the admin's own first; empty when there is none."""
    if not deps.settings.multi_workspace or not channel.startswith(("C", "G")):
        return {}
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError:
        return {}
    teams = [
        t
        for t in (info.get("connected_team_ids") or info.get("shared_team_ids") or [])
        if isinstance(t, str) and t != own
    ]
    with deps.db.read() as session:
        others = installs.installed_teams(session, deps.settings.slack_client_id, teams)
    if not others:
        return {}
    name = deps.directory.team_name
    # Translators: a choice in a list of organizations; {organization} is the admin's own.
    mine = _("{organization} (your organization)").format(organization=name(own) or own)
    return {own: mine, **{t: name(t) or t for t in sorted(others)}}


def check(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    values = view["state"]["values"]
    meta = metadata(view, SettingsMeta)
    actor: Person = context["actor"]
    if meta is None or not deps.directory.is_admin_of(actor.user_id, host_team_id(context)):
        ack(
            response_action="errors",
            errors={ids.B_S_SCOPE: _(ONLY_ADMINS) if meta else messages.form_out_of_date_command()},
        )
        return
    escalation = state.conversation(values, ids.B_S_ESCALATION, ids.A_S_ESCALATION)
    if escalation and not is_internal_channel(client, escalation):
        ack(response_action="errors", errors={ids.B_S_ESCALATION: _(ESCALATION_NOT_INTERNAL)})
        return
    nudge = state.selected(values, ids.B_S_NUDGE, ids.A_S_NUDGE)
    answer = state.selected(values, ids.B_S_ANSWER, ids.A_S_ANSWER) or str(DEFAULTS.answer_nudge_days)
    approve = state.selected(values, ids.B_S_APPROVE, ids.A_S_APPROVE) or str(DEFAULTS.approve_nudge_days)
    language = state.selected(values, ids.B_S_LANGUAGE, ids.A_S_LANGUAGE) or WORKSPACE_LANGUAGE
    agreement = state.selected(values, ids.B_S_AGREEMENT, ids.A_S_AGREEMENT)
    approvals = state.selected(values, ids.B_S_APPROVALS, ids.A_S_APPROVALS)
    if (
        nudge not in NUDGE_DAYS
        or answer not in NUDGE_DAYS
        or approve not in NUDGE_DAYS
        or language not in language_choices()
        or agreement not in AGREEMENT_DAYS
        or approvals not in (ONE_PER_SIDE, EVERYONE)
    ):
        ack(response_action="errors", errors={ids.B_S_NUDGE: _(CHOOSE_FROM_LISTS)})
        return
    settle = state.selected(values, ids.B_S_SETTLE, ids.A_S_SETTLE) or "3-5"
    step = state.selected(values, ids.B_S_STEP, ids.A_S_STEP) or "cents"
    if settle not in SETTLE_CHOICES or step not in STEP_CHOICES:
        ack(response_action="errors", errors={ids.B_S_SETTLE: _(CHOOSE_FROM_LISTS)})
        return
    _label, settle_rounds, settle_days, settle_bands = SETTLE_CHOICES[settle]
    days = state.checked(values, ids.B_S_CHECKINS, ids.A_S_CHECKINS)
    mediators = state.users(values, ids.B_S_MEDIATORS, ids.A_S_MEDIATORS)
    if not set(days) <= {str(d) for d in CHECKIN_CHOICES}:
        ack(response_action="errors", errors={ids.B_S_CHECKINS: _(CHOOSE_CHECKINS)})
        return
    if len(mediators) > MAX_MEDIATORS or len(",".join(mediators)) > MEDIATORS_COLUMN:
        ack(response_action="errors", errors={ids.B_S_MEDIATORS: too_many_mediators()})
        return
    scope = state.selected(values, ids.B_S_SCOPE, ids.A_S_SCOPE)
    carrier = host_team_id(context)
    with deps.db.read() as session:
        provider = channel_provider(session, context, meta.channel)
    if scope == "channel" and provider != carrier:  # a modal from before a hand-over
        ack(response_action="errors", errors={ids.B_S_SCOPE: _(NOT_YOUR_CHANNEL)})
        return
    hand_to = state.selected(values, ids.B_S_PROVIDER, ids.A_S_PROVIDER)
    if hand_to in (None, carrier):
        hand_to = None
    elif provider != carrier or hand_to not in meta.offer:  # what the modal offered, no more
        ack(response_action="errors", errors={ids.B_S_PROVIDER: _(CANNOT_HAND_OVER)})
        return
    context["form"] = {
        "hand_to": hand_to,
        "in": meta.channel,
        "channel": meta.channel if scope == "channel" else "",
        "changes": {
            "checkin_days": ",".join(days),
            "perspective_nudge_days": int(nudge),
            "answer_nudge_days": int(answer),
            "approve_nudge_days": int(approve),
            "language": None if language == WORKSPACE_LANGUAGE else language,
            "agreement_nudge_days": int(agreement),
            "escalation_channel": escalation,
            "mediators": ",".join(mediators) or None,
            "seal_perspectives": state.selected(values, ids.B_S_SEAL, ids.A_S_SEAL) != "open",
            "approvals_required": approvals,
            "settle_rounds": settle_rounds,
            "settle_days": settle_days,
            "settle_bands": settle_bands,
            "settle_step": None if step == "cents" else step,
        },
    }
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    form = context["form"]
    actor: Person = context["actor"]
    carrier = host_team_id(context)
    with deps.db.transaction() as session:
        if form["channel"] or form["hand_to"]:  # the channel's rules are the provider's
            settle_provider(session, context, form["in"], actor)
        set_policy(session, carrier, actor=actor, channel_id=form["channel"], **form["changes"])
        if form["hand_to"]:
            if not installs.installed_teams(session, deps.settings.slack_client_id, [form["hand_to"]]):
                raise NotAllowed(_(CANNOT_HAND_OVER))  # removed Parley since the modal opened
            providers.hand_over(session, form["in"], from_team=carrier, to_team=form["hand_to"], by=actor)
    saved = settings_saved(form["channel"])
    if form["hand_to"]:
        # Translators: stands for the organization's name when Slack gives none.
        to = deps.directory.team_name(form["hand_to"]) or _("the other organization")
        saved = handed_over(saved, form["in"], to)
    tell_privately(client, {"user": {"id": actor.user_id}}, saved)


LISTENERS = (On("view", ids.SETTINGS_MODAL, on_submit, ONCE, ack=check),)
