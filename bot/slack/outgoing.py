"""The way out to Slack: every Web API call and every response_url reply passes through here.

Two promises are kept at this one place, whatever code path built the message:
- **Nothing typed by a person is parsed by Slack.** Each field Slack parses as mrkdwn (a message's
  `text`, a file's `initial_comment`, mrkdwn text objects anywhere in `blocks`, `view` or
  `attachments`) must hold `Mrkdwn` (bot/blocks/mrkdwn.py); a plain `str` found there is escaped,
  and a warning names the method and field (never the text), because it means a builder forgot
  `md()`.
- **The log never holds what was sent.** slack_sdk logs whole request and response bodies, and
  response_urls, at DEBUG; its loggers are kept at INFO, and Parley logs one DEBUG line per call
  instead: method, outcome, milliseconds.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web import SlackResponse
from slack_sdk.webhook import WebhookClient

from bot import metrics
from bot.blocks.mrkdwn import Mrkdwn, escape
from bot.db import in_transaction
from bot.slack import language, tokens
from bot.web_client import KeepAliveWebClient

log = logging.getLogger("parley.outgoing")
calls_log = logging.getLogger("parley.slack")
# slack_sdk's and Bolt's loggers log whole bodies at DEBUG; slack_sdk's WebhookClient also logs a
# response_url (a secret: anyone holding it can post as Parley to that person) at INFO when it
# retries, so the logger it is given says nothing at all and reply() logs for it.
QUIET_LOGGERS = {
    "slack_sdk": logging.INFO,
    "parley.slack_api": logging.INFO,
    "parley.bolt": logging.INFO,
    "parley.slack_webhook": logging.CRITICAL + 1,
}

_TOP_LEVEL = ("text", "initial_comment")
_NESTED = ("blocks", "view", "attachments")
_ATTACHMENT_TEXT = ("text", "pretext", "fallback", "footer", "title", "value")


class SlackCallInTransaction(RuntimeError):
    """A Slack call was made inside `Database.transaction()` (see check_no_transaction)."""


# Methods called with the app's own credentials (the install flow, token rotation) or none.
TOKENLESS = frozenset({"oauth.v2.access", "oauth.v2.exchange", "api.test"})


class NoToken(SlackClientError):
    """Multi-workspace mode: a call with no installation's token to make it with (the lookup
    failed, or nothing bound it). Retried like a connection error, never sent tokenless."""


class _Rule:
    """Whether a Slack call inside a transaction is an error (STRICT_TRANSACTIONS, set for the
    process by build_client from its settings) or logged."""

    strict = False


def strict_transactions(strict: bool) -> None:
    _Rule.strict = strict


def check_no_transaction(method: str) -> None:
    """No Slack call while a database transaction is open: a slow Slack would hold its locks, and
    a Slack failure would undo what a person did. With STRICT_TRANSACTIONS (development; the
    tests set it, so the whole suite proves the rule) it is an error; otherwise it is logged."""
    if not in_transaction():
        return
    if _Rule.strict:
        raise SlackCallInTransaction(f"{method} called inside a database transaction")
    log.error("%s called inside a database transaction", method)


def keep_bodies_out_of_the_log() -> None:
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


def _safe(value: str, where: str) -> Mrkdwn:
    if isinstance(value, Mrkdwn):
        return value
    escaped = escape(value)
    if escaped != value:
        log.warning("text not built with md() reached %s; it was escaped", where)
    return escaped


def _walk(node: Any, where: str, in_attachment: bool = False) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, where, in_attachment)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
        node["text"] = _safe(node["text"], where)
    if in_attachment:
        for key in _ATTACHMENT_TEXT:
            if isinstance(node.get(key), str):
                node[key] = _safe(node[key], where)
    for key, child in node.items():
        if isinstance(child, (dict, list)):
            _walk(child, where, in_attachment or key == "attachments")


def guard(method: str, args: dict[str, Any]) -> dict[str, Any]:
    """Make every mrkdwn-parsed field of a Web API call or response_url body safe, in place."""
    for key in _TOP_LEVEL:
        if isinstance(args.get(key), str):
            args[key] = _safe(args[key], f"{method}.{key}")
    for key in _NESTED:
        if isinstance(args.get(key), (dict, list)):
            _walk(args[key], f"{method}.{key}", in_attachment=key == "attachments")
    return args


MODAL_CALLS = frozenset({"views.open", "views.push", "views.update"})


class ParleyClient(KeepAliveWebClient):
    """The app's Web API client: guarded (see the module docstring), over persistent connections.
    One instance serves every listener."""

    def api_call(self, api_method: str, **kwargs: Any) -> SlackResponse:
        check_no_transaction(api_method)
        if not self.token:  # multi-workspace mode: the installation this call acts for
            _use_current_token(api_method, kwargs)
        for part in ("json", "data", "params"):
            if isinstance(kwargs.get(part), dict):
                guard(api_method, kwargs[part])
        if api_method in MODAL_CALLS and isinstance(kwargs.get("json"), dict):
            kwargs["json"]["view"] = language.stamp(kwargs["json"].get("view"))  # its errors' language
        started = time.monotonic()
        try:
            response = super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            calls_log.debug(
                "%s: %s (%.0f ms)",
                api_method,
                error.response.get("error"),
                (time.monotonic() - started) * 1000,
            )
            if 200 <= error.response.status_code < 300:  # other answers: counted per attempt
                metrics.slack_call(api_method, "error")
            raise
        calls_log.debug("%s: ok (%.0f ms)", api_method, (time.monotonic() - started) * 1000)
        metrics.slack_call(api_method, "ok")
        return response


def _use_current_token(api_method: str, kwargs: dict[str, Any]) -> None:
    """Put the bound token (bot/slack/tokens.py) where slack_sdk takes a call's own token from,
    unless the call brings its own (slack_sdk passes `token=None` along in some helpers: that is
    none). With no token at all, the call is not made: sent without one, Slack would answer
    not_authed and the message would count as refused for good."""
    if api_method in TOKENLESS:
        return
    part = "json" if isinstance(kwargs.get("json"), dict) else "params"
    given = dict(kwargs.get(part) or {})
    if given.get("token"):
        return
    token = tokens.current()
    if not token:
        raise NoToken(f"{api_method}: no workspace token is bound for this call")
    kwargs[part] = {**given, "token": token}


def reply(
    response_url: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    *,
    replace_original: bool = False,
) -> bool:
    """An ephemeral reply through a response_url (only the person who acted sees it). False when
    it could not be delivered; that is logged (never the URL), as there is nobody else to tell."""
    check_no_transaction("response_url")
    body = guard("response_url", {"text": text, "blocks": blocks})
    started = time.monotonic()
    try:
        response = WebhookClient(
            response_url, timeout=10, logger=logging.getLogger("parley.slack_webhook")
        ).send(
            text=body["text"],
            blocks=body["blocks"],
            response_type="ephemeral",
            replace_original=replace_original,
        )
    except (OSError, ValueError) as error:  # unreachable, refused, timed out, a malformed URL
        calls_log.warning(
            "a private answer through a response_url was not delivered: %s", type(error).__name__
        )
        return False
    calls_log.debug("response_url: %s (%.0f ms)", response.status_code, (time.monotonic() - started) * 1000)
    return 200 <= response.status_code < 300
