"""How Parley registers listeners: the ack happens in the request thread, the work after it, and
the work happens once per Slack request.

Bolt runs with process_before_response=True, so a listener runs in the HTTP request's own thread
and its ack goes back to Slack as soon as it returns. Each Parley listener acks, then queues its
work on the listener executor (with the same arguments: Bolt's own lazy listeners would deep-copy
the whole request first, in the thread that acks). Acks therefore never wait behind a busy
executor, a slow database lock or a slow Slack call.

Slack re-sends an event it did not see acked in time (same `event_id`, `X-Slack-Retry-Num`), and a
signed request can be replayed within Slack's five minutes. So each registration says how its
work happens once:
- `once=ONCE`: before the work runs, the request's key is recorded in the database
  (bot/services/replays.py): the event's id, a view submission's view id and hash, a click's
  trigger id. A retry or replay, on any process, finds the key and its work does nothing. The key
  is written after the ack, so the ack never waits for it. Every event, every view submission and
  every click that changes something is registered so.
- `once=REPEAT_IS_HARMLESS`: the work only opens a modal (Slack takes a trigger_id once), updates
  one (Slack refuses a stale view hash), or only reads and answers the person privately; a
  repeat changes nothing, so it costs no write (the benchmarks showed what a write before every
  click costs the acks of a busy app: docs/performance.md).

Each feature module lists its listeners in a table (`LISTENERS`, rows of `On`) of module-level
functions; `register` puts a table on the Bolt app."""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from slack_bolt import Ack, App

from bot import i18n, metrics
from bot.db import Database
from bot.services import calendars, replays
from bot.services.people import Person
from bot.slack import language
from bot.slack.context import RECEIVED_AT, REQUEST_KIND, Deps, deps_of
from bot.slack.errors import guarded

log = logging.getLogger("parley.listen")

Registrar = Callable[..., Any]  # app.action(...), app.command(...), app.view(...), app.event(...)
Work = Callable[..., None]


def ack_now(ack: Ack) -> None:
    ack()


ONCE = True
REPEAT_IS_HARMLESS = False


@dataclass(frozen=True)
class On:
    """One listener of a feature's table: what it answers (an action id, a view's callback id, a
    command, an event type), the work after the ack, whether that work must happen once per Slack
    request, and the ack (default: at once; for a view submission, the form's check)."""

    kind: Literal["action", "view", "command", "event", "shortcut"]
    key: str
    work: Work
    once: bool
    ack: Callable[..., None] = ack_now


def register(app: App, table: Iterable[On]) -> None:
    for row in table:
        ack_then_work(getattr(app, row.kind)(row.key), once=row.once, ack=row.ack)(row.work)


def ack_then_work(
    registrar: Registrar, *, once: bool, ack: Callable[..., None] = ack_now
) -> Callable[[Work], Work]:
    """Acknowledge with `ack` (default: at once), then run the function after it, once per Slack
    request (`ONCE`: recorded in the app's database), or each time it comes when its work is
    `REPEAT_IS_HARMLESS` (see the module docstring).

    For a view submission, `ack` validates and answers with response_action, and leaves what the
    work needs in `context["form"]`; Bolt starts the work either way, so the work runs only when
    that form is there (not when the modal went back with errors or was shown again)."""

    def register(work: Work) -> Work:
        registrar(_then(guarded(ack), guarded(_after_ack(work, once, needs_form=ack is not ack_now))))
        return work

    return register


def _then(ack: Callable[..., None], work: Work) -> Callable[..., None]:
    """One Bolt listener: `ack` in the request's thread, then `work` queued on the listener
    executor (Deps.executor) with the arguments it names."""
    acks = list(inspect.signature(ack).parameters)
    works = list(inspect.signature(work).parameters)

    def listener(**kwargs: Any) -> None:
        with i18n.use(language.of_view(kwargs["body"])):
            answers = {name: kwargs[name] for name in acks}
            if "ack" in answers:  # a form shown again in the ack keeps the language it was in
                answers["ack"] = _stamping(answers["ack"])
            ack(**answers)
        deps_of(kwargs["context"]).executor.submit(work, **{name: kwargs[name] for name in works})

    # Must stay: Bolt passes a listener only the arguments its signature names.
    listener.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for name in dict.fromkeys([*acks, *works, "context", "body"])
        ]
    )
    listener.__name__ = work.__name__
    listener.__qualname__ = work.__qualname__
    return listener


