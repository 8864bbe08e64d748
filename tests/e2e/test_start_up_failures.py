"""What a deploy with a mistake in it prints: one line naming the problem, never a traceback, for
each entry point: app.py, and the Procfile's web (gunicorn), worker and release, and `make run`'s
check before it migrates. Each runs as the real process. The exit status is 2 for a setting
that is wrong and 75 for a database or a Slack that does not answer (bot/preflight.py)."""

from __future__ import annotations

import http.server
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.preflight import UNAVAILABLE
from tests.support.databases import ROOT
from tests.support.processes import environment, free_port, procfile_command

ENTRIES = {"app.py": [sys.executable, "app.py"], "web": procfile_command("web"),
           "worker": procfile_command("worker"), "release": procfile_command("release"),
           "preflight": [sys.executable, "-m", "bot.preflight"]}


def start(entry: str, status: int = 2, **env: str) -> list[str]:
    done = subprocess.run(ENTRIES[entry], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=environment(SLACK_SIGNING_SECRET="s", PORT=str(free_port()), **env))
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr.strip().splitlines()


@pytest.mark.parametrize("entry", ["app.py", "web", "worker"])
def test_no_token(entry, tmp_path):
    assert start(entry, DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: configuration error: SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID and "
        "SLACK_CLIENT_SECRET, to be installed in any workspace)"]


