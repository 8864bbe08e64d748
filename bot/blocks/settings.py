"""`/dispute settings`: the workspace's policy (or one channel's overrides), for admins."""

from __future__ import annotations

from typing import Any

from bot import i18n, ids
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
from bot.i18n import N_, _, ngettext
from bot.payloads import EraseMeta, SettingsMeta
from bot.services.erasure import Holdings
from bot.services.policy import EVERYONE, ONE_PER_SIDE, EffectivePolicy

MAX_MEDIATORS = 20  # the picker's limit; also what the policy's column holds
NUDGE_CHOICES = (1, 2, 3, 5, 10)
AGREEMENT_CHOICES = (3, 5, 7, 14, 21, 30)


def nudge_days() -> dict[str, str]:
    """A turn's reminder choices: value → label, in the language in use."""
    return {str(d): ngettext("{n} working day", "{n} working days", d).format(n=d) for d in NUDGE_CHOICES}


def agreement_days() -> dict[str, str]:
    """The agreement reminder's choices: value → label, in the language in use."""
    return {str(d): ngettext("{n} working day", "{n} working days", d).format(n=d) for d in AGREEMENT_CHOICES}


# The choices as built at import (English): their keys are what a submitted form may choose
# (bot/slack/listeners/settings.py). The form itself shows nudge_days() and agreement_days().
NUDGE_DAYS = nudge_days()
AGREEMENT_DAYS = agreement_days()

# The form's errors, in English for callers that read the constants; the functions below give
# them in the language in use.
ONLY_ADMINS = N_("Only workspace admins and owners can change Parley's settings.")
ESCALATION_NOT_INTERNAL = N_(
    "That channel is shared with another organization (or Parley can't see "
    "it). Choose an internal channel and invite Parley to it."
)
CHOOSE_FROM_LISTS = N_("Choose from the lists.")
CHOOSE_CHECKINS = N_("Choose check-ins from the list.")
NOT_YOUR_CHANNEL = N_(
    "Another organization is the provider in this channel now, so its admins set "
    "the channel's rules. Choose the whole workspace."
)
CANNOT_HAND_OVER = N_(
    "Parley can only hand this channel to an organization that is in it and has installed Parley."
)


def only_admins() -> str:
    return _(ONLY_ADMINS)


def escalation_not_internal() -> str:
    return _(ESCALATION_NOT_INTERNAL)


def choose_from_lists() -> str:
    return _(CHOOSE_FROM_LISTS)


def choose_checkins() -> str:
    return _(CHOOSE_CHECKINS)


def not_your_channel() -> str:
    return _(NOT_YOUR_CHANNEL)