def _stamping(ack: Ack) -> Callable[..., Any]:
    def answer(*args: Any, **kwargs: Any) -> Any:
        if isinstance(kwargs.get("view"), dict):
            kwargs["view"] = language.stamp(kwargs["view"])
        return ack(*args, **kwargs)

    return answer


def request_key(body: dict[str, Any]) -> str | None:
    """What identifies one Slack request across retries and replays (None: nothing to go on)."""
    kind = body.get("type")
    if kind == "event_callback" and isinstance(body.get("event_id"), str):
        return replays.key_for("event", body["event_id"])
    if kind == "view_submission" and isinstance(body.get("view"), dict):
        view = body["view"]
        return replays.key_for("view", str(view.get("id")), str(view.get("hash")))
    if isinstance(body.get("trigger_id"), str):
        action = (body.get("actions") or [{}])[0]
        action_ts = str(action.get("action_ts", "")) if isinstance(action, dict) else ""
        return replays.key_for("command" if "command" in body else "action", body["trigger_id"], action_ts)
    return None


def first_delivery(db: Database, body: dict[str, Any]) -> bool:
    """Record this request as handled; False when it was already (a retry or a replay)."""
    key = request_key(body)
    if key is None:
        return True
    with db.transaction() as session:
        fresh = replays.first_time(session, key)
    if not fresh:
        log.info(
            "a %s was delivered again (a retry or a replay); its work is already done", key.split(":")[0]
        )
    return fresh


def _measure(context: dict[str, Any]) -> None:
    """A Slack request's time from its arrival to the end of its work (HTTP requests only: the
    web app stamps their arrival)."""
    received, kind = context.get(RECEIVED_AT), context.get(REQUEST_KIND)
    if isinstance(received, float) and isinstance(kind, str):
        metrics.observe(metrics.REQUEST_SECONDS, kind, time.monotonic() - received)


def _language_of(context: Any) -> str:
    """The actor's language: what they see privately is in it (messages to a channel are not:
    the delivery renders them in the channel's language)."""
    actor = context.get("actor")
    return deps_of(context).directory.language(actor.user_id) if actor is not None else i18n.SOURCE


LEARN_EVERY_SECONDS = 3600.0


def learn_calendar(deps: Deps, actor: Person | None) -> None:
    """What Slack says of the actor (time zone, locale) becomes their organization's default
    calendar, until one of its admins sets one (bot/services/calendars.py). Looked at once an
    hour per organization and process; written only when the row is missing or a week old."""
    seen, now = deps.calendars_seen, time.monotonic()
    if actor is None or now - seen.get(actor.team_id, -LEARN_EVERY_SECONDS) < LEARN_EVERY_SECONDS:
        return
    seen[actor.team_id] = now
    try:
        profile = deps.directory.glance(actor.user_id)
        if profile is None or profile.person.team_id != actor.team_id or profile.is_bot:
            return
        with deps.db.transaction() as session:
            if calendars.needs_learning(session, actor.team_id):
                calendars.learn(session, actor.team_id, time_zone=profile.tz, locale=profile.locale)
    except Exception:  # a default, never worth what the person asked for: learnt another time
        seen.pop(actor.team_id, None)
        log.warning(
            "could not learn %s's calendar from Slack; trying again later", actor.team_id, exc_info=True
        )


def _after_ack(work: Work, once: bool, *, needs_form: bool) -> Work:
    own = inspect.signature(work).parameters

    def run(**kwargs: Any) -> None:
        if needs_form and kwargs["context"].get("form") is None:
            return
        if once and not first_delivery(deps_of(kwargs["context"]).db, kwargs["body"]):
            return
        try:
            # First, so that what this request posts already speaks the organization's language.
            learn_calendar(deps_of(kwargs["context"]), kwargs["context"].get("actor"))
            with i18n.use(_language_of(kwargs["context"])):
                work(**{name: value for name, value in kwargs.items() if name in own})
        finally:
            _measure(kwargs["context"])

    extra = [
        inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        for name in ("body", "context")
        if name not in own
    ]
    # Must stay: Bolt passes a listener only the arguments its signature names (see errors.py).
    run.__signature__ = inspect.Signature([*own.values(), *extra])  # type: ignore[attr-defined]
    run.__name__ = work.__name__
    run.__qualname__ = work.__qualname__
    return run
