"""Checks that a signed request body has the shape Parley and Bolt rely on, before Bolt sees it.

A signed body can still be malformed (a bug, a replay tool, a compromised signing secret): it must
get a 4xx, never a 500 or a traceback. So the body is parsed exactly as Bolt will parse it (Bolt's
own `parse_body`), and the dict Bolt will see is checked against an allow list of the request
kinds Parley handles, with every field that Bolt's `build_context`, its payload helpers and
middleware, or Parley's listeners read typed strictly (no coercion). Anything else is `Malformed`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError
from slack_bolt.request.internals import parse_body

from bot.payloads import CONVERSATION_ID, MAX_VALUE_CHARS

MAX_DEPTH = 64  # containers inside containers; Slack's deepest payloads (rich text) stay far below


class Malformed(Exception):
    """The body cannot be handled; the message is short and safe to return to the caller."""


def _url(value: str) -> str:
    # What slack_sdk's WebhookClient (respond(), tell_privately) can post to without raising
    # anything but an OSError: http(s), printable ASCII, a host name that encodes (the socket
    # layer raises UnicodeError for "a..b"), a numeric port in range if any.
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) URL")
    parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise ValueError("not a valid host name") from None
    return value


SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{1,40}$")]
ConversationId = Annotated[str, StringConstraints(pattern=CONVERSATION_ID)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=255)]  # action/callback/block ids
Token = Annotated[str, StringConstraints(min_length=1, max_length=255)]  # trigger ids, hashes
Url = Annotated[str, StringConstraints(pattern=r"^https?://[!-~]+$", max_length=2048), AfterValidator(_url)]


class _Model(BaseModel):
    """Slack sends many fields Parley never reads: they are allowed and left alone. Every field
    named on a model is checked strictly: a number is not a string, a string is not a dict."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Named(_Model):
    """A team, enterprise or channel given as an object."""

    id: str


class _Team(_Model):
    id: SlackId


class _Channel(_Model):
    id: ConversationId


class _Actor(_Model):
    """The person who clicked or submitted (`user` of an interaction)."""

    id: SlackId
    team_id: SlackId | None = None


class _UserRef(_Model):
    id: str | None = None
    team_id: str | None = None


class _ViewRef(_Model):
    app_installed_team_id: str | None = None
    team_id: str | None = None


class _FunctionData(_Model):
    execution_id: str | None = None
    inputs: dict[str, Any] | None = None


class _ResponseUrl(_Model):
    response_url: Url


class _Context(_Model):
    """What Bolt's build_context (and its IgnoringSelfEvents and AttachingFunctionToken
    middleware) read: at the top of a body, and again in each dict it descends into
    (authorizations[0], event, message, previous_message, item, assistant_thread)."""

    enterprise: str | _Named | None = None
    enterprise_id: str | None = None
    team: str | _Named | None = None
    team_id: str | None = None
    user: str | _UserRef | None = None
    user_id: str | None = None
    channel: str | _Named | None = None
    channel_id: str | None = None
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | None = None
    authorizations: list[_Authorization] | None = None
    event: _Context | None = None
    message: _Context | None = None
    previous_message: _Context | None = None
    item: _Context | None = None
    assistant_thread: _Context | None = None
    view: _ViewRef | None = None
    thread_ts: str | None = None
    function_execution_id: str | None = None
    function_data: _FunctionData | None = None
    bot_access_token: str | None = None
    inputs: dict[str, Any] | None = None
    bot_id: str | None = None
    response_url: Url | None = None
    response_urls: list[_ResponseUrl] | None = None


class _Authorization(_Context):
    team_id: str | None = None
    user_id: str | None = None
    enterprise_id: str | None = None
    is_enterprise_install: bool = False


_Context.model_rebuild()


class _Body(_Context):
    """A whole body. Parley's own helpers (context.actor_from_body, errors.tell_privately) read
    `team`, `user` and `channel` at the top as objects, so a plain string is refused there."""

    # A body's own fields are narrower than a context's (objects only): pydantic takes that.
    team: _Team | None = None  # type: ignore[assignment]
    user: _Actor | None = None  # type: ignore[assignment]
    channel: _Channel | None = None  # type: ignore[assignment]
    user_id: SlackId | None = None
    channel_id: str | None = None


