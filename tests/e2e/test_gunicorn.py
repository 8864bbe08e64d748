"""The Procfile's web process as a platform runs it: gunicorn with gunicorn.conf.py, sized by
WEB_CONCURRENCY and WEB_THREADS, with an access log on stdout."""

from __future__ import annotations

import re
import signal
import subprocess
import urllib.request

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.people import Person
from models import CheckIn
from tests.conftest import CORA, SAM
from tests.fakeslack.server import HOST_TEAM
from tests.support.databases import ROOT
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


def pids_of(path: str, access_log) -> set[str]:
    """The web processes that answered `path` (the access log ends each line with <pid>)."""
    return {line.rsplit(" ", 1)[-1] for line in access_log.read_text().splitlines()
            if f" {path} " in line}


def posted_checkins(engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.status == "posted"))


def test_the_web_process_honours_its_sizing_and_logs_each_request(fake_slack, database_url, engine, db, tmp_path):
    # A check-in already due: with RUN_SCHEDULER unset (true), the web processes post it, as
    # app.py would.
    make_checkins_due(db, ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)))
    port = free_port()
    env = environment(SLACK_BOT_TOKEN=fake_slack.token, SLACK_SIGNING_SECRET="s",
                      SLACK_API_URL=fake_slack.base_url, DATABASE_URL=database_url,
                      PORT=str(port), WEB_CONCURRENCY="2", WEB_THREADS="3", LOG_LEVEL="WARNING")
    with started(procfile_command("web"), env, tmp_path) as web:
        eventually(lambda: ready(port), timeout=30, what="gunicorn to be ready")
        eventually(lambda: posted_checkins(engine) > 0, timeout=30, what="the due check-in posted")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?x=1", timeout=5) as r:
            assert r.status == 200
        eventually(lambda: "/healthz" in (tmp_path / "out.log").read_text(), what="the access log line")
        # Metrics of every web process, whichever answers the scrape (multiprocess mode).
        slack = SlackSender(f"http://127.0.0.1:{port}", "s", fake_slack, HOST_TEAM)
        for _ in range(3):
            assert slack.command(SAM).status == 200
        acks = ("parley_ack_seconds_count", (("kind", "command"),))
        seen: set[float] = set()

        def answered_by_both() -> bool:
            seen.add(scrape(slack.app_url)[acks])
            return len(pids_of("/metrics", tmp_path / "out.log")) == 2

        eventually(answered_by_both, timeout=20, what="a scrape answered by each web process")
        assert seen == {3.0}  # whichever process answered, it counted the other's acks too
        web.send_signal(signal.SIGTERM)
        assert web.wait(30) == 0
    log = log_of(tmp_path)
    assert log.count("Booting worker with pid") == 2  # WEB_CONCURRENCY
    assert "gthread" in log and "Traceback" not in log
    access = [line for line in (tmp_path / "out.log").read_text().splitlines() if "/healthz" in line]
    assert access and '"GET /healthz HTTP/1.1" 200' in access[0] and "x=1" not in access[0]
    assert re.fullmatch(r'127\.0\.0\.1 "GET /healthz HTTP/1\.1" 200 \d+ \d+ms <\d+>', access[0])


def test_a_bad_web_threads_is_one_line(database_url):
    env = environment(WEB_THREADS="lots", DATABASE_URL=database_url)
    done = subprocess.run([*procfile_command("web"), "--check-config"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "parley: configuration error: WEB_THREADS is invalid: must be a whole number"]


def test_a_web_process_restarted_while_slack_is_away_does_not_stop_the_others(fake_slack, database_url, tmp_path):
    """gunicorn restarts a web process after max_requests. If Slack refuses it then, that one
    waits to be started again; gunicorn goes on, and the next start, with Slack back, serves."""
    port = free_port()
    env = environment(SLACK_BOT_TOKEN=fake_slack.token, SLACK_SIGNING_SECRET="s",
                      SLACK_API_URL=fake_slack.base_url, DATABASE_URL=database_url,
                      PORT=str(port), WEB_CONCURRENCY="1", RUN_SCHEDULER="false", LOG_LEVEL="WARNING")
    command = [*procfile_command("web"), "--max-requests", "3", "--max-requests-jitter", "0"]
    with started(command, env, tmp_path) as web:
        eventually(lambda: ready(port), timeout=30, what="gunicorn to be ready")
        team = fake_slack.tokens.pop(fake_slack.token)  # Slack refuses the token for a while
        refused = "parley: Slack refused SLACK_BOT_TOKEN: invalid_auth"

        def asked_and_refused() -> bool:
            ready(port)  # a request: after three, gunicorn restarts the process
            return refused in log_of(tmp_path)

        eventually(asked_and_refused, timeout=30, what="the restarted web process to be refused")
        assert web.poll() is None  # gunicorn goes on
        fake_slack.tokens[fake_slack.token] = team
        eventually(lambda: ready(port), timeout=60, what="a web process to serve again")
        web.send_signal(signal.SIGTERM)
        assert web.wait(30) == 0
    assert "Worker failed to boot" not in log_of(tmp_path) and "Traceback" not in log_of(tmp_path)
