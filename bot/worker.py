"""The scheduler process (Procfile `worker:`): runs the tick and nothing else."""

from __future__ import annotations

from bot.application import build_deliverer, configure_logging
from bot.config import load_settings_or_exit
from bot.db import Database, build_engine
from bot.jobs import tasks


def main() -> None:
    settings = load_settings_or_exit()
    configure_logging(settings.log_level)
    db = Database(build_engine(settings.database_url))
    try:
        tasks.start(db, settings, build_deliverer(settings, db), blocking=True)
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