def cannot_hand_over() -> str:
    return _(CANNOT_HAND_OVER)


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
    days = [
        option(
            str(d), ngettext("{n} day after it takes effect", "{n} days after it takes effect", d).format(n=d)
        )
        for d in CHECKIN_CHOICES
    ]
    checkins: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_S_CHECKINS, "options": days}
    chosen = [o for o in days if int(o["value"]) in policy.checkin_days]
    if chosen:
        checkins["initial_options"] = chosen
    escalation: dict[str, Any] = {
        "type": "conversations_select",
        "action_id": ids.A_S_ESCALATION,
        "filter": {"include": ["public", "private"], "exclude_external_shared_channels": True},
        "placeholder": plain(_("An internal channel")),
    }
    if policy.escalation_channel:
        escalation["initial_conversation"] = policy.escalation_channel
    return {
        "type": "modal",
        "callback_id": ids.SETTINGS_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Parley settings")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Save")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": SettingsMeta(channel=channel_id, offer=tuple(list(hand_over or {})[1:])).encode(),
        "blocks": [
            *_where(channel_id, provider),
            input_block(ids.B_S_CHECKINS, _("Check-ins after an agreement"), checkins, optional=True),
            input_block(
                ids.B_S_NUDGE,
                _("Remind a side to share its perspective after"),
                static_select(ids.A_S_NUDGE, nudge_days(), initial=str(policy.perspective_nudge_days)),
            ),
            input_block(
                ids.B_S_ANSWER,
                _("Remind a side to answer a proposal after"),
                static_select(ids.A_S_ANSWER, nudge_days(), initial=str(policy.answer_nudge_days)),
            ),
            input_block(
                ids.B_S_APPROVE,
                _("Remind a side to approve an agreement after"),
                static_select(ids.A_S_APPROVE, nudge_days(), initial=str(policy.approve_nudge_days)),
            ),
            input_block(
                ids.B_S_AGREEMENT,
                _("Remind when there is no agreement after"),
                static_select(ids.A_S_AGREEMENT, agreement_days(), initial=str(policy.agreement_nudge_days)),
                hint=_(
                    "Each reminder counts the working days of the side waited on, and only while it is "
                    "that side's turn."
                ),
            ),
            input_block(
                ids.B_S_ESCALATION,
                _("Escalation channel"),
                escalation,
                optional=True,
                hint=_("Internal only: Parley refuses a channel shared with another organization."),
            ),
            input_block(
                ids.B_S_MEDIATORS,
                _("Mediators"),
                multi_user_select(
                    ids.A_S_MEDIATORS, max_selected=MAX_MEDIATORS, initial=list(policy.mediators)
                ),
                optional=True,
            ),
            input_block(
                ids.B_S_SEAL,
                _("Perspectives"),
                _radio(
                    ids.A_S_SEAL,
                    {"sealed": _("Sealed until both sides have shared"), "open": _("Posted as they come")},
                    "sealed" if policy.seal_perspectives else "open",
                ),
            ),
            input_block(
                ids.B_S_APPROVALS,
                _("Agreements need"),
                _radio(
                    ids.A_S_APPROVALS,
                    {ONE_PER_SIDE: _("One approver from each organization"), EVERYONE: _("Every party")},
                    policy.approvals_required,
                ),
            ),
            input_block(
                ids.B_S_SETTLE,
                _("Settling the amount privately"),
                _radio(
                    ids.A_S_SETTLE,
                    {key: _(label) for key, (label, *_rest) in SETTLE_CHOICES.items()},
                    settle_choice(policy.settle_rounds, policy.settle_days, policy.settle_bands),
                ),
                hint=_("How many rounds, and how long, before it ends without agreement."),
            ),
            input_block(
                ids.B_S_STEP,
                _("A privately settled amount is rounded to"),
                static_select(ids.A_S_STEP, step_choices(), initial=policy.settle_step or "cents"),
            ),
            input_block(
                ids.B_S_LANGUAGE,
                _("Parley writes in the channel in"),
                static_select(
                    ids.A_S_LANGUAGE, language_choices(), initial=policy.language or WORKSPACE_LANGUAGE
                ),
                hint=_("What each person sees privately follows their own Slack language."),
            ),
            *_provider_choice(hand_over or {}),
            context(_("Every change is recorded in the audit trail.")),
            {
                "type": "actions",
                "block_id": "s_erase",
                "elements": [
                    button(_("Working days, hours and holidays…"), ids.CALENDAR_START),
                    button(_("Delete this workspace's data…"), ids.ERASE_START, style="danger"),
                ],
            },
        ],
    }


# Each choice: its label (English, marked for the catalog: shown through `_()`), then the rounds,
# business days and whether "still apart" tells how far.
SETTLE_CHOICES: dict[str, tuple[str, int, int, bool]] = {
    "3-5": (N_('3 rounds in 5 working days; "still apart" says no more'), 3, 5, False),
    "3-5-bands": (N_('3 rounds in 5 working days; "still apart" says roughly how far'), 3, 5, True),
    "1-3": (N_("1 round in 3 working days"), 1, 3, False),
    "5-10": (N_("5 rounds in 10 working days"), 5, 10, False),
}
# What a privately settled amount is rounded to: value → label (English; step_choices() translates)
STEP_CHOICES = {
    # Translators: a privately settled amount is rounded to "the cent" (the currency's smallest unit).
    "cents": N_("The cent"),
    "1": N_("Whole units"),
    "10": N_("Tens"),
    "50": N_("Fifties"),
    "100": N_("Hundreds"),
}


WORKSPACE_LANGUAGE = "workspace"


def language_choices() -> dict[str, str]:
    """The workspace's own Slack language, or one Parley ships (each named in itself)."""
    return {WORKSPACE_LANGUAGE: _("The workspace's language in Slack"), **i18n.NAMES}


def step_choices() -> dict[str, str]:
    return {key: _(label) for key, label in STEP_CHOICES.items()}


def settle_choice(rounds: int, days: int, bands: bool) -> str:
    return next(
        (key for key, (_label, r, d, b) in SETTLE_CHOICES.items() if (r, d, b) == (rounds, days, bands)),
        "3-5",
    )


def _where(channel_id: str, provider: str | None) -> list[dict[str, Any]]:
    channel = channel_link(channel_id)
    if provider is None:
        return [
            input_block(
                ids.B_S_SCOPE,
                _("Apply to"),
                _radio(
                    ids.A_S_SCOPE,
                    {
                        "workspace": _("The whole workspace"),
                        "channel": mrkdwn(md(_("Only {channel}"), channel=channel)),
                    },
                    "workspace",
                ),
            )
        ]
    return [
        section(
            md(
                # Translators: {provider} is an organization's name.
                _(
                    "In {channel} *{provider}* is the provider side, so its admins set that "
                    "channel's rules. What you save here is your workspace's default, for the "
                    "channels where your organization is the provider."
                ),
                channel=channel,
                provider=provider,
            )
        ),
        input_block(
            ids.B_S_SCOPE,
            _("Apply to"),
            _radio(ids.A_S_SCOPE, {"workspace": _("The whole workspace")}, "workspace"),
        ),
    ]


