"""The single error handler: domain errors become polite private messages; anything else gets
a reference, one logged traceback and a private "something went wrong (ref …)"."""

from __future__ import annotations

import inspect
import logging
import secrets
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.messages import form_not_opened, something_went_wrong
from bot.services.errors import DomainError
from bot.slack.outgoing import reply

log = logging.getLogger("parley.errors")


def new_ref() -> str:
    return secrets.token_hex(3).upper()


def tell_privately(client: WebClient, body: dict[str, Any], text: str) -> bool:
    """Reach the person who acted, only them: ephemeral where we can, else a DM. `text` is
    `Mrkdwn`, or plain text that is shown as it is (escaped on the way out). False when Slack
    did not take it (it is not tried again: see the outbox for what must reach them)."""
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    response_url = body.get("response_url")
    try:
        if response_url:
            reply(response_url, text)
            return True
        if channel and user:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return True
        if user:
            client.chat_postMessage(channel=user, text=text)
            return True
    except (SlackApiError, OSError) as error:
        log.warning("could not tell %s privately: %s", user, error)
    return False


# Slack refuses to open a modal with a trigger_id that is over 3 seconds old or already used (a
# slow answer, a double click, a replayed click) or that it does not take for one at all
# (`invalid_trigger_id`: a replayed or hand-made request): the person can only try again. And it
# refuses to update a modal whose hash is stale.
TRIGGER_GONE = frozenset({"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"})
VIEW_CHANGED = "hash_conflict"


def report(error: Exception, body: dict[str, Any], client: WebClient) -> None:
    code = error.response.get("error") if isinstance(error, SlackApiError) else None
    if isinstance(error, DomainError):
        tell_privately(client, body, error.message)
    elif code in TRIGGER_GONE:
        log.info("a form was not opened: %s", code)
        tell_privately(client, body, form_not_opened())
    elif code == VIEW_CHANGED:
        log.info("a form was not updated: it changed meanwhile")  # the newer one is on screen
    else:
        ref = new_ref()
        log.error("unhandled error (ref %s)", ref, exc_info=error)
        tell_privately(client, body, something_went_wrong(ref))


def guarded(listener: Callable[..., None]) -> Callable[..., None]:
    """Wrap a listener so that its errors are reported here, privately, and never reach Bolt.

    (Bolt, when a listener raises just after ack(), can answer Slack 404 instead of the ack.)
    Bolt passes the arguments a listener names (positional-or-keyword ones), so the wrapper names
    `ack`, `body` and `client` as well."""
    signature = inspect.signature(listener)
    own = list(signature.parameters)
    extra = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name in ("ack", "body", "client")
        if name not in own
    ]

    def wrapper(**kwargs: Any) -> None:
        try:
            listener(**{k: v for k, v in kwargs.items() if k in own})
        except Exception as error:  # noqa: BLE001 - reported privately with a ref
            ack = kwargs["ack"]
            if getattr(ack, "response", None) is None:
                ack()
            report(error, kwargs["body"], kwargs["client"])

    # Must stay: Bolt passes a listener only the arguments its signature names, so the wrapper
    # names the listener's own and those it needs itself.
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), *extra]
    )
    wrapper.__name__ = listener.__name__
    wrapper.__qualname__ = listener.__qualname__
    return wrapper


def register(app: App) -> None:
    @app.error
    def on_error(
        error: Exception, body: dict[str, Any], client: WebClient, response: BoltResponse | None
    ) -> None:
        """Fallback for errors outside guarded listeners (middleware, before the ack)."""
        report(error, body, client)
        if response is not None:
            # The person has been told privately; Slack itself should not show a failure too.
            response.status = 200
            response.body = ""