class SlashCommand(_Body):
    command: Key
    team_id: SlackId
    user_id: SlackId
    user_team_id: SlackId | None = None
    channel_id: ConversationId
    channel_name: str = ""
    trigger_id: Token
    response_url: Url
    text: str = ""


class _Action(_Model):
    action_id: Key
    block_id: Key | None = None
    value: Annotated[str, StringConstraints(max_length=MAX_VALUE_CHARS)] | None = None


class _State(_Model):
    values: dict[str, dict[str, dict[str, Any]]]


class _View(_ViewRef):
    """A modal (or the App Home) as it comes back with an interaction."""

    id: Token
    type: str
    callback_id: Annotated[str, StringConstraints(max_length=255)]
    private_metadata: str = ""
    state: _State
    hash: Token


class _Container(_Model):
    channel_id: ConversationId | None = None
    message_ts: str | None = None
    view_id: str | None = None


class _Message(_Context):
    ts: str | None = None


def _not_a_workflow_step(kind: str) -> str:
    # Bolt reads body["workflow_step"] for these (steps from apps, retired); Parley has none.
    if kind == "workflow_step":
        raise ValueError("workflow steps are not supported")
    return kind


class _SubmittedView(_View):
    type: Annotated[str, AfterValidator(_not_a_workflow_step)]
    app_installed_team_id: SlackId | None = None
    team_id: SlackId | None = None


class BlockActions(_Body):
    type: Literal["block_actions"]
    user: _Actor
    actions: list[_Action] = Field(min_length=1)
    trigger_id: Token
    container: _Container | None = None
    message: _Message | None = None
    view: _View | None = None


class ViewSubmission(_Body):
    type: Literal["view_submission"]
    user: _Actor
    trigger_id: Token
    view: _SubmittedView


class MessageShortcut(_Body):
    """A message shortcut (type message_action): the message it was used on, and its channel."""

    type: Literal["message_action"]
    callback_id: Annotated[str, StringConstraints(max_length=255)]
    user: _Actor
    trigger_id: Token
    channel: _Channel
    message: _Message
    message_ts: Annotated[str, StringConstraints(max_length=32)] | None = None
    response_url: Url | None = None


class _ClosedView(_ViewRef):
    id: Token
    type: str
    callback_id: Annotated[str, StringConstraints(max_length=255)]
    private_metadata: str = ""


class ViewClosed(_Body):
    type: Literal["view_closed"]
    user: _Actor
    view: _ClosedView


class _Event(_Context):
    type: str


class _MemberJoinedChannel(_Event):
    user: SlackId
    channel: ConversationId


class _AppHomeOpened(_Event):
    user: SlackId
    tab: str | None = None
    team: SlackId | None = None


class _Tokens(_Model):
    oauth: list[SlackId] | None = None
    bot: list[SlackId] | None = None


class _TokensRevoked(_Event):
    """What Parley's revocation listener reads (bot/slack/installs.py): whose tokens went."""

    tokens: _Tokens | None = None


EVENTS: dict[str, type[_Event]] = {
    "member_joined_channel": _MemberJoinedChannel,
    "app_home_opened": _AppHomeOpened,
    "tokens_revoked": _TokensRevoked,
}

# Events about an installation itself. An Enterprise Grid org-wide installation's come with its
# organization's `enterprise_id` and no `team_id` (Slack's team_access_granted reference, and
# bolt-python's tests/scenario_tests/test_events_token_revocations.py); every other event
# happens in a workspace, and Slack names it.
ORG_WIDE_EVENTS = frozenset({"app_uninstalled", "tokens_revoked"})


