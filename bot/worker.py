"""The scheduler process (Procfile `worker:`): runs the tick and nothing else."""

from __future__ import annotations

from bot import preflight
from bot.application import build_deliverer, configure_logging, engine_for
from bot.config import load_settings_or_exit
from bot.db import Database
from bot.jobs import tasks


def main() -> None:
    settings = load_settings_or_exit(http=False)  # it serves no HTTP: no signing secret needed
    configure_logging(settings.log_level, settings.log_format)
    preflight.database_or_exit(settings)
    preflight.slack_or_exit(settings)
    db = Database(engine_for(settings))
    try:
        tasks.start(db, settings, build_deliverer(settings, db), blocking=True)
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
