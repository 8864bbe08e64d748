"""Which workspace's token a Slack call uses, in multi-workspace mode.

Parley's one Web API client (bot/slack/outgoing.py) has no token of its own then: each call
takes the token of the installation it acts for, from a context variable. A Slack request binds
it from Bolt's authorization (the installation store), in a global middleware, for the request
and the work after its ack (each request runs in a context of its own, which the listener
executor copies); a delivery binds it for the row it sends. In
single-workspace mode the client has SLACK_BOT_TOKEN and nothing is bound."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class NotInstalled(Exception):
    """Multi-workspace mode: the workspace has no installation of Parley (it uninstalled it, or
    never had it): what was owed to it is not sent."""


Token = str | Callable[[], str | None] | None  # a token, or how to find it when a call needs it

_token: ContextVar[Token] = ContextVar("parley_slack_token", default=None)


def current() -> str | None:
    token = _token.get()
    return token() if callable(token) else token


def bind(token: str | None) -> None:
    """For the rest of this context: bot/http/app.py runs each Slack request in a context of its
    own, and the listener executor copies it into the work after the ack."""
    _token.set(token)


@contextmanager
def acting_as(token: Token) -> Iterator[None]:
    """Calls inside the block use `token` (None: the client's own). Given as a function, it is
    looked up only if a call is made (rendering a message often needs none)."""
    reset = _token.set(token)
    try:
        yield
    finally:
        _token.reset(reset)
