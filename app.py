"""Parley's entry point: load settings, build the app, serve HTTP on $PORT (or Socket Mode when
SLACK_APP_TOKEN is set) and run the scheduler in-process unless RUN_SCHEDULER=false.

SIGTERM (or Ctrl-C) stops it gracefully: the server stops listening, the work already acked is
finished and its messages delivered, the scheduler stops, and the process exits 0
(bot/shutdown.py)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from typing import Any


class _Stopping:
    """When SIGTERM (or Ctrl-C) came: waitress's loop ends on the SystemExit the handler raises;
    a second signal while Parley winds down is ignored rather than cutting it short."""

    at: float | None = None
    name = "stopping"

    @classmethod
    def handle(cls, signum: int, _frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        cls.at, cls.name = time.monotonic(), signal.Signals(signum).name
        raise SystemExit(0)


def _enough_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files towards `wanted` (as far as the hard limit
    allows): waitress holds a file for each connection, and a soft limit of 1024 (common on
    Linux) would leave room for few (bot/http/app.py, connection_limit)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            limit = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))
    except (ImportError, OSError, ValueError):  # not on this platform: waitress_options copes
        pass


def main() -> int:
    # One process: its metrics stay in its own memory (gunicorn.conf.py's directory is for
    # gunicorn's processes), so prometheus_client must not see the variable when it is imported.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from bot import preflight, version
    from bot.application import (
        configure_logging,
        connect_socket_mode_or_exit,
        create_app_or_exit,
        settle_heap,
    )
    from bot.config import load_settings_or_exit
    from bot.http.app import FILES_KEPT_BACK, MAX_CONNECTIONS, waitress_options
    from bot.jobs import tasks
    from bot.shutdown import GRACE_SECONDS, finish, wind_down

    settings = load_settings_or_exit()
    configure_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("parley")
    parley = create_app_or_exit(settings)

    import waitress

    _enough_open_files(2 * MAX_CONNECTIONS + FILES_KEPT_BACK)
    try:
        server = waitress.create_server(
            parley.wsgi, host="0.0.0.0", port=settings.port, **waitress_options(settings.web_threads)
        )
    except OSError as error:  # the port is taken (an old process still stopping?)
        parley.close()
        preflight.fail(
            f"cannot listen on PORT {settings.port}: {error.strerror or error}", preflight.UNAVAILABLE
        )
    socket_mode = None
    if settings.socket_mode:
        socket_mode = connect_socket_mode_or_exit(parley, settings)
        parley.wsgi.readiness.socket_connected = socket_mode.client.is_connected
        log.info(
            "Parley %s: Socket Mode connected; /healthz, /readyz and /metrics on port %d",
            version(),
            settings.port,
        )
    else:
        log.info(
            "Parley %s: serving /slack/events, /healthz, /readyz and /metrics on port %d",
            version(),
            settings.port,
        )
    scheduler = tasks.start(parley.db, settings, parley.deliverer) if settings.run_scheduler else None

    try:
        signal.signal(signal.SIGTERM, _Stopping.handle)
        signal.signal(signal.SIGINT, _Stopping.handle)
        settle_heap()
        server.run()  # until SIGTERM or Ctrl-C; waitress then lets its request threads finish
    finally:
        server.close()  # no new connections: refused, so a load balancer tries elsewhere
        if socket_mode is not None:
            socket_mode.close()
        stopped_at = _Stopping.at or time.monotonic()
        log.info("%s: no new requests", _Stopping.name)
        finish(
            wind_down(
                parley.deliverer,
                executor=parley.executor,
                scheduler=scheduler,
                deadline=stopped_at + GRACE_SECONDS,
            )
        )
        parley.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
