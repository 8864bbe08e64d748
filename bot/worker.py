"""The scheduler process (Procfile `worker:`): runs the tick and nothing else. It serves no HTTP,
so it needs no SLACK_SIGNING_SECRET (with METRICS_PORT set, it serves its own /metrics there, on
METRICS_HOST, 127.0.0.1 by default, behind METRICS_TOKEN when that is set).
SIGTERM (or Ctrl-C) stops it gracefully: the tick in progress ends, what it has in Slack's hands
is recorded, the rest goes back to the outbox, and the process exits 0 (bot/shutdown.py)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from typing import Any


def main() -> None:
    # One process: its metrics stay in its own memory (gunicorn.conf.py's directory is for
    # gunicorn's processes), so prometheus_client must not see the variable when it is imported.
    os.environ.pop("PROMETHEUS_MULTIPROC_DIR", None)
    from bot import preflight, version
    from bot.application import build_deliverer, configure_logging, engine_for, settle_heap
    from bot.config import load_settings_or_exit
    from bot.db import Database
    from bot.http.metrics import serve_process_metrics
    from bot.jobs import tasks
    from bot.shutdown import GRACE_SECONDS, finish, wind_down

    settings = load_settings_or_exit(http=False)
    configure_logging(settings.log_level, settings.log_format)
    log = logging.getLogger("parley")
    if settings.metrics_port:  # this process's measurements (the web's /metrics has the rest)
        try:
            serve_process_metrics(settings.metrics_host, settings.metrics_port, settings.metrics_token)
        except OSError as error:  # taken, or not an address of this machine
            print(
                f"parley: configuration error: METRICS_PORT {settings.metrics_port} on "
                f"METRICS_HOST {settings.metrics_host} cannot be listened on: "
                f"{error.strerror or error}",
                file=sys.stderr,
            )
            raise SystemExit(2) from None
    preflight.database_or_exit(settings)
    preflight.evidence_store_or_exit(settings)
    preflight.slack_or_exit(settings)
    db = Database(engine_for(settings))
    deliverer = build_deliverer(settings, db)
    stop = threading.Event()
    stopped_at: list[float] = []

    def on_signal(signum: int, _frame: Any) -> None:
        if not stop.is_set():
            stopped_at.append(time.monotonic())
            stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scheduler = tasks.start(db, settings, deliverer)
    settle_heap()
    log.info("Parley %s: worker started; the scheduler runs here", version())
    while not stop.wait(1.0):
        pass
    log.info("stopping: the tick in progress ends and hands back what it has not sent")
    finish(wind_down(deliverer, scheduler=scheduler, deadline=stopped_at[0] + GRACE_SECONDS))
    db.engine.dispose()


if __name__ == "__main__":
    main()