class EventCallback(_Body):
    type: Literal["event_callback"]
    event_id: Token
    team_id: SlackId | None = None
    enterprise_id: SlackId | None = None
    event: _Event

    @model_validator(mode="after")
    def _names_its_workspace(self) -> EventCallback:
        """A team, or for an org-wide installation's own events its organization: Bolt finds
        the installation by them (and deletes it by them on an uninstall)."""
        if self.team_id is None and not (
            self.enterprise_id is not None and self.event.type in ORG_WIDE_EVENTS
        ):
            raise PydanticCustomError(
                "no_team",
                "team_id required (an org-wide installation's app_uninstalled and "
                "tokens_revoked may name its enterprise_id instead)",
            )
        return self


class UrlVerification(_Body):
    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(max_length=255)]


REQUESTS: dict[str, type[_Body]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "message_action": MessageShortcut,
    "view_closed": ViewClosed,
    "event_callback": EventCallback,
    "url_verification": UrlVerification,
}


def parse(body: str, content_type: str | None) -> dict[str, Any]:
    """The dict Bolt will see for this body (Bolt's own parse_body), or Malformed."""
    try:
        data = parse_body(body, content_type)
    except RecursionError:
        raise Malformed(f"body is nested more than {MAX_DEPTH} levels deep") from None
    except (ValueError, TypeError):
        raise Malformed("body is not valid JSON") from None
    if not isinstance(data, dict):
        raise Malformed("body must be a JSON object")
    _check_nesting_and_text(data)
    return data


def _check_nesting_and_text(data: dict[str, Any]) -> None:
    """Iteratively (no recursion): at most MAX_DEPTH containers inside one another (the body
    itself is the first), and only text that is valid Unicode (JSON can carry lone surrogates,
    which neither database nor log can encode)."""
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(data, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Malformed(f"body is nested more than {MAX_DEPTH} levels deep")
        children: Iterable[Any]
        if isinstance(container, dict):
            for key in container:
                _check_text(key)
            children = container.values()
        else:
            children = container
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif isinstance(child, str):
                _check_text(child)


def _check_text(text: str) -> None:
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Malformed("body holds text that is not valid Unicode") from None


def check(body: str, content_type: str | None) -> dict[str, Any]:
    """The parsed body, if it is one of the kinds Parley handles and well formed; else Malformed.

    `content_type` is the media type as Bolt sees it (the header up to any `;`)."""
    data = parse(body, content_type)
    model: type[_Model]
    if "command" in data:
        kind, model = "command", SlashCommand
    else:
        said = data.get("type")
        if not isinstance(said, str):
            raise Malformed("unknown request: no type")
        found = REQUESTS.get(said)
        if found is None:
            raise Malformed("unsupported request type")
        kind, model = said, found
    try:
        model.model_validate(data)
    except ValidationError as error:
        raise Malformed(f"malformed {kind}: {_first_problem(error, data)}") from None
    if kind == "event_callback":
        specific = EVENTS.get(data["event"]["type"])
        if specific is not None:
            try:
                specific.model_validate(data["event"])
            except ValidationError as error:
                where = _first_problem(error, data["event"])
                raise Malformed(f"malformed {kind}: event.{where}") from None
    return data


def _first_problem(error: ValidationError, data: Any) -> str:
    """Where (the body's own keys, shortened) and what (pydantic's message, never the input)."""
    first = error.errors(include_url=False, include_input=False, include_context=False)[0]
    path: list[str] = []
    value = data
    for part in first["loc"]:
        in_dict = isinstance(value, dict) and part in value
        in_list = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if in_dict or in_list:
            value = value[part]
        elif isinstance(part, str) and _union_member(part):
            continue
        else:  # a field that is missing
            value = None
        path.append(_safe(str(part), 40))
    what = re.sub(r" after validation, not \d+$", "", first["msg"])
    return f"{_safe('.'.join(path) or 'body', 120)}: {_safe(what, 120)}"


def _union_member(part: str) -> bool:
    """pydantic names the member of a union it tried (`str`, `_Named`, `function-after[…]`)."""
    return (
        part in {"str", "int", "bool", "float", "none", "dict", "list"} or part.startswith("_") or "[" in part
    )


def _safe(text: str, limit: int) -> str:
    printable = "".join(c if " " <= c <= "~" else "?" for c in text)
    return printable if len(printable) <= limit else printable[: limit - 3] + "..."
