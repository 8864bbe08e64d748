"""The worker's own /metrics (METRICS_PORT): it listens on METRICS_HOST, this machine only unless
said otherwise, and asks for METRICS_TOKEN as the web's /metrics does (issue 25). The worker is
started as the Procfile starts it."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from email.message import Message

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import SettingsError, load_settings
from tests.support.databases import ROOT
from tests.support.processes import environment, free_port, log_of, procfile_command, started
from tests.support.waiting import eventually

TOKEN = "scrape-me-9f2c"
# Every 127.x.y.z address is this machine's on Linux: a server listening on 127.0.0.1 alone
# refuses a connection to 127.0.0.2, one listening on every interface takes it.
OTHER_LOOPBACK = "127.0.0.2"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="127.0.0.2 is a loopback address on Linux only")


def worker_env(fake_slack, database_url: str, port: int, **settings: str) -> dict[str, str]:
    return environment(SLACK_BOT_TOKEN=fake_slack.token, SLACK_API_URL=fake_slack.base_url,
                       DATABASE_URL=database_url, METRICS_PORT=str(port), **settings)


def stop(worker, logs) -> None:
    """SIGTERM once the worker runs its scheduler (its handler is in place then): it exits 0."""
    eventually(lambda: "worker started" in log_of(logs), timeout=30, what="the worker to start")
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(15) == 0, log_of(logs)


def listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def get(host: str, port: int, authorization: str | None = None) -> tuple[int, Message, str]:
    """GET /metrics: the status, the headers (looked up in any case) and the body."""
    headers = {"Authorization": authorization} if authorization is not None else {}
    request = urllib.request.Request(f"http://{host}:{port}/metrics", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def families(text: str) -> set[str]:
    return {family.name for family in text_string_to_metric_families(text)}


@linux_only
def test_the_workers_metrics_want_the_token_and_listen_on_this_machine_only(fake_slack, database_url, tmp_path):
    port = free_port()
    env = worker_env(fake_slack, database_url, port, METRICS_TOKEN=TOKEN)
    with started(procfile_command("worker"), env, tmp_path) as worker:
        eventually(lambda: listening("127.0.0.1", port), timeout=30, what="the worker's metrics")
        for authorization in (None, "", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"):
            status, headers, body = get("127.0.0.1", port, authorization)
            assert (status, body) == (401, "Unauthorized"), authorization
            assert headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
        status, headers, body = get("127.0.0.1", port, f"Bearer {TOKEN}")
        assert status == 200 and headers["Content-Type"].startswith("text/plain")
        assert {"parley_slack_api_calls", "parley_db_connections_in_use"} <= families(body)
        # 127.0.0.1 by default: not every interface, as prometheus_client's own server would.
        assert not listening(OTHER_LOOPBACK, port)
        stop(worker, tmp_path)
    assert "Traceback" not in log_of(tmp_path)


@linux_only
def test_metrics_host_chooses_the_address_and_without_a_token_anyone_there_may_scrape(fake_slack, database_url, tmp_path):
    port = free_port()
    env = worker_env(fake_slack, database_url, port, METRICS_HOST=OTHER_LOOPBACK)
    with started(procfile_command("worker"), env, tmp_path) as worker:
        eventually(lambda: listening(OTHER_LOOPBACK, port), timeout=30, what="the worker's metrics")
        status, _, body = get(OTHER_LOOPBACK, port)
        assert status == 200 and "parley_slack_api_calls" in families(body)
        assert not listening("127.0.0.1", port)
        stop(worker, tmp_path)


def test_a_metrics_port_already_taken_is_one_line(fake_slack, database_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(procfile_command("worker"), cwd=ROOT, capture_output=True, text=True,
                              env=worker_env(fake_slack, database_url, port), timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"parley: configuration error: METRICS_PORT {port} on METRICS_HOST 127.0.0.1 cannot be "
        "listened on: Address already in use"]


@pytest.mark.parametrize("host", ["every interface", "127.0.0.1:9100", "http://0.0.0.0"])
def test_a_bad_metrics_host_is_one_line(host):
    with pytest.raises(SettingsError) as refused:
        load_settings(http=False, slack_bot_token="xoxb-1", metrics_host=host)
    assert str(refused.value) == ("METRICS_HOST is invalid: must be an address to listen on, such as "
                                  "127.0.0.1 (this machine only) or 0.0.0.0 (every interface)")


@pytest.mark.parametrize(("host", "kept"), [("", "127.0.0.1"), (" 0.0.0.0 ", "0.0.0.0"), ("::", "::"),
                                            ("metrics.internal", "metrics.internal")])
def test_metrics_host_takes_addresses_and_names(host, kept):
    assert load_settings(http=False, slack_bot_token="xoxb-1", metrics_host=host).metrics_host == kept
