"""Parley's welcome when it is added to a channel."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.services import outbox
from bot.slack.context import deps_of, host_team_id
from bot.slack.listen import ONCE, On


def on_member_joined(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("user") != context.bot_user_id:
        return  # someone else joined; nothing to say
    deps = deps_of(context)
    deps.membership.joined(event["channel"])
    with deps.db.transaction() as session:
        outbox.say_outside(session, host_team_id(context), event["channel"], "channel.welcome")


LISTENERS = (
    On("event", "member_joined_channel", on_member_joined, ONCE),
)
