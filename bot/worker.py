"""The scheduler process (Procfile `worker:`): runs the tick and nothing else."""

from __future__ import annotations

from bot.application import configure_logging
from bot.config import load_settings_or_exit
from bot.db import Database, build_engine
from bot.scheduler import Tick, build_scheduler, follow_up_tasks


def main() -> None:
    settings = load_settings_or_exit()
    configure_logging(settings.log_level)
    db = Database(build_engine(settings.database_url))
    scheduler = build_scheduler(
        Tick(follow_up_tasks(db, settings)), settings.scheduler_tick_seconds, blocking=True
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass


if __name__ == "__main__":
    main()
