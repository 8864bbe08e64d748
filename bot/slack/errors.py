"""The single error handler: domain errors become polite private messages; anything else gets
a reference, one logged traceback and a private "something went wrong (ref …)"."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt import App
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.blocks.messages import something_went_wrong
from bot.services.errors import DomainError

log = logging.getLogger("parley.errors")


def new_ref() -> str:
    return secrets.token_hex(3).upper()


def tell_privately(client: WebClient, body: dict[str, Any], text: str) -> None:
    """Reach the person who acted, only them: ephemeral where we can, else a DM."""
    user = body.get("user_id") or (body.get("user") or {}).get("id")
    channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
    response_url = body.get("response_url")
    try:
        if response_url:
            WebhookClient(response_url).send(
                text=text, response_type="ephemeral", replace_original=False
            )
            return
        if channel and user:
            client.chat_postEphemeral(channel=channel, user=user, text=text)
            return
        if user:
            client.chat_postMessage(channel=user, text=text)
    except (SlackApiError, OSError) as error:
        log.warning("could not tell %s privately: %s", user, error)


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], client: WebClient,
                 response: BoltResponse | None) -> None:
        if isinstance(error, DomainError):
            tell_privately(client, body, error.message)
        else:
            ref = new_ref()
            log.error("unhandled error (ref %s)", ref, exc_info=error)
            tell_privately(client, body, something_went_wrong(ref))
        if response is not None:
            # The person has been told privately; Slack itself should not show a failure too.
            response.status = 200
            response.body = ""
