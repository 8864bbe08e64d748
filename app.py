"""Parley's entry point: load settings, build the app, serve HTTP on $PORT (or Socket Mode when
SLACK_APP_TOKEN is set) and run the scheduler in-process unless RUN_SCHEDULER=false."""

from __future__ import annotations

import logging
import sys


def main() -> int:
    from bot.application import configure_logging, create_app_or_exit
    from bot.config import load_settings_or_exit
    from bot.jobs import tasks

    settings = load_settings_or_exit()
    configure_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("parley")
    parley = create_app_or_exit(settings)

    scheduler = None
    if settings.run_scheduler:
        scheduler = tasks.start(parley.db, settings, parley.deliverer)
    if settings.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        handler = SocketModeHandler(parley.bolt, settings.slack_app_token)
        handler.connect()
        parley.wsgi.readiness.socket_connected = handler.client.is_connected
        log.info("Socket Mode connected; /healthz and /readyz on port %d", settings.port)
    else:
        log.info("serving /slack/events, /healthz and /readyz on port %d", settings.port)

    import waitress

    from bot.http.app import waitress_options

    try:
        waitress.serve(parley.wsgi, host="0.0.0.0", port=settings.port,
                       **waitress_options(settings.web_threads))
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        parley.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
