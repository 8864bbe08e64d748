"""Parley's entry point: load settings, build the app, serve HTTP on $PORT (or Socket Mode when
SLACK_APP_TOKEN is set) and run the scheduler in-process unless RUN_SCHEDULER=false.

SIGTERM (or Ctrl-C) stops it gracefully: the server stops listening, the work already acked is
finished and its messages delivered, the scheduler stops, and the process exits 0
(bot/shutdown.py)."""

from __future__ import annotations

import logging
import signal
import sys
from typing import Any


def _stop_serving(signum: int, _frame: Any) -> None:
    """waitress's loop ends on SystemExit (closing its listening socket); a second signal while
    Parley winds down is ignored rather than cutting the winding down short."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.getLogger("parley").info("%s received: no new requests", signal.Signals(signum).name)
    raise SystemExit(0)


def main() -> int:
    from bot.application import configure_logging, create_app_or_exit
    from bot.config import load_settings_or_exit
    from bot.http.app import waitress_options
    from bot.jobs import tasks
    from bot.shutdown import wind_down

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

    signal.signal(signal.SIGTERM, _stop_serving)
    signal.signal(signal.SIGINT, _stop_serving)
    try:
        server.run()  # until SIGTERM or Ctrl-C; waitress then lets its request threads finish
    finally:
        if socket_mode is not None:
            socket_mode.close()
        wind_down(parley.deliverer, executor=parley.executor, scheduler=scheduler)
        parley.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
