"""The outbox's delivery against the fake Slack, with check-ins as the example: due rows posted
once after start-up, by two scheduler processes, after a crash (looked up, not posted twice),
through 429s, 5xx and timeouts, paced per channel; and a permanent failure tells a person."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import select, update

from bot.jobs import tasks
from bot.jobs.clock import TICK_JOB_ID
from bot.payloads import CheckInAnswer, decode
from bot.services import outbox, outbox_claims
from bot.services.people import Person
from models import ActionItem, AuditEvent, CheckIn, Dispute, OutboxMessage, utcnow
from tests.conftest import CORA, SAM
from tests.support.databases import ROOT
from tests.support.scenarios import make_checkins_due, ratified_dispute
from tests.support.ticks import deliver_what_is_left, post_due_checkins
from tests.support.waiting import eventually

STUDIO, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)


def checkin_messages(fake) -> list[dict]:
    """Every check-in message Slack took, with the check-in and items its buttons answer."""
    found = []
    for (channel, ts), message in sorted(fake.messages.items(), key=lambda kv: kv[0][1]):
        if (message.get("text") or "").startswith("Check-in on"):
            answers = [decode(CheckInAnswer, e["value"]) for b in message["blocks"]
                       for e in b.get("elements", []) if e.get("action_id") == "checkin_done"]
            found.append({"channel": channel, "ts": ts, "thread_ts": message["thread_ts"],
                          "checkin": {a.c for a in answers}, "items": [a.i for a in answers]})
    return found


def with_threads(fake, db) -> None:
    """The scenarios' disputes have threads in the database; give Slack their root messages."""
    with db.read() as s:
        for dispute in s.scalars(select(Dispute)):
            fake.add_message(dispute.channel_id, "card", ts=dispute.thread_ts)


def audited(db, kind: str) -> int:
    with db.read() as s:
        return len(s.scalars(select(AuditEvent).where(AuditEvent.kind == kind)).all())


def statuses(db) -> set[str]:
    with db.read() as s:
        return {c.status for c in s.scalars(select(CheckIn))}


def worker_env(fake, database_url: str) -> dict[str, str]:
    env = {**os.environ, "SLACK_BOT_TOKEN": fake.token, "SLACK_SIGNING_SECRET": "s",
           "SLACK_API_URL": fake.base_url, "DATABASE_URL": database_url,
           "SCHEDULER_TICK_SECONDS": "0.2", "LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    return env


def test_overdue_checkins_are_posted_once_after_start_up_one_message_per_dispute(parley, fake_slack, db):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT, items=2)
    with_threads(fake_slack, db)
    due = make_checkins_due(db, dispute_id, minutes_ago=3 * 24 * 60)  # due while all was down
    fast = parley.settings.model_copy(update={"scheduler_tick_seconds": 0.1})
    scheduler = tasks.start(parley.db, fast, parley.deliverer)
    tick = scheduler.get_job(TICK_JOB_ID).func
    try:
        eventually(lambda: statuses(db) == {"posted"}, timeout=15, what="the check-ins")
        runs = tick.runs
        eventually(lambda: tick.runs >= runs + 3, what="three more ticks")  # which post nothing
    finally:
        scheduler.shutdown(wait=True)
    (message,) = checkin_messages(fake_slack)  # four check-ins fell due together: one message
    assert message["thread_ts"] == f"1700000500.{dispute_id:06d}"
    with db.read() as s:
        items = [i.id for i in s.scalars(select(ActionItem).order_by(ActionItem.position))]
    assert message["items"] == items  # each action item asked about once
    assert audited(db, "checkin.posted") == due == 4
    assert "<@U0SAM>" in fake_slack.messages[(message["channel"], message["ts"])]["text"]


