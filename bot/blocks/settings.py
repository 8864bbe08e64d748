"""`/dispute settings`: the workspace's policy (or one channel's overrides), for admins."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.agreements import CHECKIN_CHOICES
from bot.blocks.inputs import input_block, multi_user_select, option, static_select
from bot.blocks.text import Mrkdwn, channel_link, context, md, mrkdwn, plain
from bot.payloads import SettingsMeta
from bot.services.policy import EVERYONE, ONE_PER_SIDE, EffectivePolicy

MAX_MEDIATORS = 20  # the picker's limit; also what the policy's column holds
NUDGE_DAYS = {str(d): f"{d} business day{'s' if d > 1 else ''}" for d in (1, 2, 3, 5, 10)}
AGREEMENT_DAYS = {str(d): f"{d} days" for d in (3, 5, 7, 14, 21, 30)}

ONLY_ADMINS = "Only workspace admins and owners can change Parley's settings."
ESCALATION_NOT_INTERNAL = ("That channel is shared with another organization (or Parley can't see "
                           "it). Choose an internal channel and invite Parley to it.")
CHOOSE_FROM_LISTS = "Choose from the lists."
CHOOSE_CHECKINS = "Choose check-ins from the list."


def _radio(action_id: str, choices: dict[str, Any], initial: str) -> dict[str, Any]:
    """`choices`: value → label; a label that is a text object (mrkdwn) is used as it is."""
    options = [{"text": v, "value": k} if isinstance(v, dict) else option(k, v) for k, v in choices.items()]
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": action_id, "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def settings_modal(channel_id: str, policy: EffectivePolicy) -> dict[str, Any]:
    days = [option(str(d), f"{d} days after it takes effect") for d in CHECKIN_CHOICES]
    checkins: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_S_CHECKINS, "options": days}
    chosen = [o for o in days if int(o["value"]) in policy.checkin_days]
    if chosen:
        checkins["initial_options"] = chosen
    escalation: dict[str, Any] = {"type": "conversations_select", "action_id": ids.A_S_ESCALATION,
                                  "filter": {"include": ["public", "private"],
                                             "exclude_external_shared_channels": True},
                                  "placeholder": plain("An internal channel")}
    if policy.escalation_channel:
        escalation["initial_conversation"] = policy.escalation_channel
    return {
        "type": "modal", "callback_id": ids.SETTINGS_MODAL, "title": plain("Parley settings"),
        "submit": plain("Save"), "close": plain("Cancel"),
        "private_metadata": SettingsMeta(channel=channel_id).encode(),
        "blocks": [
            input_block(ids.B_S_SCOPE, "Apply to", _radio(ids.A_S_SCOPE, {
                "workspace": "The whole workspace", "channel": mrkdwn(md("Only {channel}", channel=channel_link(channel_id)))}, "workspace")),
            input_block(ids.B_S_CHECKINS, "Check-ins after an agreement", checkins, optional=True),
            input_block(ids.B_S_NUDGE, "Remind a side to share its perspective after", static_select(
                ids.A_S_NUDGE, NUDGE_DAYS, initial=str(policy.perspective_nudge_days))),
            input_block(ids.B_S_AGREEMENT, "Remind when there is no agreement after", static_select(
                ids.A_S_AGREEMENT, AGREEMENT_DAYS, initial=str(policy.agreement_nudge_days))),
            input_block(ids.B_S_ESCALATION, "Escalation channel", escalation, optional=True,
                        hint="Internal only: Parley refuses a channel shared with another organization."),
            input_block(ids.B_S_MEDIATORS, "Mediators", multi_user_select(
                ids.A_S_MEDIATORS, max_selected=MAX_MEDIATORS, initial=list(policy.mediators)), optional=True),
            input_block(ids.B_S_SEAL, "Perspectives", _radio(ids.A_S_SEAL, {
                "sealed": "Sealed until both sides have shared", "open": "Posted as they come"},
                "sealed" if policy.seal_perspectives else "open")),
            input_block(ids.B_S_APPROVALS, "Agreements need", _radio(ids.A_S_APPROVALS, {
                ONE_PER_SIDE: "One approver from each organization", EVERYONE: "Every party"},
                policy.approvals_required)),
            context("Every change is recorded in the audit trail."),
        ],
    }


def too_many_mediators() -> str:
    return f"Choose at most {MAX_MEDIATORS} mediators."


def settings_saved(channel_id: str) -> Mrkdwn:
    """`channel_id`: the channel the settings are for; empty for the whole workspace."""
    where = channel_link(channel_id) if channel_id else "the whole workspace"
    return md("Parley's settings for {where} are saved.", where=where)
