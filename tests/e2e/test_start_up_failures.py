"""What a deploy with a mistake in it prints: one line naming the problem and exit status 2,
never a traceback, for each entry point (app.py, the worker, and `make run`'s check before it
migrates)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.support.databases import ROOT

ENTRIES = {"app.py": ["app.py"], "worker": ["-m", "bot.worker"], "preflight": ["-m", "bot.preflight"]}


def start(entry: str, **env: str) -> list[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    done = subprocess.run([sys.executable, *ENTRIES[entry]], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env={**base, "SLACK_SIGNING_SECRET": "s", **env})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    return done.stderr.strip().splitlines()


@pytest.mark.parametrize("entry", ["app.py", "worker"])
def test_slack_unreachable(entry, tmp_path):
    assert start(entry, SLACK_BOT_TOKEN="xoxb-1", SLACK_API_URL="http://127.0.0.1:1/",
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: cannot reach Slack at http://127.0.0.1:1/: [Errno 111] Connection refused"]


@pytest.mark.parametrize("entry", ["app.py", "worker"])
def test_token_refused(entry, fake_slack, tmp_path):
    assert start(entry, SLACK_BOT_TOKEN="xoxb-revoked", SLACK_API_URL=fake_slack.base_url,
                 DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: Slack refused SLACK_BOT_TOKEN: invalid_auth"]


@pytest.mark.parametrize("entry", ["app.py", "worker", "preflight"])
def test_database_unreachable(entry, fake_slack):
    lines = start(entry, SLACK_BOT_TOKEN=fake_slack.token, SLACK_API_URL=fake_slack.base_url,
                  DATABASE_URL="postgres://parley:hunter2@127.0.0.1:1/parley")
    assert len(lines) == 1
    assert lines[0].startswith(
        "parley: cannot reach the database at postgresql+psycopg://parley:***@127.0.0.1:1/parley: ")
    assert "hunter2" not in lines[0]


def test_slack_unreachable_in_any_workspace_mode(tmp_path):
    """No token to check then: start-up asks Slack's api.test whether it answers."""
    assert start("app.py", SLACK_CLIENT_ID="1.2", SLACK_CLIENT_SECRET="s",
                 SLACK_API_URL="http://127.0.0.1:1/", DATABASE_URL=f"sqlite:///{tmp_path}/p.db") == [
        "parley: cannot reach Slack at http://127.0.0.1:1/: [Errno 111] Connection refused"]