def test_two_scheduler_processes_post_each_message_exactly_once(settings, fake_slack, db, database_url):
    for n in range(12):
        fake_slack.add_channel(f"C0MANY{n}")
        ratified_dispute(db, STUDIO, CLIENT, channel=f"C0MANY{n}", items=2)
    with_threads(fake_slack, db)
    make_checkins_due(db)
    workers = [subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT,
                                env=worker_env(fake_slack, database_url)) for _ in range(2)]
    try:
        eventually(lambda: statuses(db) == {"posted"}, timeout=60, what="every check-in")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(20)
    messages = checkin_messages(fake_slack)
    assert len(messages) == 12 and len({m["channel"] for m in messages}) == 12
    with db.read() as s:
        rows = s.scalars(select(OutboxMessage)).all()
    assert len(rows) == 12 and {r.status for r in rows} == {"sent"}
    pids = {str(w.pid) for w in workers}
    assert {r.claimed_by.split(":")[1] for r in rows} <= pids


def test_a_claim_left_by_a_dead_process_expires_and_is_delivered(parley, fake_slack, db):
    ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    make_checkins_due(db)
    tasks.queue_checkins(db)
    with db.transaction() as s:
        held = outbox_claims.claim(s, "dead-worker")  # claimed, then the process died
    assert parley.deliverer() == 0  # the claim is still live: nobody delivers it
    with db.transaction() as s:
        s.execute(update(OutboxMessage).values(
            claimed_at=utcnow() - outbox_claims.CLAIM_TIMEOUT - timedelta(seconds=1)))
    assert parley.deliverer() == len(held) == 1
    assert len(checkin_messages(fake_slack)) == 1
    assert fake_slack.calls_to("conversations.replies")  # it looked before posting


def test_429_and_5xx_are_retried_and_recorded(parley, fake_slack, db):
    ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    make_checkins_due(db)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    fake_slack.fail_next("chat.postMessage", status=503)
    assert post_due_checkins(parley) == 0
    assert deliver_what_is_left(parley) == 1
    with db.read() as s:
        row = s.scalars(select(OutboxMessage)).one()
    assert (row.status, row.attempts) == ("sent", 3)
    assert len(checkin_messages(fake_slack)) == 1 and statuses(db) == {"posted"}


def test_a_permanent_failure_fails_the_checkins_and_tells_the_opener(parley, fake_slack, db, caplog):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    make_checkins_due(db, dispute_id)
    fake_slack.channels["C0SHARED"]["is_member"] = False  # Parley was removed from the channel
    with caplog.at_level(logging.ERROR):
        post_due_checkins(parley)
    assert statuses(db) == {"failed"}
    assert "failed for good" in caplog.text and "not_in_channel" in caplog.text
    assert audited(db, "checkin.failed") == 3 and audited(db, "delivery.failed") == 1
    notice = fake_slack.calls_to("chat.postMessage")[-1].args
    assert notice["channel"] == SAM.id and "could not post a check-in about D-1" in notice["text"]


def test_a_checkin_with_nothing_left_to_ask_is_skipped_and_audited(parley, fake_slack, db):
    ratified_dispute(db, STUDIO, CLIENT)
    with db.transaction() as s:
        for item in s.scalars(select(ActionItem)):
            item.status = "done"  # done, but the client side has not confirmed yet
        after_days = s.scalars(select(CheckIn).where(CheckIn.kind == "after_days")).all()
        for row in after_days:
            row.due_at = utcnow() - timedelta(minutes=1)
    assert post_due_checkins(parley) == 0
    assert checkin_messages(fake_slack) == []
    with db.read() as s:
        assert {s.get(CheckIn, row.id).status for row in after_days} == {"cancelled"}
    assert audited(db, "checkin.skipped") == 2 and audited(db, "checkin.posted") == 0


def test_pacing_keeps_each_channel_within_slacks_limit(parley, fake_slack, db):
    for _ in range(6):
        ratified_dispute(db, STUDIO, CLIENT)  # six disputes in one channel
    with_threads(fake_slack, db)
    make_checkins_due(db)
    fake_slack.channel_gap = 1.0  # the fake answers 429 beyond a burst of 3, then 1 a second
    started = time.monotonic()
    assert post_due_checkins(parley) == 6
    assert fake_slack.rate_limited == 0
    assert time.monotonic() - started >= 2.9  # three at once, then one a second


