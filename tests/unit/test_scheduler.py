"""The tick job's APScheduler settings and its isolation of failing tasks."""

from __future__ import annotations

import logging
import threading

from bot.jobs.clock import TICK_JOB_ID, Periodic, Tick, build_scheduler


def test_tick_runs_every_task_even_when_one_fails(caplog):
    def broken() -> int:
        raise RuntimeError("nope")

    tick = Tick([Periodic("broken", broken), Periodic("fine", lambda: 3)])
    assert tick() == {"broken": -1, "fine": 3}
    assert "broken failed" in caplog.text


def test_each_task_runs_on_its_own_period(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("bot.jobs.clock.time.monotonic", lambda: clock[0])
    tick = Tick([Periodic("often", lambda: 1), Periodic("hourly", lambda: 2, every=3600)])
    assert tick() == {"often": 1, "hourly": 2}  # both run at start-up
    clock[0] += 1
    assert tick() == {"often": 1}
    clock[0] += 3600
    assert tick() == {"often": 1, "hourly": 2}


def test_tick_job_is_deliberately_configured():
    scheduler = build_scheduler(Tick([]), 30)
    job = scheduler.get_job(TICK_JOB_ID)
    assert job.max_instances == 1 and job.coalesce is True and job.misfire_grace_time is None
    assert job.trigger.interval.total_seconds() == 30


def test_tick_runs_at_start_up():
    ran = threading.Event()
    scheduler = build_scheduler(Tick([Periodic("probe", lambda: ran.set() or 1)]), 3600)
    scheduler.start()
    try:
        assert ran.wait(5)
    finally:
        scheduler.shutdown(wait=False)


def test_skipped_tick_warnings_are_dropped_and_others_kept():
    from bot.application import _QuietSkippedTicks

    def record(message: str) -> logging.LogRecord:
        return logging.makeLogRecord({"name": "apscheduler.scheduler", "levelno": logging.WARNING,
                                      "msg": message})

    quiet = _QuietSkippedTicks()
    assert not quiet.filter(record('Execution of job "Tick (trigger: interval[0:00:30])" skipped: '
                                   "maximum number of running instances reached (1)"))
    assert quiet.filter(record("Run time of job \"Tick\" was missed by 0:00:02"))
