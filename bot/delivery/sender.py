"""One rendered call to Slack, and what its answer means for the row: delivered, try again (and
when), or refused for good.

- 429: try again after Retry-After (and the channel is held that long).
- 5xx, Slack's own transient errors, timeouts and broken connections: try again with backoff.
  A post whose answer was lost (the request went out, no answer came) may have been made, so it
  is `uncertain`: before posting it again, the sender looks for it by its message metadata.
- Anything else Slack refuses (`channel_not_found`, `not_in_channel`, `is_archived`,
  `token_revoked`, `invalid_blocks`, …) is final."""

from __future__ import annotations

import http.client
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse

from bot.delivery.calls import Call, Delivered, Post, Update, Upload
from bot.slack import tokens
from bot.slack.outgoing import NoToken

log = logging.getLogger("parley.delivery")

EVENT_TYPE = "parley_outbox"  # Slack message metadata: which outbox row made a message
TRANSIENT = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
    "team_added_to_org",
}
MAX_BACKOFF = 300.0
LOOKUP_PAGES = 5  # how far back (×200 messages) to look for a message whose answer was lost


class OutcomeStatus(StrEnum):
    """What became of one attempt to deliver an outbox row."""

    SENT = "sent"
    RETRY = "retry"  # try again after `delay`
    FAILED = "failed"  # Slack refused it for good
    SKIPPED = "skipped"  # nothing to send any more (the row's subject is gone, say)
    DEFERRED = "deferred"  # due now, left for the tick (a busy channel)


@dataclass(frozen=True)
class Outcome:
    status: OutcomeStatus
    delivered: Delivered | None = None
    error: str = ""
    delay: float = 0.0  # seconds before trying again
    uncertain: bool = False  # the call may have reached Slack
    outage: bool = False  # Slack itself failed (not this message): parked until Slack is back

    @property
    def final(self) -> bool:
        return self.status not in (OutcomeStatus.RETRY, OutcomeStatus.DEFERRED)


def backoff(attempts: int) -> float:
    """2, 4, 8 … seconds, at most five minutes, with a little jitter so a backlog does not come
    back all at once."""
    base = min(MAX_BACKOFF, 2.0 ** max(1, attempts))
    return base * random.uniform(0.8, 1.2)


def metadata(row_id: int, witness: str | None = None) -> dict[str, Any]:
    """What a message of Parley's carries for Parley alone (Slack shows it to nobody): the outbox
    row it delivers (a lost answer is looked up by it) and, for a message that witnesses the
    audit trail, the trail's head then (kept in both organizations' Slack)."""
    payload: dict[str, Any] = {"outbox_id": row_id}
    if witness:
        payload["audit_trail_head"] = witness
    return {"event_type": EVENT_TYPE, "event_payload": payload}