def _provider_choice(teams: dict[str, str]) -> list[dict[str, Any]]:
    if len(teams) < 2:
        return []
    own = next(iter(teams))
    return [
        input_block(
            ids.B_S_PROVIDER,
            _("Provider side in this channel"),
            static_select(ids.A_S_PROVIDER, teams, initial=own),
            hint=_(
                "Disputes opened in this channel from now on belong to the provider's workspace: "
                "its numbers, its settings, its lessons learned. Open disputes stay as they are."
            ),
        )
    ]


def erase_modal(team_id: str, team_name: str, held: Holdings) -> dict[str, Any]:
    """The confirmation of `/dispute settings` → delete: names what goes and what stays."""
    goes = md(
        # Translators: {team} is the workspace's name; {disputes}, {settings} and {channels} are counts
        # ("3 disputes", "1 saved setting", "2 channels").
        _(
            "*This deletes everything Parley holds for {team}*, for good:\n"
            "• {disputes}, with their perspectives, proposals, agreements, approvals, check-ins, "
            "feedback and lessons learned (the other organization's part in them too), and the "
            "messages Parley still owed about them; each open one's thread is told\n"
            "• {settings}\n"
            "• which organization is the provider in {channels}\n"
            "• the workspace's audit trail"
        ),
        team=team_name,
        disputes=_disputes(held.disputes),
        settings=_settings(held.settings),
        channels=_channels(held.channels),
    )
    stays = md(
        # Translators: {others} is a count of disputes ("2 disputes").
        _(
            "*What stays:* {others} another organization holds in a shared channel (they are its "
            "record too, and your people stay parties to them), one line in the audit trail saying "
            "that the data was deleted, by whom and when, what Parley already posted in Slack "
            "(Slack keeps it), and Parley itself: to remove it, uninstall it from Slack, which "
            "deletes its tokens."
        ),
        others=_disputes(held.others),
    )
    sure = {
        "type": "checkboxes",
        "action_id": ids.A_ERASE_SURE,
        "options": [option("yes", _("I understand this can't be undone"))],
    }
    return {
        "type": "modal",
        "callback_id": ids.ERASE_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Delete workspace data")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Delete everything")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Keep it")),
        "private_metadata": EraseMeta(team=team_id).encode(),
        "blocks": [section(goes), section(stays), input_block(ids.B_ERASE_SURE, _("Confirm"), sure)],
    }


def _disputes(n: int) -> str:
    return ngettext("{n} dispute", "{n} disputes", n).format(n=n)


def _settings(n: int) -> str:
    return ngettext("{n} saved setting", "{n} saved settings", n).format(n=n)


def _channels(n: int) -> str:
    return ngettext("{n} channel", "{n} channels", n).format(n=n)


# English, for callers that read the constant; confirm_erase() in the language in use
CONFIRM_ERASE = N_("Tick the box to confirm, or close this window to keep everything.")


def confirm_erase() -> str:
    return _(CONFIRM_ERASE)


def erased(team_name: str, held: Holdings) -> Mrkdwn:
    return md(
        # Translators: {team} is the workspace's name; {disputes} and {settings} are counts ("3 disputes",
        # "1 saved setting").
        _("Parley deleted {team}'s data: {disputes}, {settings} and the workspace's audit trail."),
        team=team_name,
        disputes=_disputes(held.disputes),
        settings=_settings(held.settings),
    )


def handed_over(saved: Mrkdwn, channel_id: str, to: str) -> Mrkdwn:
    return md(
        # Translators: {saved} is the sentence saying the settings are saved; {to} an organization's name.
        _(
            "{saved} *{to}* is now the provider side in {channel}: disputes opened there from now on "
            "are theirs."
        ),
        saved=saved,
        to=to,
        channel=channel_link(channel_id),
    )


def too_many_mediators() -> str:
    return ngettext("Choose at most {n} mediator.", "Choose at most {n} mediators.", MAX_MEDIATORS).format(
        n=MAX_MEDIATORS
    )


def settings_saved(channel_id: str) -> Mrkdwn:
    """`channel_id`: the channel the settings are for; empty for the whole workspace."""
    if channel_id:
        return md(_("Parley's settings for {where} are saved."), where=channel_link(channel_id))
    return md(_("Parley's settings for the whole workspace are saved."))
