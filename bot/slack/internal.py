"""Internal material (escalation notes, lessons learned) never goes to a channel that has
members from another organization. conversations.info tells whether a channel is shared."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger("parley.internal")


def is_internal_channel(client: WebClient, channel_id: str) -> bool:
    """True only when Slack confirms the channel is not shared with another organization."""
    if channel_id.startswith(("U", "W", "D")):
        return True  # a DM with one of our own people
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        log.warning("cannot check channel %s: %s", channel_id, error.response.get("error"))
        return False
    shared = channel.get("is_ext_shared") or channel.get("is_shared") or channel.get("is_pending_ext_shared")
    if shared:
        log.warning("refusing to post internal material in shared channel %s", channel_id)
    return not shared
