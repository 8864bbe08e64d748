"""create_app(): builds the engine, the Slack client and the Bolt app. Nothing starts here."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from sqlalchemy import Engine

from bot import i18n, metrics
from bot.blocks import messages
from bot.config import Settings
from bot.db import Database, build_engine
from bot.delivery.deliverer import Deliverer
from bot.delivery.pacer import ChannelPacer
from bot.delivery.render import check_kinds
from bot.delivery.sender import Sender
from bot.executor import ListenerExecutor
from bot.http.app import WebApp
from bot.logs import JsonFormatter, TextFormatter
from bot.services import calendars, tone
from bot.services.tone import ToneChecker
from bot.services.unit_of_work import UnitOfWork
from bot.slack import installs
from bot.slack.context import Deps
from bot.slack.directory import Directory
from bot.slack.listeners import register_all
from bot.slack.membership import Membership
from bot.slack.outgoing import ParleyClient, keep_bodies_out_of_the_log, strict_transactions
from bot.store import open_store

LISTENER_THREADS = 32
GUNICORN_WORKER_BOOT_ERROR = 3  # gunicorn's Arbiter.WORKER_BOOT_ERROR: the master stops
STOPPING_SECONDS = 3.0
SOCKET_WAIT = 10.0  # seconds for Socket Mode's socket to open at start


class _QuietClientWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that our own
    client (with its base URL and retry handlers) takes precedence, which is intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("As you gave `client` as well")


class _QuietSkippedTicks(logging.Filter):
    """While a tick drains a backlog (it loops until nothing is due), APScheduler warns each
    second that the next tick was skipped (max_instances=1). That is the design, and nothing is
    lost: the running tick takes whatever falls due meanwhile."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def configure_logging(level: str, log_format: str = "text") -> None:
    """Log lines to stderr: `text` for people, `json` (one object per line) for log platforms."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    keep_bodies_out_of_the_log()
    if level != "DEBUG":
        # APScheduler logs every run of the tick at INFO; keep the log about Parley.
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        # alembic says which database backend it found each time /readyz reads the schema.
        logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
        scheduler_log = logging.getLogger("apscheduler.scheduler")
        if not any(isinstance(f, _QuietSkippedTicks) for f in scheduler_log.filters):
            scheduler_log.addFilter(_QuietSkippedTicks())


def build_client(
    settings: Settings, *, background: bool = False, delivery: bool = False, timeout: float = 15
) -> WebClient:
    """The Web API client: configurable base URL, persistent connections, retries on 429 and
    connection errors; the scheduler's client (`background`) also retries 5xx answers, since
    nobody is waiting on it. The outbox's client (`delivery`) retries nothing by itself: the
    outbox retries, with backoff, and looks up a post whose answer was lost before posting again
    (a blind retry of a timed-out post could post it twice). Its logger stays at INFO whatever
    LOG_LEVEL says: at DEBUG slack_sdk would log every request and response body (see
    bot/slack/outgoing.py)."""
    keep_bodies_out_of_the_log()
    strict_transactions(settings.strict_transactions)
    handlers = (
        []
        if delivery
        else [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            *([ServerErrorRetryHandler(max_retry_count=2)] if background else []),
        ]
    )
    return ParleyClient(
        logger=logging.getLogger("parley.slack_api"),
        token=settings.slack_bot_token or None,  # multi-workspace: each call's (bot/slack/tokens.py)
        base_url=settings.slack_api_url,
        timeout=timeout,  # slack_sdk says int; a float works
        retry_handlers=handlers,
    )


def engine_for(settings: Settings) -> Engine:
    engine = build_engine(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )
    metrics.watch_pool(engine)
    return engine


def build_deliverer(
    settings: Settings,
    db: Database,
    *,
    timeout: float = 10,
    store: installs.TimedInstallationStore | None = None,
) -> Deliverer:
    """The outbox's delivery for this process (web or worker): its pacer is that process's view
    of each channel. `store`: the process's installation store, when it has one already (a web
    process)."""
    check_kinds()  # a message kind without a renderer stops start-up, not a delivery
    client = build_client(settings, delivery=True, timeout=timeout)
    book = None
    if settings.multi_workspace:  # each row with its workspace's token
        store = store or installs.shared_store(settings, db.engine)
        book = installs.TokenBook(
            installs.authorizer(settings, store, client), client, db, settings.slack_client_id
        )
    return Deliverer(db, Sender(client), Directory(client), ChannelPacer(), installations=book)


@dataclass
class Parley:
    settings: Settings
    db: Database
    client: WebClient
    bolt: App
    wsgi: WebApp
    executor: ListenerExecutor
    deliverer: Deliverer
    unit_of_work: UnitOfWork  # the listeners' (Deps): a transaction delivered after its commit

    def close(self) -> None:
        self.executor.shutdown(wait=True)
        self.db.engine.dispose()


def _uninstalled_here(ack: Any, event: dict[str, Any]) -> None:
    """Single-workspace mode: SLACK_BOT_TOKEN stops working; say so in the log (the operator
    replaces it), and answer Slack so that it does not send the event again."""
    ack()
    logging.getLogger("parley").warning(
        "Slack says %s: SLACK_BOT_TOKEN no longer works; reinstall the app and set the new token",
        event.get("type"),
    )


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    client: WebClient | None = None,
    logger: logging.Logger | None = None,
) -> Parley:
    """Build Parley. Bolt checks the bot token with auth.test here (not at import time).

    Bolt gets a logger of its own ("parley.bolt", kept at INFO): at DEBUG it logs the responses
    it sends, which can hold a modal a person filled in."""
    logger = logger or logging.getLogger("parley.bolt")
    keep_bodies_out_of_the_log()
    if not any(isinstance(f, _QuietClientWarning) for f in logger.filters):
        logger.addFilter(_QuietClientWarning())
    if engine is not None:
        metrics.watch_pool(engine)  # engine_for watches its own
    db = Database(engine or engine_for(settings))
    client = client or build_client(settings)
    executor = ListenerExecutor(max_workers=LISTENER_THREADS)
    oauth: dict[str, Any] = {}
    store = installs.shared_store(settings, db.engine) if settings.multi_workspace else None
    if not settings.multi_workspace:
        # Bolt starts its own install flow when these are merely present in the environment,
        # blank or not; one-workspace mode has none (check_mode refused non-blank ones).
        for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
            os.environ.pop(name, None)
    if settings.multi_workspace:  # installed through Slack's OAuth flow (bot/slack/installs.py)
        assert store is not None
        oauth = {
            "oauth_flow": installs.build_oauth_flow(
                settings, db.engine, store, build_client(settings), learn=_learning(db)
            ),
            "authorize": installs.authorizer(settings, store, client),
            "installation_store_bot_only": True,
            "user_facing_authorize_error_message": str(messages.not_installed()),
        }
    bolt = App(
        client=client,
        signing_secret=settings.slack_signing_secret or None,
        # bot/http/app.py checks every HTTP request's signature (and its shape) before Bolt sees it,
        # and Socket Mode needs none: a second check here would only cost the ack path time.
        request_verification_enabled=False,
        logger=logger,
        listener_executor=executor,
        process_before_response=True,  # acks answer from the request thread; see bot/slack/listen.py
        **oauth,
    )
    deliverer = build_deliverer(settings, db, store=store)
    deps = Deps(
        settings=settings,
        db=db,
        unit_of_work=UnitOfWork(db, deliverer),
        executor=executor,
        membership=Membership(),
        directory=Directory(client, per_workspace=settings.multi_workspace),
        tone=ToneChecker(),
        logger=logger,
        store=open_store(settings.evidence_store),
    )
    register_all(bolt, deps)
    if settings.multi_workspace:
        # app_uninstalled and tokens_revoked delete the installation's tokens from the store (a
        # workspace's, or an Enterprise Grid organization's org-wide one), and this process's
        # deliveries forget them; other processes read the store again (installs.TokenBook).
        assert store is not None and isinstance(deliverer.tokens, installs.TokenBook)
        for event, listener in installs.revocation_listeners(store, deliverer.tokens).items():
            bolt.event(event)(listener)
        bolt.use(installs.remember_enterprise(db))
    else:
        bolt.event("app_uninstalled")(_uninstalled_here)
        bolt.event("tokens_revoked")(_uninstalled_here)
    secret = None if settings.socket_mode else settings.slack_signing_secret
    web = WebApp(bolt, db, secret, metrics_token=settings.metrics_token)
    return Parley(settings, db, client, bolt, web, executor, deliverer, deps.unit_of_work)


def create_app_or_exit(settings: Settings) -> Parley:
    """For entry points: an unreachable database or Slack, or a refused token, is one line and
    exit status 2 (bot/preflight.py), not a traceback."""
    from bot import preflight

    preflight.database_or_exit(settings)
    preflight.evidence_store_or_exit(settings)
    preflight.slack_or_exit(settings)
    try:
        return create_app(settings)
    except Exception as error:
        reason = preflight.slack_failure(error, settings)
        if reason is None:
            raise
        preflight.stop(reason)


def connect_socket_mode_or_exit(parley: Parley, settings: Settings) -> Any:
    """Socket Mode's connection to Slack (apps.connections.open with SLACK_APP_TOKEN, then the
    socket itself, which must open within SOCKET_WAIT seconds): a refused token, an unreachable
    Slack or a socket that does not open is one line and a non-zero exit. slack_sdk's Socket Mode
    client logs its own attempts meanwhile; they are kept out of the way of that line."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot import preflight

    quiet = logging.getLogger("parley.socket_mode")
    handler = SocketModeHandler(parley.bolt, settings.slack_app_token, logger=quiet)
    level, quiet.level = quiet.level, logging.CRITICAL + 1
    try:
        handler.connect()
        deadline = time.monotonic() + SOCKET_WAIT
        while not handler.client.is_connected() and time.monotonic() < deadline:
            time.sleep(0.05)
        connected = handler.client.is_connected()
    except Exception as error:
        handler.close()
        reason = preflight.slack_failure(error, settings, token="SLACK_APP_TOKEN")
        if reason is None:
            quiet.setLevel(level)
            raise
        preflight.stop(reason)
    if not connected:
        handler.close()  # (still quiet: its last attempts say nothing more)
        preflight.fail(
            f"Slack gave Parley a Socket Mode address, but the socket did not open within "
            f"{SOCKET_WAIT:.0f} s (a firewall or proxy that blocks WebSockets?)",
            preflight.UNAVAILABLE,
        )
    quiet.setLevel(level)
    return handler


