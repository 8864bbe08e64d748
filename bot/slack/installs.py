"""Multi-workspace mode: Slack's OAuth v2 install flow, as Bolt runs it, with slack_sdk's
SQLAlchemy installation store and OAuth state store in Parley's own database (their tables:
models/installations.py, migration 0011).

GET /slack/install shows the "Add to Slack" page (a state is issued for it, good for ten minutes
and once, and tied to the browser by a cookie); GET /slack/oauth_redirect completes the install
and stores it. Both are Bolt's own paths, served by Bolt's WSGI adapter (bot/http/app.py); Parley
only supplies the pages (bot/blocks/install_pages.py). Every Slack request is then authorized
from the store, bot tokens only; with token rotation on for the app, Bolt refreshes a token
before it expires. An uninstall (app_uninstalled, tokens_revoked: a workspace's, or an Enterprise
Grid organization's org-wide installation) deletes its tokens (revocation_listeners)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.blocks.install_pages import failure_page, install_page, installed_page
from bot.config import Settings
from bot.db import READ_ONLY, Database
from bot.i18n import _
from bot.slack.install_cache import TimedInstallationStore
from bot.slack.tokens import NotInstalled
from models import Workspace
from models.installations import (
    BOTS_TABLE,
    INSTALLATIONS_TABLE,
    OAUTH_STATES_TABLE,
    bots,
)

log = logging.getLogger("parley.installs")

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
ROTATE_BEFORE_MINUTES = 120  # a rotating token is refreshed when it has less than this left
_HTML = {"Content-Type": "text/html; charset=utf-8"}
_AGAIN = "parley_installed_again"


class ParleyOAuthFlow(OAuthFlow):
    """Bolt's flow with Parley's install page, and a note of whether the workspace had Parley
    already (its success page says so)."""

    def build_install_page_html(self, url: str, request: BoltRequest) -> str:
        return install_page(url)

    learn_installer: Callable[[str, str | None, str | None], None] | None = None

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        store = self.settings.installation_store
        request.context[_AGAIN] = (
            store.find_bot(
                enterprise_id=installation.enterprise_id,
                team_id=installation.team_id,
                is_enterprise_install=installation.is_enterprise_install,
            )
            is not None
        )
        super().store_installation(request, installation)
        self._learn_from_installer(installation)

    def _learn_from_installer(self, installation: Installation) -> None:
        """The installing admin's time zone and locale: the workspace's first defaults (its
        calendar, its channels' language), until one of its admins sets them."""
        team, user = installation.team_id, installation.user_id
        if self.learn_installer is None or not team or not user or not installation.bot_token:
            return
        try:
            found = self.client.users_info(token=installation.bot_token, user=user, include_locale=True)[
                "user"
            ]
            self.learn_installer(team, found.get("tz"), found.get("locale"))
        except Exception:  # defaults: learnt from its people later; the install stands
            log.warning("could not learn %s's defaults from its installer", team, exc_info=True)


def _installed(args: SuccessArgs) -> BoltResponse:
    done = args.installation
    # Translators: stands for the workspace's name on the install page when Slack gave none.
    name = done.team_name or done.enterprise_name or _("your workspace")
    team = done.team_id or done.enterprise_id
    log.info(
        "installed in %s (%s)%s",
        team,
        "organization" if done.is_enterprise_install else "workspace",
        " again" if args.request.context.get(_AGAIN) else "",
    )
    app_url = (
        f"https://slack.com/app_redirect?app={done.app_id}&team={team}" if done.app_id and team else None
    )
    page = installed_page(name, again=bool(args.request.context.get(_AGAIN)), app_url=app_url)
    return BoltResponse(status=200, body=page, headers=dict(_HTML))


def _not_installed(args: FailureArgs) -> BoltResponse:
    log.info("an install did not complete: %r", args.reason[:80])
    status = args.suggested_status_code if args.suggested_status_code < 500 else 500
    return BoltResponse(status=status, body=failure_page(args.reason, INSTALL_PATH), headers=dict(_HTML))


def installation_store(settings: Settings, engine: Engine) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id,
        engine=engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
        logger=log,
    )


def installation_of(session: Session, client_id: str, team_id: str) -> tuple[str | None, bool] | None:
    """(enterprise id, org-wide?) of the installation that covers the workspace: its own (a Grid
    workspace's is stored with its organization's id), or its Enterprise Grid organization's
    org-wide one (the organization is known once Slack has named it in a request from that
    workspace: models/workspace.py); None when there is neither."""
    own = session.execute(
        select(bots.c.enterprise_id)
        .where(bots.c.client_id == client_id, bots.c.team_id == team_id)
        .order_by(bots.c.installed_at.desc())
        .limit(1)
    ).first()
    if own is not None:
        return own.enterprise_id, False
    org = session.scalar(select(Workspace.enterprise_id).where(Workspace.team_id == team_id))
    if org is None:
        return None
    org_wide = session.execute(
        select(bots.c.id)
        .where(
            bots.c.client_id == client_id,
            bots.c.enterprise_id == org,
            bots.c.team_id.is_(None),
            bots.c.is_enterprise_install.is_(True),
        )
        .limit(1)
    ).first()
    return (org, True) if org_wide is not None else None


