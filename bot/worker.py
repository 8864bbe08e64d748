"""The scheduler process (Procfile `worker:`): runs the tick and nothing else. It serves no HTTP,
so it needs no SLACK_SIGNING_SECRET. SIGTERM (or Ctrl-C) stops it gracefully: the tick in
progress ends, what it has in Slack's hands is recorded, the rest goes back to the outbox, and
the process exits 0 (bot/shutdown.py)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

import prometheus_client

from bot import preflight
from bot.application import build_deliverer, configure_logging, engine_for
from bot.config import load_settings_or_exit
from bot.db import Database
from bot.jobs import tasks
from bot.shutdown import wind_down


def main() -> None:
    settings = load_settings_or_exit(http=False)
    configure_logging(settings.log_level, settings.log_format)
    preflight.database_or_exit(settings)
    preflight.slack_or_exit(settings)
    db = Database(engine_for(settings))
    deliverer = build_deliverer(settings, db)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        logging.getLogger("parley").info("%s received", signal.Signals(signum).name)
        stop.set()

    if settings.metrics_port:  # this process's measurements (the web's /metrics has the rest)
        prometheus_client.start_http_server(settings.metrics_port)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler = tasks.start(db, settings, deliverer)
    logging.getLogger("parley").info("worker started: the scheduler runs here")
    while not stop.wait(1.0):
        pass
    wind_down(deliverer, scheduler=scheduler)
    db.engine.dispose()


if __name__ == "__main__":
    main()
