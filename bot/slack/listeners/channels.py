"""Parley's welcome when it is added to a channel, naming the channel's provider organization."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.services import outbox, providers
from bot.services.message_kinds import MessageKind
from bot.slack import installs
from bot.slack.context import deps_of, first_provider, host_team_id
from bot.slack.listen import ONCE, On


def on_member_joined(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """When Parley's bot joins a channel. In a Slack Connect channel each installed organization
    has its own bot user, and Slack may carry the event through either installation: the bot's
    own workspace is the one that brought Parley in. If the channel has no provider yet, the
    organization that hosts it becomes the provider where Parley works for it, else that one."""
    deps = deps_of(context)
    joined = event.get("user")
    if joined == context.bot_user_id:
        team = host_team_id(context)
    elif deps.settings.multi_workspace and isinstance(joined, str):
        bots_team = installs.team_of_bot(deps.db, deps.settings.slack_client_id, joined)
        if bots_team is None:
            return  # someone else joined; nothing to say
        team = bots_team
    else:
        return
    if team == host_team_id(context):
        deps.membership.joined(event["channel"])
    host = deps.membership.host(client, event["channel"])  # before the transaction
    with deps.unit_of_work() as session:
        provider = providers.claim(
            session, event["channel"], first_provider(session, deps, team, host), by=None
        )
        outbox.say_outside(
            session,
            team,
            event["channel"],
            MessageKind.CHANNEL_WELCOME,
            provider=provider,
            handover=deps.settings.multi_workspace,
        )


LISTENERS = (On("event", "member_joined_channel", on_member_joined, ONCE),)
