"""The Procfile's web process as a platform runs it: gunicorn with gunicorn.conf.py, sized by
WEB_CONCURRENCY and WEB_THREADS, with an access log on stdout."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.support.databases import ROOT
from tests.support.waiting import eventually


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def web_command() -> list[str]:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith("web:"))
    command = shlex.split(line.removeprefix("web:"))
    assert command[0] == "gunicorn"
    return [str(Path(sys.executable).parent / "gunicorn"), *command[1:]]


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def test_the_web_process_honours_its_sizing_and_logs_each_request(fake_slack, database_url, tmp_path):
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": fake_slack.token, "SLACK_SIGNING_SECRET": "s",
           "SLACK_API_URL": fake_slack.base_url, "DATABASE_URL": database_url, "PORT": str(port),
           "WEB_CONCURRENCY": "2", "WEB_THREADS": "3", "LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        web = subprocess.Popen(web_command(), cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
        try:
            eventually(lambda: ready(port), timeout=30, what="gunicorn to be ready")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?x=1", timeout=5) as r:
                assert r.status == 200
            eventually(lambda: "/healthz" in out.read_text(), what="the access log line")
        finally:
            web.send_signal(signal.SIGTERM)
            assert web.wait(30) == 0
    log = out.read_text() + err.read_text()
    assert log.count("Booting worker with pid") == 2  # WEB_CONCURRENCY
    assert "gthread" in log and "Traceback" not in log
    access = [line for line in out.read_text().splitlines() if "/healthz" in line]
    assert access and '"GET /healthz HTTP/1.1" 200' in access[0] and "x=1" not in access[0]
    assert access[0].rstrip().endswith("ms")


def test_a_bad_web_threads_is_one_line(database_url):
    # (A bad WEB_CONCURRENCY is gunicorn's own to read: it fails before any config is loaded.)
    env = {**os.environ, "WEB_THREADS": "lots", "DATABASE_URL": database_url}
    done = subprocess.run([*web_command(), "--check-config"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "parley: configuration error: WEB_THREADS is invalid: must be a whole number of at least 1"]
