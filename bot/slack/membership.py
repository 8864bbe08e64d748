"""Whether Parley is in a channel, and which organization hosts it, from conversations.info,
remembered briefly.

Only "yes" is remembered (for a few minutes): it saves a Web API round trip before opening the
form, inside the 3 seconds a trigger_id lives. If Parley was removed meanwhile, posting the card
fails with not_in_channel and the opener gets their text back privately.

The host (`conversation_host_id`: the organization that created a Slack Connect channel) is the
default provider of a channel (bot/slack/context.py); it is remembered the same way, so the form's
checks can use it without asking Slack inside an ack."""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import tokens

log = logging.getLogger("parley.membership")
HOST = re.compile(r"[TE][A-Z0-9]{1,30}")  # a workspace (or an Enterprise Grid organization)


class Membership:
    def __init__(self, ttl_seconds: float = 300.0) -> None:
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        # By (installation, channel): in a shared channel each organization's Parley is its own
        # member (multi-workspace mode; the bound token tells which one is asking).
        self._known: dict[tuple[str, str], float] = {}
        self._hosts: dict[str, tuple[float, str]] = {}  # channel -> (when, host organization)

    def joined(self, channel_id: str) -> None:
        with self._lock:
            self._known[(tokens.current() or "", channel_id)] = time.monotonic()

    def is_member(self, client: WebClient, channel_id: str) -> bool:
        with self._lock:
            seen = self._known.get((tokens.current() or "", channel_id))
        if seen is not None and time.monotonic() - seen < self._ttl:
            return True
        try:
            channel = self._info(client, channel_id)
        except SlackApiError as error:
            if error.response.get("error") in {"channel_not_found", "not_in_channel"}:
                return False
            raise
        if channel.get("is_member"):
            self.joined(channel_id)
            return True
        return False

    def known_host(self, channel_id: str) -> str | None:
        """The channel's host organization, if it was seen lately (no Slack call)."""
        with self._lock:
            seen = self._hosts.get(channel_id)
        return seen[1] if seen is not None and time.monotonic() - seen[0] < self._ttl else None

    def host(self, client: WebClient, channel_id: str) -> str | None:
        """The channel's host organization (conversation_host_id), asking Slack unless it was
        seen lately; None when Slack does not say or cannot be asked now (never an error: the
        provider then falls back to the organization that brought Parley in)."""
        known = self.known_host(channel_id)
        if known is not None:
            return known
        try:
            self._info(client, channel_id)
        except (SlackApiError, OSError) as error:
            log.info("cannot ask Slack which organization hosts %s: %s", channel_id, error)
        return self.known_host(channel_id)

    def _info(self, client: WebClient, channel_id: str) -> dict[str, Any]:
        channel = client.conversations_info(channel=channel_id)["channel"]
        host = channel.get("conversation_host_id")
        if isinstance(host, str) and HOST.fullmatch(host):
            with self._lock:
                self._hosts[channel_id] = (time.monotonic(), host)
        return channel
