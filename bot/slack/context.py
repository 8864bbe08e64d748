"""What every listener needs: settings, the database, the user directory; plus actor resolution."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.db import Database
from bot.executor import ListenerExecutor
from bot.services import providers
from bot.services.overview import FiguresCache
from bot.services.people import Person
from bot.services.tone import ToneChecker
from bot.services.unit_of_work import UnitOfWork
from bot.slack import installs, tokens
from bot.slack.directory import Directory
from bot.slack.membership import Membership
from bot.store import EvidenceStore
from bot.store.database import DatabaseStore

# Set by the web app in a Slack request's Bolt context (the copy for the work after the ack keeps
# them): when the request came in (time.monotonic()), and its kind ("command", or the payload's
# type), for the request latency metric.
RECEIVED_AT = "parley_received_at"
REQUEST_KIND = "parley_request_kind"


@dataclass
class Deps:
    settings: Settings
    db: Database
    unit_of_work: UnitOfWork  # a transaction whose messages are delivered after its commit
    executor: ListenerExecutor  # runs each listener's work after its ack (bot/slack/listen.py)
    directory: Directory
    membership: Membership
    tone: ToneChecker
    logger: logging.Logger
    figures: FiguresCache = field(default_factory=FiguresCache)  # App Home's team figures
    store: EvidenceStore = field(default_factory=DatabaseStore)  # evidence's copies (bot/store)
    calendars_seen: dict[str, float] = field(default_factory=dict)  # team -> last learnt (listen.py)


def use_deps(deps: Deps) -> Callable[..., None]:
    """Global middleware: what listeners need (settings, database, directory …) on the context,
    so they can be plain module-level functions."""

    def middleware(context: BoltContext, next: Any) -> None:
        context["deps"] = deps
        next()

    return middleware


def deps_of(context: BoltContext) -> Deps:
    return context["deps"]


def host_team_id(context: BoltContext) -> str:
    """The workspace whose installation carried this request (from the authorization), not
    necessarily the acting person's: a dispute is reached only through it (disputes.load)."""
    result = context.authorize_result
    team = (result.team_id if result else None) or context.team_id
    if not team:
        raise RuntimeError("cannot tell which workspace Parley is installed in")
    return team


def channel_provider(session: Session, context: BoltContext, channel_id: str, host: str | None = None) -> str:
    """The provider organization in that channel (bot/services/providers.py), whichever
    installation carried the request. Where none is recorded yet, the organization that hosts
    the channel (`host`, else the one last seen in conversations.info) if Parley works for it,
    else the carrying workspace. In any-workspace mode, an organization that has since removed
    Parley no longer holds the channel: the carrying workspace's then does (see
    settle_provider)."""
    carrier = host_team_id(context)
    deps = deps_of(context)
    host = host or deps.membership.known_host(channel_id)
    default = first_provider(session, deps, carrier, host)
    provider = providers.provider_of(session, channel_id, default)
    if (
        provider != carrier
        and deps.settings.multi_workspace
        and not _works_for(session, deps, carrier, provider)
    ):
        return carrier
    return provider


def first_provider(session: Session, deps: Deps, team: str, host: str | None) -> str:
    """Who becomes a channel's provider when none is recorded: its host organization if Parley
    works for it, else `team` (the organization that brought Parley in, or opened a dispute)."""
    return host if host and _works_for(session, deps, team, host) else team


def _works_for(session: Session, deps: Deps, carrier: str, team: str) -> bool:
    """Parley can act for `team` here: it is the carrying workspace's, or (any-workspace mode)
    that organization has installed Parley too."""
    return team == carrier or (
        deps.settings.multi_workspace
        and installs.installation_of(session, deps.settings.slack_client_id, team) is not None
    )


def settle_provider(
    session: Session, context: BoltContext, channel_id: str, by: Person, host: str | None = None
) -> str:
    """channel_provider, recorded: the first provider of the channel, or the carrying workspace
    taking over from one that removed Parley (audited as a hand-over). `host`: the channel's
    host organization, as Slack said it just now (outside the transaction)."""
    live = channel_provider(session, context, channel_id, host)
    recorded = providers.claim(session, channel_id, live, by=by)
    if recorded != live:
        providers.hand_over(session, channel_id, from_team=recorded, to_team=live, by=by)
    return live


def actor_from_body(body: dict[str, Any]) -> Person | None:
    """The person behind a request: (their own team_id, user_id); connected-org users included."""
    if "command" in body:
        return Person(team_id=body.get("user_team_id") or body["team_id"], user_id=body["user_id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("id"):
        team = user.get("team_id") or (body.get("team") or {}).get("id") or ""
        return Person(team_id=team, user_id=user["id"])
    return None


def resolve_actor(context: BoltContext, body: dict[str, Any], next: Any) -> None:
    """Global middleware: put the acting person on the context as `actor`."""
    context["actor"] = actor_from_body(body)
    next()


def use_client(client: WebClient) -> Callable[..., None]:
    """Global middleware: listeners call Slack with Parley's own client (bot/slack/outgoing.py:
    guarded, persistent connections), not the plain WebClient Bolt makes for each request. In
    multi-workspace mode its calls take the token Bolt authorized this request with
    (bot/slack/tokens.py), here and in the work after the ack."""

    def middleware(context: BoltContext, next: Any) -> None:
        context["client"] = client
        if not client.token:
            # Must stay unscoped: Bolt runs its middleware one after the other, not nested, so the
            # listener (and the submission of its work) comes after this returns. Each request
            # runs in a context of its own (bot/http/app.py), which the binding does not outlive.
            tokens.bind(context.bot_token)
        next()

    return middleware