def shared_store(settings: Settings, engine: Engine) -> TimedInstallationStore:
    """The process's one installation store: answers kept in memory and refreshed ahead
    (bot/slack/install_cache.py), read without a write lock, written by the install flow and
    the revocation listeners (which so clear what it kept)."""
    reads = engine.execution_options(**{READ_ONLY: True})  # on every request: no write lock
    return TimedInstallationStore(installation_store(settings, reads), installation_store(settings, engine))


def authorizer(
    settings: Settings, store: TimedInstallationStore, client: WebClient
) -> InstallationStoreAuthorize:
    """Bolt's authorization from the installation store (bot tokens only), refreshing a rotating
    token before it expires, with auth.test's answer kept per token (not asked on every
    request)."""
    return InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        bot_only=True,
        cache_enabled=True,
        client=client,
    )


class TokenBook:
    """Deliveries' tokens (the outbox, on web processes and the worker): each workspace's bot
    token, as Bolt's authorization finds it (a rotating token is refreshed first), kept for a
    minute so that a burst of deliveries does not read the store for every message.

    Nothing tells a process that another one heard of an uninstall: after KEEP seconds each
    workspace's installation is read from the database again (installation_of: the org-wide one
    through the workspace's organization), and a token Slack refuses is forgotten at once
    (bot/delivery/send.py). The process that hears it forgets at once (revocation_listeners)."""

    KEEP = 60.0

    def __init__(
        self, authorize: InstallationStoreAuthorize, client: WebClient, db: Database, client_id: str
    ) -> None:
        self.authorize = authorize
        self.client = client
        self.db = db
        self.client_id = client_id
        self._lock = threading.Lock()
        # workspace -> (when, its token, the organization of the installation it came from)
        self._known: dict[str, tuple[float, str | None, str | None]] = {}
        self._forgets = 0  # a lookup that a forget overtook is not kept (it may be the old token)

    def bot_token(self, team_id: str) -> str | None:
        """The token; None when it cannot be found just now (try again later); NotInstalled
        when the workspace has no installation."""
        now = time.monotonic()
        with self._lock:
            known = self._known.get(team_id)
            forgets = self._forgets
        if known is not None and now - known[0] < self.KEEP:
            return known[1]
        found = self._installation_of(team_id)
        if found is None:  # uninstalled (its tokens deleted), or never installed
            with self._lock:
                self._known.pop(team_id, None)
            raise NotInstalled(f"Parley is no longer installed in workspace {team_id}")
        enterprise_id, org_wide = found
        context = BoltContext({"client": self.client, "is_enterprise_install": org_wide})
        result = self.authorize(context=context, enterprise_id=enterprise_id, team_id=team_id, user_id=None)
        token = result.bot_token if result is not None else None
        if token is not None:  # a workspace without one is asked again (it may install soon)
            with self._lock:
                if self._forgets == forgets:
                    self._known[team_id] = (now, token, enterprise_id)
        return token

    def _installation_of(self, team_id: str) -> tuple[str | None, bool] | None:
        with self.db.read() as session:
            return installation_of(session, self.client_id, team_id)

    def forget(self, team_id: str) -> None:
        """A token Slack refused, or a workspace that removed Parley: read the store again next
        time (the token may have been replaced, or be gone)."""
        with self._lock:
            self._known.pop(team_id, None)
            self._forgets += 1
        store = self.authorize.installation_store
        if isinstance(store, TimedInstallationStore):
            store.forget(team_id)

    def forget_installation(self, enterprise_id: str | None, team_id: str | None) -> None:
        """An installation deleted from the store: a workspace's (by its team), or an Enterprise
        Grid organization's org-wide one (team None): then every workspace of the organization."""
        if team_id is not None:
            self.forget(team_id)
            return
        if enterprise_id is None:
            return
        with self._lock:
            for team in [t for t, known in self._known.items() if known[2] == enterprise_id]:
                del self._known[team]
            self._forgets += 1
        store = self.authorize.installation_store
        if isinstance(store, TimedInstallationStore):
            store.forget(enterprise_id=enterprise_id)


