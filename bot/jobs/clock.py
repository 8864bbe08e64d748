"""APScheduler is only the clock: one short interval job, the tick, runs the tasks that are due.

Each task has its own period: deliveries run every tick (about a second), so a message Slack
could not take at once goes out soon after Slack answers again; check-ins and reminders run every
SCHEDULER_TICK_SECONDS. Each task reads due rows from the database, so a tick missed while every
process was down simply finds them due at the next one."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

log = logging.getLogger("parley.scheduler")
TICK_JOB_ID = "parley-tick"
Task = Callable[[], int]


@dataclass
class Periodic:
    name: str
    run: Task
    every: float = 0.0  # seconds between runs; 0: every tick
    last: float | None = None

    def due(self, now: float) -> bool:
        return self.last is None or now - self.last >= self.every


class Tick:
    """Runs every task that is due; one task failing never stops the others."""

    def __init__(self, tasks: Sequence[Periodic]) -> None:
        self.tasks = list(tasks)
        self.runs = 0
        self._running = 0
        self._idle = threading.Condition()

    def wait_idle(self, timeout: float) -> bool:
        """True once no run is in progress (False if `timeout` passed first): shutting down."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, max(timeout, 0.0))

    def __call__(self) -> dict[str, int]:
        with self._idle:
            self._running += 1
        try:
            return self._run()
        finally:
            with self._idle:
                self._running -= 1
                self._idle.notify_all()

    def _run(self) -> dict[str, int]:
        self.runs += 1
        done: dict[str, int] = {}
        for task in self.tasks:
            now = time.monotonic()
            if not task.due(now):
                continue
            task.last = now
            try:
                done[task.name] = task.run()
            except Exception:
                log.exception("task %s failed; it will run again next tick", task.name)
                done[task.name] = -1
        log.debug("tick %d: %s", self.runs, done)
        return done


def build_scheduler(tick: Tick, interval_seconds: float) -> BaseScheduler:
    scheduler: BaseScheduler = BackgroundScheduler(timezone=UTC)
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
