"""SIGTERM, as every deploy sends it, to each of Parley's processes: nothing acked is lost.

A burst of /dispute submissions is acked; SIGTERM follows the last ack while the work after the
acks is still running (Slack answers slowly, and one channel takes a burst of three messages and
then one a second). The process must finish that work, post every dispute's card, stop, and exit
0, with nothing left behind for another process."""

from __future__ import annotations

import signal
import socket
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import ids
from bot.db import Database
from bot.services.people import Person
from models import Dispute, OutboxMessage
from models.outbox import UNDELIVERED
from tests.conftest import CHANNEL, CORA, SAM, SECRET
from tests.e2e.helpers import GOOD_ANSWERS, open_modal
from tests.fakeslack.server import HOST_TEAM
from tests.support.processes import (
    environment,
    free_port,
    log_of,
    procfile_command,
    ready,
    scrape,
    started,
)
from tests.support.scenarios import make_checkins_due, ratified_dispute
from tests.support.slack_requests import SlackSender
from tests.support.waiting import eventually

BURST = 6
COMMANDS = {
    # app.py with its scheduler in-process; gunicorn's web processes without one (a worker runs
    # it), so their own winding down must deliver what their requests owe.
    "app.py": ([sys.executable, "app.py"], {"RUN_SCHEDULER": "true"}),
    "gunicorn": (procfile_command("web"), {"RUN_SCHEDULER": "false", "WEB_CONCURRENCY": "2"}),
}


def undelivered(engine) -> list[OutboxMessage]:
    with Session(engine) as s:
        return list(s.scalars(select(OutboxMessage).where(OutboxMessage.status.in_(UNDELIVERED))))


@pytest.mark.parametrize("entry", COMMANDS)
def test_sigterm_right_after_a_burst_of_acks_loses_nothing(entry, fake_slack, database_url, engine, tmp_path):
    command, extra = COMMANDS[entry]
    port = free_port()
    env = environment(SLACK_BOT_TOKEN=fake_slack.token, SLACK_SIGNING_SECRET=SECRET,
                      SLACK_API_URL=fake_slack.base_url, DATABASE_URL=database_url,
                      PORT=str(port), **extra)
    with started(command, env, tmp_path) as process:
        eventually(lambda: ready(port), timeout=30, what=f"{entry} to be ready")
        slack = SlackSender(f"http://127.0.0.1:{port}", SECRET, fake_slack, HOST_TEAM)
        views = [open_modal(slack, fake_slack, SAM) for _ in range(BURST)]
        fake_slack.latency = 0.3  # every Slack call: the work after the acks takes a while
        answers = {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]}
        with ThreadPoolExecutor(BURST) as pool:
            replies = list(pool.map(lambda view: slack.view_submission(SAM, view, answers), views))
        assert [(r.status, r.body) for r in replies] == [(200, "")] * BURST
        process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        cards_at_sigterm = len(fake_slack.messages_in(CHANNEL))
        refused_while_stopping: list[bool] = []

        def refused() -> bool:  # no new connection is taken while the acked work finishes
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return False
            except ConnectionRefusedError:
                refused_while_stopping.append(process.poll() is None)
                return True

        eventually(refused, timeout=10, what="new connections refused")
        assert process.wait(30) == 0, log_of(tmp_path)
        took = time.monotonic() - signalled

    assert cards_at_sigterm < BURST  # the work was still running when SIGTERM came
    assert refused_while_stopping == [True]
    assert took < 22  # the 20 s bound, with the interpreter's own exit
    log = log_of(tmp_path)
    assert "Traceback" not in log and "SIGKILL" not in log
    assert log.count("shut down (") == (2 if entry == "gunicorn" else 1)  # each web process
    with Session(engine) as s:
        threads = s.scalars(select(Dispute.thread_ts)).all()
    assert len(threads) == BURST and None not in threads  # every dispute, and its card's ts
    cards = fake_slack.messages_in(CHANNEL)
    assert sorted(m["ts"] for m in cards) == sorted(threads)  # each card once, none twice
    assert undelivered(engine) == []  # the welcome replies too: nothing left for another process


def test_the_worker_stops_its_tick_and_hands_back_what_it_did_not_send(fake_slack, database_url, engine, db: Database, tmp_path):
    """The worker starts without SLACK_SIGNING_SECRET (it serves no HTTP). SIGTERM while it drains
    a backlog in one channel (Slack takes a burst of three, then one a second): it exits 0 at
    once, and every message is either posted once or back in the outbox unclaimed, for another
    worker."""
    fake_slack.add_channel("C0BUSY", shared=True)
    for _ in range(12):
        ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id),
                         channel="C0BUSY")
    make_checkins_due(db)
    port = free_port()
    env = environment(SLACK_BOT_TOKEN=fake_slack.token, SLACK_API_URL=fake_slack.base_url,
                      DATABASE_URL=database_url, METRICS_PORT=str(port))
    with started(procfile_command("worker"), env, tmp_path) as worker:
        fake_slack.wait_for("chat.postMessage", 4, timeout=30)  # past the channel's burst
        posts = ("parley_slack_api_calls_total", (("method", "chat.postMessage"), ("outcome", "ok")))
        eventually(lambda: scrape(f"http://127.0.0.1:{port}").get(posts, 0) >= 4,
                   what="the worker's own metrics on METRICS_PORT")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(15) == 0, log_of(tmp_path)

    log = log_of(tmp_path)
    assert "Traceback" not in log and "shut down (" in log
    posted = [c.args["metadata"]["event_payload"]["outbox_id"]
              for c in fake_slack.calls_to("chat.postMessage")]
    assert len(posted) == len(set(posted))  # nothing twice
    left = undelivered(engine)
    assert left, "the backlog was drained before SIGTERM: nothing was handed back"
    assert [row.claimed_by for row in left] == [None] * len(left)
    assert {row.id for row in left}.isdisjoint(posted)