def _marker(name: str) -> str | None:
    """A file in gunicorn.conf.py's directory, which each gunicorn master makes anew."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return os.path.join(directory, name) if directory else None


def _booted() -> None:
    """This gunicorn has had a web process start: a later one that cannot is not a mistake in
    the deploy, and is started again as usual (a restart after max_requests while Slack or the
    database is briefly away must not stop the others)."""
    path = _marker("booted")
    if path is not None:
        with contextlib.suppress(OSError):
            open(path, "a").close()


def _cannot_start(status: int) -> NoReturn:
    """A web process that cannot start. Before any has started under this gunicorn, it exits
    with gunicorn's "worker failed to boot" status, on which gunicorn stops instead of starting
    it again and again. Only the first to fail does: when a second exits so while gunicorn is
    stopping, gunicorn (27) raises its halt again and ends in a traceback; the others wait for
    gunicorn to stop them. After one has started, gunicorn starts it again, as for any exit."""
    booted, failed = _marker("booted"), _marker("boot-failed")
    if booted is None or failed is None or os.path.exists(booted):
        raise SystemExit(status)
    try:
        os.close(os.open(failed, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        # gunicorn stops in a moment: its SIGTERM ends this process at once, and a process
        # that missed it (it came while this one was starting) leaves quietly after a while.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        time.sleep(STOPPING_SECONDS)
        raise SystemExit(0) from None
    except OSError:
        pass
    raise SystemExit(GUNICORN_WORKER_BOOT_ERROR)


def _learning(db: Database) -> Callable[[str, str | None, str | None], None]:
    """What Slack says of an installing admin becomes their workspace's defaults."""

    def learn(team: str, time_zone: str | None, locale: str | None) -> None:
        with db.transaction() as session:
            calendars.learn(session, team, time_zone=time_zone, locale=locale)

    return learn


