"""Follow-up check-ins against the fake Slack: due rows posted once, after restarts, by two
scheduler processes, after a crash, through 429/5xx; and the answers that follow."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import select

from bot.application import build_client
from bot.payloads import CheckInAnswer, decode
from bot.scheduler import Tick, build_scheduler, follow_up_tasks
from bot.services import followups
from bot.services.people import Person
from bot.slack.checkin_dispatch import CheckInDispatcher
from models import ActionItem, AuditEvent, CheckIn, utcnow
from tests.conftest import CORA, SAM
from tests.support.databases import ROOT
from tests.support.scenarios import make_checkins_due, ratified_dispute

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def checkin_posts(fake) -> list[int]:
    """The check-in ids of every check-in message Slack received."""
    ids = []
    for call in fake.calls_to("chat.postMessage"):
        if call.args.get("text", "").startswith("Check-in on"):
            in_message = {decode(CheckInAnswer, element["value"]).c
                          for block in call.args["blocks"] for element in block.get("elements", [])
                          if element.get("action_id") == "checkin_done"}
            assert len(in_message) == 1  # one message is one check-in
            ids += in_message
    return ids


def audited(db, kind: str) -> int:
    with db.read() as s:
        return len(s.scalars(select(AuditEvent).where(AuditEvent.kind == kind)).all())


def statuses(db) -> dict[int, str]:
    with db.read() as s:
        return {c.id: c.status for c in s.scalars(select(CheckIn))}


def test_overdue_checkins_are_posted_once_after_start_up(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT, items=2)
    due = make_checkins_due(db, dispute_id, minutes_ago=3 * 24 * 60)  # due while everything was down
    scheduler = build_scheduler(Tick(follow_up_tasks(parley.db, parley.settings)), 0.1)
    scheduler.start()
    try:
        fake_slack.wait_until(lambda: len(checkin_posts(fake_slack)) >= due, timeout=15,
                              what="the overdue check-ins")
        time.sleep(0.5)  # a few more ticks: nothing more may be posted
    finally:
        scheduler.shutdown(wait=True)
    posted = checkin_posts(fake_slack)
    assert sorted(posted) == sorted(set(posted)) and len(posted) == due == 4
    assert set(statuses(db).values()) == {"posted"}
    assert audited(db, "checkin.posted") == due
    first = fake_slack.calls_to("chat.postMessage")[0].args
    assert first["thread_ts"] == f"1700000500.{dispute_id:06d}"
    assert "<@U0SAM>" in first["text"]  # the owner is mentioned


def test_two_scheduler_processes_post_each_checkin_exactly_once(settings, fake_slack, db, database_url):
    for n in range(12):
        fake_slack.add_channel(f"C0MANY{n}")
        ratified_dispute(db, STUDIO, CLIENT, channel=f"C0MANY{n}", items=2)
    due = make_checkins_due(db)
    env = {**os.environ, "SLACK_BOT_TOKEN": fake_slack.token, "SLACK_SIGNING_SECRET": "s",
           "SLACK_API_URL": fake_slack.base_url, "DATABASE_URL": database_url,
           "SCHEDULER_TICK_SECONDS": "0.2", "LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    workers = [subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env)
               for _ in range(2)]
    try:
        fake_slack.wait_until(lambda: len(checkin_posts(fake_slack)) >= due, timeout=60,
                              what="every check-in")
        time.sleep(1.0)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
    posted = checkin_posts(fake_slack)
    assert len(posted) == due == 48 and len(set(posted)) == due
    assert set(statuses(db).values()) == {"posted"}
    with db.read() as s:
        claimers = {c.claimed_by.split(":")[1] for c in s.scalars(select(CheckIn))}
    assert len(claimers) >= 1  # both may or may not have won some; none posted twice


def test_a_claim_left_by_a_dead_process_expires_and_is_posted(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    make_checkins_due(db, dispute_id)
    with db.transaction() as s:
        held = followups.claim_due(s, "dead-worker")  # claimed, then the process died
    dispatcher = CheckInDispatcher(db, build_client(parley.settings, background=True))
    assert dispatcher() == 0  # the claim is still live: nobody posts it
    with db.transaction() as s:
        for row in s.scalars(select(CheckIn)):
            row.claimed_at = utcnow() - followups.CLAIM_TIMEOUT - timedelta(seconds=1)
    assert dispatcher() == len(held)
    assert sorted(checkin_posts(fake_slack)) == sorted(held)


def test_429_and_5xx_are_retried_by_the_client(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    make_checkins_due(db, dispute_id)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    fake_slack.fail_next("chat.postMessage", status=503)
    dispatcher = CheckInDispatcher(db, build_client(parley.settings, background=True))
    assert dispatcher() == 3
    with db.read() as s:
        rows = s.scalars(select(CheckIn)).all()
        assert {r.status for r in rows} == {"posted"} and {r.attempts for r in rows} == {1}


def test_persistent_failures_back_off_then_fail_and_are_logged(parley, fake_slack, db, caplog):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    make_checkins_due(db, dispute_id)
    fake_slack.fail_next("chat.postMessage", status=503, times=100)
    dispatcher = CheckInDispatcher(db, build_client(parley.settings, background=True))
    with caplog.at_level(logging.WARNING):
        assert dispatcher() == 0
    with db.read() as s:
        rows = s.scalars(select(CheckIn)).all()
        assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
        assert all(r.due_at > utcnow() for r in rows)  # backed off
    assert "attempt 1 failed" in caplog.text
    assert audited(db, "checkin.retry") == len(rows)
    # a channel Parley was removed from is a permanent failure: failed at once, logged as error
    fake_slack.failures.clear()
    fake_slack.channels["C0SHARED"]["is_member"] = False
    make_checkins_due(db, dispute_id)
    with caplog.at_level(logging.ERROR):
        dispatcher()
    assert set(statuses(db).values()) == {"failed"}
    assert "failed for good" in caplog.text and "not_in_channel" in caplog.text


def test_a_checkin_with_nothing_left_to_ask_is_skipped_and_audited(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with db.transaction() as s:
        for item in s.scalars(select(ActionItem)):
            item.status = "done"  # done, but the client side has not confirmed yet
        after_days = s.scalars(select(CheckIn).where(CheckIn.kind == "after_days")).all()
        for row in after_days:
            row.due_at = utcnow() - timedelta(minutes=1)
    assert CheckInDispatcher(db, build_client(parley.settings, background=True))() == 0
    assert checkin_posts(fake_slack) == []
    assert len(after_days) == 2 and all(statuses(db)[row.id] == "cancelled" for row in after_days)
    assert audited(db, "checkin.skipped") == 2 and audited(db, "checkin.posted") == 0


def test_pacing_keeps_each_channel_under_one_message_a_second(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT, items=3)
    due = make_checkins_due(db, dispute_id)
    fake_slack.channel_gap = 1.0
    started = time.monotonic()
    assert CheckInDispatcher(db, build_client(parley.settings, background=True))() == due == 5
    assert fake_slack.rate_limited == 0
    assert time.monotonic() - started >= 4.0  # five messages in one channel: at least 4 s apart


def test_timeouts_count_as_attempts_and_the_last_one_fails_for_good(parley, fake_slack, db, caplog):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    due = make_checkins_due(db, dispute_id)
    fake_slack.latency = 0.6  # Slack takes longer to answer than the client waits
    dispatcher = CheckInDispatcher(db, build_client(parley.settings, background=True, timeout=0.2),
                                   min_gap=0.0)
    for attempt in range(1, followups.MAX_ATTEMPTS + 1):
        with caplog.at_level(logging.WARNING):
            assert dispatcher() == 0
        with db.read() as s:
            rows = s.scalars(select(CheckIn)).all()
        expected = "pending" if attempt < followups.MAX_ATTEMPTS else "failed"
        assert {(r.status, r.attempts) for r in rows} == {(expected, attempt)}
        make_checkins_due(db, dispute_id)  # skip the backoff's wait
    assert caplog.text.count("TimeoutError") >= due * followups.MAX_ATTEMPTS
    assert caplog.text.count("failed for good after 5 attempts") == due


def test_a_worker_killed_mid_post_causes_at_most_one_duplicate(settings, parley, fake_slack, db,
                                                                database_url):
    channels = [f"C0KILL{n}" for n in range(3)]
    for channel in channels:
        fake_slack.add_channel(channel)
        ratified_dispute(db, STUDIO, CLIENT, channel=channel)
    due = make_checkins_due(db)
    fake_slack.latency = 2.0  # the posts reach Slack, and the answers come after the kill
    env = {**os.environ, "SLACK_BOT_TOKEN": fake_slack.token, "SLACK_SIGNING_SECRET": "s",
           "SLACK_API_URL": fake_slack.base_url, "DATABASE_URL": database_url,
           "SCHEDULER_TICK_SECONDS": "0.2", "LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    worker = subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 30
        while list(statuses(db).values()).count("posting") < len(channels):
            assert time.monotonic() < deadline, "the worker never claimed"
            time.sleep(0.05)
        fake_slack.wait_until(lambda: fake_slack.arrived["chat.postMessage"] >= len(channels),
                              timeout=10, what="the worker's posts to reach Slack")
    finally:
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait(10)
    held = [i for i, status in statuses(db).items() if status == "posting"]
    assert len(held) == len(channels)  # one per channel was in flight
    fake_slack.wait_until(lambda: len(checkin_posts(fake_slack)) >= len(held), timeout=10,
                          what="the posts of the killed worker")
    fake_slack.latency = 0.0
    dispatcher = CheckInDispatcher(db, build_client(parley.settings, background=True))
    assert dispatcher() == 0  # the dead worker's claims are live for CLAIM_TIMEOUT
    with db.transaction() as s:
        for row in s.scalars(select(CheckIn).where(CheckIn.id.in_(held))):
            row.claimed_at = utcnow() - followups.CLAIM_TIMEOUT - timedelta(seconds=1)
    assert dispatcher() == due
    posted = checkin_posts(fake_slack)
    counts = {i: posted.count(i) for i in set(posted)}
    assert len(counts) == due == 9 and set(statuses(db).values()) == {"posted"}
    assert {i for i, n in counts.items() if n == 2} == set(held)  # once each, the held ones twice
    assert max(counts.values()) == 2
