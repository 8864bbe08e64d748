"""`/dispute settings`: the workspace's policy (or one channel's overrides), for admins."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.agreements import CHECKIN_CHOICES
from bot.blocks.inputs import input_block, multi_user_select, option, static_select
from bot.blocks.text import (
    Mrkdwn,
    button,
    channel_link,
    context,
    md,
    mrkdwn,
    plain,
    section,
)
from bot.payloads import EraseMeta, SettingsMeta
from bot.services.erasure import Holdings
from bot.services.policy import EVERYONE, ONE_PER_SIDE, EffectivePolicy

MAX_MEDIATORS = 20  # the picker's limit; also what the policy's column holds
NUDGE_DAYS = {str(d): f"{d} business day{'s' if d > 1 else ''}" for d in (1, 2, 3, 5, 10)}
AGREEMENT_DAYS = {str(d): f"{d} days" for d in (3, 5, 7, 14, 21, 30)}

ONLY_ADMINS = "Only workspace admins and owners can change Parley's settings."
ESCALATION_NOT_INTERNAL = (
    "That channel is shared with another organization (or Parley can't see "
    "it). Choose an internal channel and invite Parley to it."
)
CHOOSE_FROM_LISTS = "Choose from the lists."
CHOOSE_CHECKINS = "Choose check-ins from the list."
NOT_YOUR_CHANNEL = (
    "Another organization is the provider in this channel now, so its admins set "
    "the channel's rules. Choose the whole workspace."
)
CANNOT_HAND_OVER = (
    "Parley can only hand this channel to an organization that is in it and has installed Parley."
)


def _radio(action_id: str, choices: dict[str, Any], initial: str) -> dict[str, Any]:
    """`choices`: value → label; a label that is a text object (mrkdwn) is used as it is."""
    options = [{"text": v, "value": k} if isinstance(v, dict) else option(k, v) for k, v in choices.items()]
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": action_id, "options": options}
    chosen = next((o for o in options if o["value"] == initial), None)
    if chosen:
        element["initial_option"] = chosen
    return element


def settings_modal(
    channel_id: str,
    policy: EffectivePolicy,
    *,
    provider: str | None = None,
    hand_over: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`provider`: the name of the organization that is the provider in the channel, when it is
    not the admin's own (this channel's rules are then theirs to set); `hand_over`: team id →
    name of the organizations in the channel the role can go to, the admin's own first."""
    days = [option(str(d), f"{d} days after it takes effect") for d in CHECKIN_CHOICES]
    checkins: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_S_CHECKINS, "options": days}
    chosen = [o for o in days if int(o["value"]) in policy.checkin_days]
    if chosen:
        checkins["initial_options"] = chosen
    escalation: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.A_S_ESCALATION,
        "filter": {"include": ["public", "private"], "exclude_external_shared_channels": True},
        "placeholder": plain("An internal channel"),
    }
    if policy.escalation_channel:
        escalation["initial_conversation"] = policy.escalation_channel
    return {
        "type": "modal",
        "callback_id": ids.SETTINGS_MODAL,
        "title": plain("Parley settings"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": SettingsMeta(channel=channel_id, offer=tuple(list(hand_over or {})[1:])).encode(),
        "blocks": [
            *_where(channel_id, provider),
            input_block(ids.B_S_CHECKINS, "Check-ins after an agreement", checkins, optional=True),
            input_block(
                ids.B_S_NUDGE,
                "Remind a side to share its perspective after",
                static_select(ids.A_S_NUDGE, NUDGE_DAYS, initial=str(policy.perspective_nudge_days)),
            ),
            input_block(
                ids.B_S_AGREEMENT,
                "Remind when there is no agreement after",
                static_select(ids.A_S_AGREEMENT, AGREEMENT_DAYS, initial=str(policy.agreement_nudge_days)),
            ),
            input_block(
                ids.B_S_ESCALATION,
                "Escalation channel",
                escalation,
                optional=True,
                hint="Internal only: Parley refuses a channel shared with another organization.",
            ),
            input_block(
                ids.B_S_MEDIATORS,
                "Mediators",
                multi_user_select(
                    ids.A_S_MEDIATORS, max_selected=MAX_MEDIATORS, initial=list(policy.mediators)
                ),
                optional=True,
            ),
            input_block(
                ids.B_S_SEAL,
                "Perspectives",
                _radio(
                    ids.A_S_SEAL,
                    {"sealed": "Sealed until both sides have shared", "open": "Posted as they come"},
                    "sealed" if policy.seal_perspectives else "open",
                ),
            ),
            input_block(
                ids.B_S_APPROVALS,
                "Agreements need",
                _radio(
                    ids.A_S_APPROVALS,
                    {ONE_PER_SIDE: "One approver from each organization", EVERYONE: "Every party"},
                    policy.approvals_required,
                ),
            ),
            input_block(
                ids.B_S_SETTLE,
                "Settling the amount privately",
                _radio(
                    ids.A_S_SETTLE,
                    {key: label for key, (label, *_) in SETTLE_CHOICES.items()},
                    settle_choice(policy.settle_rounds, policy.settle_days, policy.settle_bands),
                ),
                hint="How many rounds, and how long, before it ends without agreement.",
            ),
            input_block(
                ids.B_S_STEP,
                "A privately settled amount is rounded to",
                static_select(ids.A_S_STEP, STEP_CHOICES, initial=policy.settle_step or "cents"),
            ),
            *_provider_choice(hand_over or {}),
            context("Every change is recorded in the audit trail."),
            {
                "type": "actions",
                "block_id": "s_erase",
                "elements": [button("Delete this workspace's data…", ids.ERASE_START, style="danger")],
            },
        ],
    }


# Each choice: its label, then the rounds, business days and whether "still apart" tells how far.
SETTLE_CHOICES: dict[str, tuple[str, int, int, bool]] = {
    "3-5": ('3 rounds in 5 business days; "still apart" says no more', 3, 5, False),
    "3-5-bands": ('3 rounds in 5 business days; "still apart" says roughly how far', 3, 5, True),
    "1-3": ("1 round in 3 business days", 1, 3, False),
    "5-10": ("5 rounds in 10 business days", 5, 10, False),
}
STEP_CHOICES = {"cents": "The cent", "1": "Whole units", "10": "Tens", "50": "Fifties", "100": "Hundreds"}


def settle_choice(rounds: int, days: int, bands: bool) -> str:
    return next(
        (key for key, (_, r, d, b) in SETTLE_CHOICES.items() if (r, d, b) == (rounds, days, bands)), "3-5"
    )


def _where(channel_id: str, provider: str | None) -> list[dict[str, Any]]:
    channel = channel_link(channel_id)
    if provider is None:
        return [
            input_block(
                ids.B_S_SCOPE,
                "Apply to",
                _radio(
                    ids.A_S_SCOPE,
                    {
                        "workspace": "The whole workspace",
                        "channel": mrkdwn(md("Only {channel}", channel=channel)),
                    },
                    "workspace",
                ),
            )
        ]
    return [
        section(
            md(
                "In {channel} *{provider}* is the provider side, so its admins set that "
                "channel's rules. What you save here is your workspace's default, for the "
                "channels where your organization is the provider.",
                channel=channel,
                provider=provider,
            )
        ),
        input_block(
            ids.B_S_SCOPE,
            "Apply to",
            _radio(ids.A_S_SCOPE, {"workspace": "The whole workspace"}, "workspace"),
        ),
    ]


def _provider_choice(teams: dict[str, str]) -> list[dict[str, Any]]:
    if len(teams) < 2:
        return []
    own = next(iter(teams))
    return [
        input_block(
            ids.B_S_PROVIDER,
            "Provider side in this channel",
            static_select(ids.A_S_PROVIDER, teams, initial=own),
            hint=(
                "Disputes opened in this channel from now on belong to the provider's workspace: "
                "its numbers, its settings, its lessons learned. Open disputes stay as they are."
            ),
        )
    ]


def erase_modal(team_id: str, team_name: str, held: Holdings) -> dict[str, Any]:
    """The confirmation of `/dispute settings` → delete: names what goes and what stays."""
    goes = md(
        "*This deletes everything Parley holds for {team}*, for good:\n"
        "• {disputes}, with their perspectives, proposals, agreements, approvals, check-ins, "
        "feedback and lessons learned (the other organization's part in them too), and the "
        "messages Parley still owed about them; each open one's thread is told\n"
        "• {settings}\n"
        "• which organization is the provider in {channels}\n"
        "• the workspace's audit trail",
        team=team_name,
        disputes=_count(held.disputes, "dispute"),
        settings=_count(held.settings, "saved setting"),
        channels=_count(held.channels, "channel"),
    )
    stays = md(
        "*What stays:* {others} another organization holds in a shared channel (they are its "
        "record too, and your people stay parties to them), one line in the audit trail saying "
        "that the data was deleted, by whom and when, what Parley already posted in Slack "
        "(Slack keeps it), and Parley itself: to remove it, uninstall it from Slack, which "
        "deletes its tokens.",
        others=_count(held.others, "dispute"),
    )
    sure = {
        "type": "checkboxes",
        "action_id": ids.A_ERASE_SURE,
        "options": [option("yes", "I understand this can't be undone")],
    }
    return {
        "type": "modal",
        "callback_id": ids.ERASE_MODAL,
        "title": plain("Delete workspace data"),
        "submit": plain("Delete everything"),
        "close": plain("Keep it"),
        "private_metadata": EraseMeta(team=team_id).encode(),
        "blocks": [section(goes), section(stays), input_block(ids.B_ERASE_SURE, "Confirm", sure)],
    }


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


CONFIRM_ERASE = "Tick the box to confirm, or close this window to keep everything."


def erased(team_name: str, held: Holdings) -> Mrkdwn:
    return md(
        "Parley deleted {team}'s data: {disputes}, {settings} and the workspace's audit trail.",
        team=team_name,
        disputes=_count(held.disputes, "dispute"),
        settings=_count(held.settings, "saved setting"),
    )


def handed_over(saved: Mrkdwn, channel_id: str, to: str) -> Mrkdwn:
    return md(
        "{saved} *{to}* is now the provider side in {channel}: disputes opened there from now on are theirs.",
        saved=saved,
        to=to,
        channel=channel_link(channel_id),
    )


def too_many_mediators() -> str:
    return f"Choose at most {MAX_MEDIATORS} mediators."


def settings_saved(channel_id: str) -> Mrkdwn:
    """`channel_id`: the channel the settings are for; empty for the whole workspace."""
    where = channel_link(channel_id) if channel_id else "the whole workspace"
    return md("Parley's settings for {where} are saved.", where=where)
