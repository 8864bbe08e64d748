"""APScheduler is only the clock: one short interval job, the tick, asks the database what is due.

The tick's follow-up tasks are plain callables registered here; each reads due rows from the
database, so a tick missed while every process was down simply finds them due at the next one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.config import Settings
from bot.db import Database

log = logging.getLogger("parley.scheduler")
TICK_JOB_ID = "parley-tick"
FollowUpTask = Callable[[], int]


class Tick:
    """Runs every follow-up task once; one task failing never stops the others."""

    def __init__(self, tasks: Sequence[tuple[str, FollowUpTask]]) -> None:
        self.tasks = list(tasks)
        self.runs = 0

    def __call__(self) -> dict[str, int]:
        self.runs += 1
        done: dict[str, int] = {}
        for name, task in self.tasks:
            try:
                done[name] = task()
            except Exception:
                log.exception("follow-up task %s failed; it will run again next tick", name)
                done[name] = -1
        log.debug("tick %d: %s", self.runs, done)
        return done


def build_scheduler(tick: Tick, interval_seconds: float, *, blocking: bool = False) -> BaseScheduler:
    scheduler: BaseScheduler = (BlockingScheduler if blocking else BackgroundScheduler)(
        timezone=UTC
    )
    scheduler.add_job(
        tick,
        "interval",
        seconds=interval_seconds,
        id=TICK_JOB_ID,
        max_instances=1,  # never two ticks at once in one process
        coalesce=True,  # many missed ticks run once
        misfire_grace_time=None,  # a late tick still runs, however late
        next_run_time=datetime.now(UTC),  # run at start-up: overdue work is simply due
        replace_existing=True,
    )
    return scheduler


def follow_up_tasks(db: Database, settings: Settings) -> list[tuple[str, FollowUpTask]]:
    """The tasks each tick runs: post due check-ins, remind stalled disputes, forget old request
    keys."""
    from bot.application import build_client
    from bot.slack.checkin_dispatch import CheckInDispatcher
    from bot.slack.directory import Directory
    from bot.slack.nudges import Nudger

    client = build_client(settings, background=True)
    return [("checkins", CheckInDispatcher(db, client)),
            ("nudges", Nudger(db, client, Directory(client))),
            ("forget handled requests", lambda: forget_handled_requests(db))]


def forget_handled_requests(db: Database) -> int:
    """Slack retries and replays come within the hour; a day later their keys can go."""
    from bot.services import replays

    with db.transaction() as session:
        return replays.forget_old(session)
