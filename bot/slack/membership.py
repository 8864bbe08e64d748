"""Whether Parley is in a channel, from conversations.info, remembered briefly.

Only "yes" is remembered (for a few minutes): it saves a Web API round trip before opening the
form, inside the 3 seconds a trigger_id lives. If Parley was removed meanwhile, posting the card
fails with not_in_channel and the opener gets their text back privately."""

from __future__ import annotations

import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import tokens


class Membership:
    def __init__(self, ttl_seconds: float = 300.0) -> None:
        self._ttl = ttl_seconds
        self._lock = threading.Lock()
        # By (installation, channel): in a shared channel each organization's Parley is its own
        # member (multi-workspace mode; the bound token tells which one is asking).
        self._known: dict[tuple[str, str], float] = {}

    def joined(self, channel_id: str) -> None:
        with self._lock:
            self._known[(tokens.current() or "", channel_id)] = time.monotonic()

    def is_member(self, client: WebClient, channel_id: str) -> bool:
        with self._lock:
            seen = self._known.get((tokens.current() or "", channel_id))
        if seen is not None and time.monotonic() - seen < self._ttl:
            return True
        try:
            channel = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            if error.response.get("error") in {"channel_not_found", "not_in_channel"}:
                return False
            raise
        if channel.get("is_member"):
            self.joined(channel_id)
            return True
        return False
