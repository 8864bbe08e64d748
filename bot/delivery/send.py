"""Sending one rendered row: look first whether an earlier attempt may have posted it, wait for
its channel's turn, call Slack with the token of the row's workspace (sender.py makes the call
and reads Slack's answer). No database here."""

from __future__ import annotations

import logging
import time

from slack_sdk.errors import SlackApiError

from bot.delivery.calls import Delivered, Post, Upload
from bot.delivery.pacer import ChannelPacer
from bot.delivery.render import Prepared
from bot.delivery.sender import Outcome, OutcomeStatus, Sender, backoff, classify_refusal
from bot.delivery.teams import Installations, first_installed
from bot.slack import tokens

log = logging.getLogger("parley.delivery")

# Slack's answers to a token that no longer works; in multi-workspace mode the row is tried
# again (a few times) with whatever token the store then has, or another organization's.
TOKEN_GONE = frozenset({"token_revoked", "invalid_auth", "account_inactive", "token_expired", "not_authed"})
TOKEN_RETRIES = 3


def unexpected(item: Prepared, error: Exception) -> Outcome:
    """A delivery that raised what no rule expects (a bug): tried again later, and looked up in
    Slack first, since it may have been posted."""
    return Outcome(
        OutcomeStatus.RETRY,
        error=f"unexpected: {type(error).__name__}",
        delay=backoff(item.attempts + 1),
        uncertain=True,
    )


def paced_in(item: Prepared) -> str | None:
    """The channel whose pace a row's call keeps (a post or a file), or None (an update)."""
    call = item.call
    if isinstance(call, Post):
        return call.channel or item.channel
    return item.channel if isinstance(call, Upload) else None


class RowSender:
    def __init__(self, sender: Sender, pacer: ChannelPacer, book: Installations) -> None:
        self.sender = sender
        self.pacer = pacer
        self.book = book

    def ready_at(self, item: Prepared) -> float:
        """When (monotonic) the row's channel takes its next post."""
        channel = paced_in(item)
        return self.pacer.ready_at(channel) if channel else time.monotonic()

    def send(self, item: Prepared, max_wait: float | None) -> Outcome:
        """Call Slack for a prepared row: look first if an earlier attempt may have posted it,
        wait for the channel's turn (or, past `max_wait`, leave it for the tick). With the token
        of the row's workspace, in multi-workspace mode."""
        try:
            team, token = first_installed(self.book, item.teams)
        except tokens.NotInstalled as gone:  # the workspace removed Parley: nothing to send
            return Outcome(OutcomeStatus.SKIPPED, error=str(gone))
        with tokens.acting_as(token):
            outcome = self._send_as(item, max_wait)
        if token and outcome.status == OutcomeStatus.FAILED and outcome.error in TOKEN_GONE:
            # Revoked since it was looked up (another process heard of it first): look again,
            # and send with another organization's installation if this one is gone.
            self.book.forget(team)
            if item.attempts < TOKEN_RETRIES:
                return Outcome(OutcomeStatus.RETRY, error=outcome.error, delay=backoff(item.attempts + 1))
        return outcome

    def _send_as(self, item: Prepared, max_wait: float | None) -> Outcome:
        call, channel = item.call, item.channel
        if call is None or channel is None:  # (only a row with its outcome already has neither)
            return item.outcome or Outcome(OutcomeStatus.SKIPPED, error="nothing to send")
        if item.uncertain:
            found = self._find_earlier(item)
            if isinstance(found, Outcome):
                return found
            if found:
                log.info("delivery %s was already in Slack (%s); not posting it again", item.row_id, found)
                return Outcome(OutcomeStatus.SENT, Delivered(ts=found))
        target = paced_in(item)
        if target is not None:
            later = self.pacer.ready_at(target) - time.monotonic()
            if max_wait is not None and later > max_wait:
                return Outcome(OutcomeStatus.DEFERRED, error="the channel's turn is later", delay=later)
            self.pacer.wait_turn(target)
        outcome = self.sender.send(call, channel, item.row_id, item.attempts)
        if outcome.error == "ratelimited":
            self.pacer.hold(channel, outcome.delay)
        return outcome

    def _find_earlier(self, item: Prepared) -> str | Outcome | None:
        """An earlier attempt's answer was lost: the ts of what it posted, None when it did not
        post, or an Outcome when Slack cannot say now (try again later)."""
        assert item.call is not None
        try:
            return self.sender.find_posted(item.call, item.channel, item.row_id, item.created)
        except SlackApiError as error:
            lookup = classify_refusal(error, item.attempts)
            if lookup.status == OutcomeStatus.RETRY:  # Slack cannot say now: ask again later
                return Outcome(
                    OutcomeStatus.RETRY,
                    error=f"lookup: {lookup.error}",
                    delay=lookup.delay,
                    uncertain=True,
                    outage=lookup.outage,
                )
            log.warning("cannot look for delivery %s in Slack (%s); posting it", item.row_id, lookup.error)
            return None
        except Exception as error:  # noqa: BLE001 - cannot look: try again later
            return Outcome(
                OutcomeStatus.RETRY,
                error=f"lookup: {type(error).__name__}",
                delay=backoff(item.attempts + 1),
                uncertain=True,
                outage=True,
            )
