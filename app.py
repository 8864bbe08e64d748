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


def main() -> int:
    # One process: its metrics stay in its own memory (gunicorn.conf.py's directory is for
    # gunicorn's processes), so prometheus_client must not see the variable when it is imported.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from bot.application import configure_logging, create_app_or_exit
    from bot.config import load_settings_or_exit
    from bot.http.app import waitress_options
    from bot.jobs import tasks
    from bot.shutdown import GRACE_SECONDS, finish, wind_down

    settings = load_settings_or_exit()
    configure_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("parley")
    parley = create_app_or_exit(settings)

    import waitress

    server = waitress.create_server(parley.wsgi, host="0.0.0.0", port=settings.port,
                                    **waitress_options(settings.web_threads))
    scheduler = tasks.start(parley.db, settings, parley.deliverer) if settings.run_scheduler else None
    socket_mode = None
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_mode = SocketModeHandler(parley.bolt, settings.slack_app_token)
        socket_mode.connect()
        parley.wsgi.readiness.socket_connected = socket_mode.client.is_connected
        log.info("Socket Mode connected; /healthz, /readyz and /metrics on port %d", settings.port)
    else:
        log.info("serving /slack/events, /healthz, /readyz and /metrics on port %d", settings.port)

    try:
        signal.signal(signal.SIGTERM, _Stopping.handle)
        signal.signal(signal.SIGINT, _Stopping.handle)
        server.run()  # until SIGTERM or Ctrl-C; waitress then lets its request threads finish
    finally:
        server.close()  # no new connections: refused, so a load balancer tries elsewhere
        if socket_mode is not None:
            socket_mode.close()
        stopped_at = _Stopping.at or time.monotonic()
        log.info("%s: no new requests", _Stopping.name)
        finish(wind_down(parley.deliverer, executor=parley.executor, scheduler=scheduler,
                         deadline=stopped_at + GRACE_SECONDS))
        parley.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