class Sender:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._bot_users: dict[str | None, str] = {}  # token -> Parley's own user in its workspace

    def _bot_user(self) -> str | None:
        """Parley's bot user where the current token acts (auth.test, once per token)."""
        token = tokens.current()
        if token not in self._bot_users:
            found = self.client.auth_test().get("user_id")
            if not found:
                return None
            self._bot_users[token] = found
        return self._bot_users[token]

    def send(self, call: Call, channel: str, row_id: int, attempts: int) -> Outcome:
        try:
            return self._send(call, channel, row_id)
        except SlackApiError as error:
            return classify_refusal(error, attempts)
        except NoToken as error:  # nothing was sent: the workspace's token could not be found now
            return Outcome(OutcomeStatus.RETRY, error=str(error), delay=backoff(attempts + 1))
        except (URLError, OSError, http.client.HTTPException, SlackClientError) as error:
            refused = isinstance(error, URLError) and isinstance(error.reason, ConnectionRefusedError)
            return Outcome(
                OutcomeStatus.RETRY,
                error=f"{type(error).__name__}: {error}",
                delay=backoff(attempts + 1),
                uncertain=not refused,
                outage=True,
            )

    def _send(self, call: Call, channel: str, row_id: int) -> Outcome:
        if isinstance(call, Update):
            self.client.chat_update(channel=channel, ts=call.ts, text=call.text, blocks=call.blocks)
            return Outcome(OutcomeStatus.SENT, Delivered(ts=call.ts))
        if isinstance(call, Upload):
            if channel.startswith(("U", "W")):  # to a person: their direct message with Parley
                channel = self.client.conversations_open(users=channel)["channel"]["id"]
            # Shared with a message of blocks, or with a comment (Slack takes one or the other).
            shared_with: dict[str, Any] = (
                {"blocks": json.dumps(call.blocks)} if call.blocks else {"initial_comment": call.comment}
            )
            uploaded = self.client.files_upload_v2(
                content=call.content,
                filename=call.filename,
                title=call.title,
                channel=channel,
                thread_ts=call.thread_ts,
                request_file_info=False,
                **shared_with,
            )
            files = uploaded.get("files") or [{}]
            return Outcome(OutcomeStatus.SENT, Delivered(file_id=files[0].get("id")))
        assert isinstance(call, Post)
        target = call.channel or channel
        if call.internal_only and not self._internal(target):
            return Outcome(OutcomeStatus.SKIPPED, error="the channel is shared with another organization")
        kwargs: dict[str, Any] = {
            "channel": target,
            "text": call.text,
            "metadata": metadata(row_id, call.witness),
        }
        if call.blocks is not None:
            kwargs["blocks"] = call.blocks
        if call.thread_ts:
            kwargs["thread_ts"] = call.thread_ts
        if not call.unfurl:
            kwargs.update(unfurl_links=False, unfurl_media=False)
        ts = self.client.chat_postMessage(**kwargs)["ts"]
        return Outcome(
            OutcomeStatus.SENT,
            Delivered(ts=ts, permalink=self._permalink(target, ts) if call.permalink else None),
        )

    def _internal(self, channel: str) -> bool:
        """Only a channel Slack confirms is not shared; its errors are classified like a post's."""
        if channel.startswith(("U", "W", "D")):
            return True  # a DM with one of our own people
        info = self.client.conversations_info(channel=channel)["channel"]
        shared = info.get("is_ext_shared") or info.get("is_shared") or info.get("is_pending_ext_shared")
        if shared:
            log.warning("refusing to post internal material in shared channel %s", channel)
        return not shared

    def _permalink(self, channel: str, ts: str) -> str | None:
        try:
            return self.client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"]
        except (SlackApiError, SlackClientError, OSError, http.client.HTTPException) as error:
            log.warning("no permalink for %s in %s: %s", ts, channel, error)
            return None

    def find_posted(self, call: Call, channel: str, row_id: int, since: datetime) -> str | None:
        """The ts of the message this row already made, if Slack has it (a lost answer): a post
        by its metadata (the outbox row's id), a file share (which carries no metadata) by its
        file's name, shared since the row was written. Raises like a post would when Slack cannot
        be asked."""
        if isinstance(call, Upload):
            parley = self._bot_user()  # a person may share a file of the same name

            def shared_by_parley(message: dict[str, Any]) -> bool:
                return (
                    bool(parley)
                    and message.get("user") == parley
                    and any(f.get("name") == call.filename for f in message.get("files") or [])
                )

            return self._find(call.thread_ts, channel, since, shared_by_parley)
        if not isinstance(call, Post):
            return None

        def ours(message: dict[str, Any]) -> bool:
            meta = message.get("metadata") or {}
            return (
                meta.get("event_type") == EVENT_TYPE
                and (meta.get("event_payload") or {}).get("outbox_id") == row_id
            )

        return self._find(call.thread_ts, call.channel or channel, since, ours)

    def _find(
        self, thread_ts: str | None, target: str, since: datetime, matches: Callable[[dict[str, Any]], bool]
    ) -> str | None:
        if target[:1] in ("U", "W"):
            # A post to a person lands in the app's DM with them; Slack reads that back only by
            # the DM's own id (a user id is not a conversation: channel_not_found).
            target = self.client.conversations_open(users=target)["channel"]["id"]
        kwargs: dict[str, Any] = {
            "channel": target,
            "include_all_metadata": True,
            "limit": 200,
            "oldest": f"{since.timestamp() - 60:.6f}",
        }
        method: Callable[..., SlackResponse] = self.client.conversations_history
        if thread_ts:
            method = self.client.conversations_replies
            kwargs["ts"] = thread_ts
        cursor = None
        for _ in range(LOOKUP_PAGES):
            page = method(**kwargs, **({"cursor": cursor} if cursor else {}))
            for message in page.get("messages") or []:
                if matches(message):
                    return message.get("ts")
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        return None


def classify_refusal(error: SlackApiError, attempts: int) -> Outcome:
    response = error.response
    code = str(response.get("error") or response.status_code)
    if response.status_code == 429 or code == "ratelimited":
        retry_after = float(response.headers.get("Retry-After") or response.headers.get("retry-after") or 1)
        return Outcome(OutcomeStatus.RETRY, error="ratelimited", delay=retry_after)
    if response.status_code >= 500 or code in TRANSIENT:
        # A 5xx may come after Slack did the work: a post is looked up before it is made again.
        return Outcome(
            OutcomeStatus.RETRY, error=code, delay=backoff(attempts + 1), uncertain=True, outage=True
        )
    return Outcome(OutcomeStatus.FAILED, error=code)