def revoked_installation(context: BoltContext) -> tuple[str | None, str | None] | None:
    """(enterprise id, team id) of the installation an app_uninstalled or tokens_revoked is
    about, as slack_sdk's store keys it: an org-wide one by its organization alone (Slack names
    no team for it, or says it is org-wide), as the store's own find_bot reads it. None when
    Bolt found neither (never a delete of everything without either)."""
    if context.team_id and not context.is_enterprise_install:
        return context.enterprise_id, context.team_id
    return (context.enterprise_id, None) if context.enterprise_id else None


def revocation_listeners(store: InstallationStore, book: TokenBook) -> dict[str, Callable[..., None]]:
    """Listeners for app_uninstalled and tokens_revoked (Bolt acks events by itself). They do
    what Bolt's built-in ones do (slack_bolt.listener.builtins: delete the installation's tokens
    from the store, which forgets what it kept) and then forget this process's deliveries'
    tokens: a middleware could not, since Bolt runs a listener after every middleware has
    returned. Unlike Bolt's, an org-wide installation is deleted by its organization even when
    Slack also names a workspace, as the store finds it."""

    def uninstalled(context: BoltContext) -> None:
        found = revoked_installation(context)
        if found is None:
            return
        enterprise_id, team_id = found
        try:
            store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        finally:
            book.forget_installation(enterprise_id, team_id)
        log.info(
            "Parley was uninstalled from %s %s",
            "workspace" if team_id else "organization",
            team_id or enterprise_id,
        )

    def revoked(event: dict[str, Any], context: BoltContext) -> None:
        found = revoked_installation(context)
        if found is None:
            return
        enterprise_id, team_id = found
        gone = event.get("tokens") or {}  # its shape is checked by bot/http/envelope.py
        try:
            for user_id in gone.get("oauth") or []:
                store.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
            if gone.get("bot"):
                store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        finally:
            book.forget_installation(enterprise_id, team_id)

    return {"app_uninstalled": uninstalled, "tokens_revoked": revoked}


def remember_enterprise(db: Database) -> Callable[..., None]:
    """Global middleware: the Enterprise Grid organization of each workspace Slack names one for
    (once per workspace and process), so that deliveries find an org-wide installation's token
    by the workspace (TokenBook) and the record says which organization a workspace is in.
    Written on a thread of its own: the request's ack never waits for it."""
    seen: set[str] = set()
    lock = threading.Lock()

    def record(team: str, org: str) -> None:
        try:
            with db.transaction() as session:
                insert = (
                    postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
                )
                session.execute(
                    insert(Workspace)
                    .values(team_id=team, enterprise_id=org)
                    .on_conflict_do_update(
                        index_elements=["team_id"],
                        set_={"enterprise_id": org},
                        where=Workspace.enterprise_id.is_distinct_from(org),
                    )
                )
        except Exception:
            log.exception("cannot record the organization of workspace %s", team)
            with lock:
                seen.discard(team)

    def middleware(context: BoltContext, next: Callable[[], Any]) -> Any:
        team, org = context.team_id, context.enterprise_id
        if team and org:
            with lock:
                fresh = team not in seen
                seen.add(team)
            if fresh:
                threading.Thread(target=record, args=(team, org), daemon=True, name="parley-grid").start()
        return next()

    return middleware


def team_of_bot(db: Database, client_id: str, bot_user_id: str) -> str | None:
    """The workspace whose installation has this bot user (each installation has its own)."""
    with db.read() as session:
        return session.execute(
            select(bots.c.team_id)
            .where(bots.c.client_id == client_id, bots.c.bot_user_id == bot_user_id)
            .order_by(bots.c.installed_at.desc())
            .limit(1)
        ).scalar()


def installed_teams(session: Session, client_id: str, teams: Iterable[str]) -> set[str]:
    """Those of `teams` that have Parley installed (their own installation or their
    organization's org-wide one)."""
    return {team for team in dict.fromkeys(teams) if installation_of(session, client_id, team)}


def build_oauth_flow(
    settings: Settings,
    engine: Engine,
    store: TimedInstallationStore,
    client: WebClient,
    learn: Callable[[str, str | None, str | None], None] | None = None,
) -> ParleyOAuthFlow:
    """`client` makes the flow's own calls (oauth.v2.access, auth.test, the installer's
    users.info): SLACK_API_URL's. `learn(team, time zone, locale)` keeps what Slack says of the
    installing admin."""
    oauth = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=settings.slack_scopes.split(","),
        user_scopes=[],
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_BEFORE_MINUTES,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=engine, table_name=OAUTH_STATES_TABLE, logger=log
        ),
        state_expiration_seconds=STATE_SECONDS,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=True,
        callback_options=CallbackOptions(success=_installed, failure=_not_installed),
        logger=log,
    )
    flow = ParleyOAuthFlow(client=client, settings=oauth, logger=log)
    flow.learn_installer = learn
    return flow
