"""Parley's own processes, started as a platform starts them (the Procfile's commands), for the
tests of what happens around them: start-up, sizing, SIGTERM."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.databases import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(process: str) -> list[str]:
    """The Procfile's line for `process`, with its program taken from this virtualenv."""
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith(f"{process}:"))
    command = shlex.split(line.removeprefix(f"{process}:"))
    program = sys.executable if command[0] == "python" else str(Path(sys.executable).parent / command[0])
    return [program, *command[1:]]


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def environment(**settings: str) -> dict[str, str]:
    """This environment without any Parley setting, plus `settings`."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DATABASE_URL", "RUN_SCHEDULER", "WEB_", "PROMETHEUS_", "METRICS_"))}
    return {**base, **settings}


@contextmanager
def started(command: list[str], env: dict[str, str], logs: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` with its stdout and stderr in `logs`/out.log and err.log; killed if the
    test leaves it running."""
    with (logs / "out.log").open("w") as out, (logs / "err.log").open("w") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)


def log_of(logs: Path) -> str:
    return (logs / "out.log").read_text() + (logs / "err.log").read_text()


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics, parsed with prometheus_client's own parser: {(sample, labels): value}."""
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(url.rstrip("/") + "/metrics", timeout=5) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}