def test_a_malformed_web_concurrency_is_named_before_gunicorn_reads_it(tmp_path):
    assert start("web", SLACK_BOT_TOKEN="xoxb-1", WEB_CONCURRENCY="abc",
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: configuration error: WEB_CONCURRENCY is invalid: must be a whole number"]


def test_gunicorn_started_by_hand_checks_the_settings_too(tmp_path):
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=environment(SLACK_SIGNING_SECRET="s", DATABASE_URL=f"sqlite:///{tmp_path}/p.db"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "parley: configuration error: SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID and "
        "SLACK_CLIENT_SECRET, to be installed in any workspace)"]


def test_a_web_process_that_cannot_start_stops_gunicorn(tmp_path):
    """What changed between gunicorn's own check and a web process's start (here: started by
    hand, with Slack unreachable): the process says why once and gunicorn stops, non-zero,
    instead of starting it again and again."""
    command = [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env=environment(SLACK_SIGNING_SECRET="s", SLACK_BOT_TOKEN="xoxb-1",
                                          SLACK_API_URL="http://127.0.0.1:1/", WEB_CONCURRENCY="2",
                                          PORT=str(free_port()),
                                          DATABASE_URL=f"sqlite:///{tmp_path}/p.db"))
    assert done.returncode == 3  # gunicorn's "worker failed to boot"
    said = "parley: cannot reach Slack at http://127.0.0.1:1/: [Errno 111] Connection refused"
    assert 1 <= done.stderr.count(said) <= 2  # each of the two processes at most once: no loop
    assert "Traceback" not in done.stderr and "Worker failed to boot" in done.stderr


@pytest.mark.parametrize("entry", ["app.py", "web", "worker"])
def test_slack_unreachable(entry, tmp_path):
    assert start(entry, UNAVAILABLE, SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL="http://127.0.0.1:1/",
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: cannot reach Slack at http://127.0.0.1:1/: [Errno 111] Connection refused"]


@pytest.mark.parametrize("entry", ["app.py", "web", "worker"])
def test_token_refused(entry, fake_slack, tmp_path):
    assert start(entry, SLACK_BOT_TOKEN="xoxb-revoked", SLACK_API_URL=fake_slack.base_url,
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: Slack refused SLACK_BOT_TOKEN: invalid_auth"]


@pytest.mark.parametrize("entry", ["app.py", "web", "worker", "release", "preflight"])
def test_database_unreachable(entry, fake_slack):
    lines = start(entry, UNAVAILABLE, SLACK_BOT_TOKEN=fake_slack.token, SLACK_API_URL=fake_slack.base_url,
                  DATABASE_URL="postgres://parley:hunter2@127.0.0.1:1/parley")
    assert len(lines) == 1
    assert lines[0].startswith(
        "parley: cannot reach the database at postgresql+psycopg://parley:***@127.0.0.1:1/parley: ")
    assert "hunter2" not in lines[0]


def test_slack_unreachable_in_any_workspace_mode(tmp_path):
    """No token to check then: start-up asks Slack's api.test whether it answers."""
    assert start("app.py", UNAVAILABLE, SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s",
                 SLACK_API_URL="http://127.0.0.1:1/", DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: cannot reach Slack at http://127.0.0.1:1/: [Errno 111] Connection refused"]


def test_socket_mode_with_a_refused_app_token(fake_slack, tmp_path):
    assert start("app.py", SLACK_BOT_TOKEN=fake_slack.token, SLACK_APP_TOKEN="xapp-revoked",
                 SLACK_API_URL=fake_slack.base_url, DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: Slack refused SLACK_APP_TOKEN: invalid_auth"]


class _WebPage(http.server.BaseHTTPRequestHandler):
    """Not Slack's answer: a page for every request (a proxy's login page, a mistyped
    SLACK_API_URL), with the server's `status`."""

    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html><body>Sign in to continue</body></html>"
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def page_server(status: int) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _WebPage)
    server.status = status  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def web_page() -> Iterator[str]:
    with page_server(200) as url:
        yield url


@pytest.mark.parametrize("entry", ["app.py", "web", "worker"])
def test_a_slack_api_url_that_is_not_slack_is_named(entry, web_page, tmp_path):
    assert start(entry, SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL=web_page,
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        f"parley: SLACK_API_URL {web_page} is not Slack's Web API: it answered HTTP 200 with "
        "text/html, not Slack's JSON"]


def test_socket_mode_is_not_for_gunicorn(tmp_path):
    assert start("web", SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1",
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: configuration error: SLACK_APP_TOKEN is set, and Socket Mode runs in one process "
        "(python app.py, or the image's `app` command), not under gunicorn; unset it to serve "
        "Slack over HTTP"]


@pytest.mark.parametrize("entry", ["app.py", "web", "worker"])
def test_a_slack_answering_5xx_may_be_down(entry, tmp_path):
    with page_server(503) as url:
        assert start(entry, UNAVAILABLE, SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL=url,
                     DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
            f"parley: Slack at {url} answered HTTP 503: it may be down for now"]


def test_socket_mode_whose_socket_does_not_open(fake_slack, tmp_path):
    """Slack hands out the socket's address, but nothing answers there (a firewall): Parley
    does not claim to be connected, and says so in one line."""
    fake_slack.tokens["xapp-1-A0PARLEY"] = fake_slack.host_team
    assert start("app.py", UNAVAILABLE, SLACK_BOT_TOKEN=fake_slack.token,
                 SLACK_APP_TOKEN="xapp-1-A0PARLEY", SLACK_API_URL=fake_slack.base_url,
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: Slack gave Parley a Socket Mode address, but the socket did not open within 10 s "
        "(a firewall or proxy that blocks WebSockets?)"]


@pytest.mark.parametrize("entry", ["app.py", "web"])
def test_a_port_already_taken(entry, fake_slack, tmp_path):
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(ENTRIES[entry], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env=environment(SLACK_SIGNING_SECRET="s", PORT=str(port),
                                              SLACK_BOT_TOKEN=fake_slack.token,
                                              SLACK_API_URL=fake_slack.base_url,
                                              DATABASE_URL=f"sqlite:///{tmp_path}/p.db"))
    assert done.returncode == UNAVAILABLE
    assert done.stderr.strip().splitlines()[-1:] == [
        f"parley: cannot listen on PORT {port}: Address already in use"]
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("entry", ["app.py", "web", "worker"])
def test_an_evidence_store_that_cannot_be_used_is_named(entry, fake_slack, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    assert start(entry, SLACK_BOT_TOKEN=fake_slack.token, SLACK_API_URL=fake_slack.base_url,
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db", EVIDENCE_STORE=str(blocked / "evidence")) == [
        f"parley: configuration error: EVIDENCE_STORE {blocked / 'evidence'} cannot be made: Not a directory"]
    assert start(entry, SLACK_BOT_TOKEN=fake_slack.token, SLACK_API_URL=fake_slack.base_url,
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db", EVIDENCE_STORE="evidence") == [
        "parley: configuration error: EVIDENCE_STORE is invalid: must be `database`, an "
        "absolute directory path, or s3://bucket/prefix"]