def settle_heap() -> None:
    """Once a process has built what it runs: what start-up allocated (modules, the app and its
    clients) leaves the garbage collector's full passes (gc.freeze). A full pass otherwise walks
    some 150,000 objects and stops every thread for 50-60 ms, a few times a second under load:
    the tail of the acks' latency (docs/performance.md). Entry points only: a test process builds
    many apps, and frozen objects are never freed."""
    i18n.warm()
    tone.warm()
    gc.collect()
    gc.freeze()


def wsgi_from_env() -> WebApp:
    """Factory for gunicorn, run in each web process: settings from the environment, and the
    scheduler too unless RUN_SCHEDULER=false, as under app.py. gunicorn.conf.py's worker_exit
    calls the app's `on_exit` after the process's last request (graceful shutdown)."""
    from bot.config import load_settings_or_exit
    from bot.jobs import tasks
    from bot.shutdown import finish, wind_down

    try:
        settings = load_settings_or_exit()
        configure_logging(settings.log_level, settings.log_format)
        parley = create_app_or_exit(settings)
    except SystemExit as stopped:
        # The line is printed. `python -m bot.web` makes the same checks before gunicorn starts
        # any process, so this is for what changed since.
        _cannot_start(stopped.code if isinstance(stopped.code, int) else 1)
    _booted()
    scheduler = None
    if settings.run_scheduler:
        logging.getLogger("parley").info(
            "this web process runs the scheduler too (set RUN_SCHEDULER=false when a worker runs it)"
        )
        scheduler = tasks.start(parley.db, settings, parley.deliverer)

    def on_exit() -> None:
        finish(wind_down(parley.deliverer, executor=parley.executor, scheduler=scheduler))
        parley.close()

    parley.wsgi.on_exit = on_exit
    settle_heap()
    return parley.wsgi
