"""How Parley registers listeners: the ack happens in the request thread, the work after it.

Bolt runs with process_before_response=True, so a listener's ack function runs in the HTTP
request's own thread and its answer goes back to Slack as soon as that function returns; the
slow work is a lazy function on the listener executor. Acks therefore never wait behind a busy
executor, a slow database lock or a slow Slack call."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.slack.errors import guarded

Registrar = Callable[..., Any]  # app.action(...), app.command(...), app.view(...), app.event(...)
Work = Callable[..., None]


def ack_now(ack: Ack) -> None:
    ack()


def lazily(registrar: Registrar, *, ack: Callable[..., None] = ack_now) -> Callable[[Work], Work]:
    """Decorator: acknowledge with `ack` (default: at once), then run the function after it.

    For a view submission, `ack` validates and answers with response_action, and leaves what the
    work needs in `context["form"]`; Bolt starts the work either way, so the work runs only when
    that form is there (not when the modal went back with errors or was shown again)."""

    def register(work: Work) -> Work:
        run = work if ack is ack_now else _only_with_form(work)
        registrar(ack=guarded(ack), lazy=[guarded(run)])
        return work

    return register


def _only_with_form(work: Work) -> Work:
    @functools.wraps(work)
    def run(**kwargs: Any) -> None:
        if kwargs["context"].get("form") is not None:
            work(**kwargs)

    return run
