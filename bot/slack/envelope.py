"""Checks that a signed request body has the shape Parley relies on, before Bolt sees it.

A malformed body (bad JSON in `payload`, missing fields) must get a 4xx, never a 500."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, ValidationError


class Malformed(Exception):
    """The body cannot be handled; the message is safe to return to the caller."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class _User(_Loose):
    id: str


class _Action(_Loose):
    action_id: str


class SlashCommand(_Loose):
    command: str
    team_id: str
    user_id: str
    channel_id: str
    trigger_id: str
    response_url: str
    text: str = ""


class BlockActions(_Loose):
    type: str
    user: _User
    actions: list[_Action]
    trigger_id: str | None = None


class _State(_Loose):
    values: dict[str, dict[str, dict[str, Any]]]


class _View(_Loose):
    id: str | None = None
    callback_id: str
    state: _State
    private_metadata: str = ""


class ViewSubmission(_Loose):
    type: str
    user: _User
    view: _View


class _ViewClosedView(_Loose):
    callback_id: str


class ViewClosed(_Loose):
    type: str
    user: _User
    view: _ViewClosedView


class _Event(_Loose):
    type: str


class EventCallback(_Loose):
    type: str
    event: _Event


class UrlVerification(_Loose):
    type: str
    challenge: str


_INTERACTIVE = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "view_closed": ViewClosed,
}
_EVENTS = {"event_callback": EventCallback, "url_verification": UrlVerification}


def _parse(body: str, content_type: str) -> dict[str, Any]:
    if content_type.startswith("application/json") or body.lstrip().startswith("{"):
        try:
            data = json.loads(body)
        except ValueError:
            raise Malformed("body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Malformed("body must be a JSON object")
        return data
    params = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in params:
        try:
            payload = json.loads(params["payload"])
        except ValueError:
            raise Malformed("payload is not valid JSON") from None
        if not isinstance(payload, dict):
            raise Malformed("payload must be a JSON object")
        return payload
    return params


def check(body: str, content_type: str) -> None:
    """Raise Malformed unless the body is one of the shapes Parley handles, well formed."""
    data = _parse(body, content_type)
    try:
        if "command" in data:
            SlashCommand.model_validate(data)
            return
        kind = data.get("type")
        if not isinstance(kind, str):
            raise Malformed("unknown request: no type")
        model = _INTERACTIVE.get(kind) or _EVENTS.get(kind)
        if model is None:
            return  # other interactions: Bolt answers 404 for what nobody listens to
        model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise Malformed(f"malformed {data.get('type') or 'command'}: {where}: {first['msg']}") from None