def test_a_timed_out_post_is_looked_up_before_it_is_posted_again(parley, fake_slack, db, caplog):
    ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    make_checkins_due(db)
    parley.deliverer.sender.client.connections.timeout = 0.3  # new connections wait 0.3 s
    fake_slack.latency = 0.6  # Slack posts, but answers after the client stopped waiting
    with caplog.at_level(logging.WARNING):
        assert post_due_checkins(parley) == 0
    fake_slack.wait_until(lambda: len(checkin_messages(fake_slack)) == 1, what="the slow post")
    with db.read() as s:
        row = s.scalars(select(OutboxMessage)).one()
        assert (row.status, row.uncertain) == ("pending", True)
    assert "TimeoutError" in caplog.text or "timed out" in caplog.text
    fake_slack.latency = 0.0
    assert deliver_what_is_left(parley) == 1
    assert len(checkin_messages(fake_slack)) == 1  # found by its metadata: not posted again
    assert statuses(db) == {"posted"}


def test_a_worker_killed_mid_post_causes_no_duplicate(settings, parley, fake_slack, db, database_url):
    channels = [f"C0KILL{n}" for n in range(3)]
    for channel in channels:
        fake_slack.add_channel(channel)
        ratified_dispute(db, STUDIO, CLIENT, channel=channel)
    with_threads(fake_slack, db)
    make_checkins_due(db)
    fake_slack.latency = 2.0  # the posts reach Slack, and the answers come after the kill
    worker = subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT,
                              env=worker_env(fake_slack, database_url))
    try:
        fake_slack.wait_until(lambda: fake_slack.arrived["chat.postMessage"] >= len(channels),
                              timeout=30, what="the worker's posts to reach Slack")
    finally:
        worker.kill()  # SIGKILL: no clean-up of any kind
        worker.wait(10)
    fake_slack.wait_until(lambda: len(checkin_messages(fake_slack)) == len(channels), timeout=10,
                          what="the posts of the killed worker")
    fake_slack.latency = 0.0
    with db.read() as s:
        assert {r.status for r in s.scalars(select(OutboxMessage))} == {"sending"}
    assert parley.deliverer() == 0  # the dead worker's claims are live for CLAIM_TIMEOUT
    with db.transaction() as s:
        s.execute(update(OutboxMessage).values(
            claimed_at=utcnow() - outbox_claims.CLAIM_TIMEOUT - timedelta(seconds=1)))
    assert parley.deliverer() == len(channels)
    assert len(checkin_messages(fake_slack)) == len(channels)  # found, not posted again
    assert statuses(db) == {"posted"}


def test_a_busy_channel_is_left_to_the_tick_rather_than_waited_for_in_a_request(parley, fake_slack, db):
    """A request's thread posts what Slack's burst allows at once; a channel whose next turn is
    further away is the tick's (its delivery threads wait for turns; request threads do not)."""
    parley.deliverer.right_away.request_wait = 0.3  # as in production
    ids_ = [ratified_dispute(db, STUDIO, CLIENT) for _ in range(5)]  # five disputes, one channel
    with_threads(fake_slack, db)
    with db.transaction() as s:
        rows = [outbox.say(s, s.get(Dispute, d), "dispute.reopened", by=[SAM.team_id, SAM.id])
                for d in ids_]
    for row in rows:  # five requests, each delivering its own row after its commit
        parley.deliverer.deliver_now([row])
    with db.read() as s:
        statuses_ = [s.get(OutboxMessage, r.id).status for r in rows]
    assert statuses_ == ["sent"] * 3 + ["pending"] * 2  # the burst; the rest waits for its turn
    assert parley.deliverer() == 2
    reopened = [m for m in fake_slack.messages.values() if "reopened" in (m.get("text") or "")]
    assert len(reopened) == 5
