"""Shared helpers for the benchmark scripts: processes, signed requests, percentiles, a scratch
database."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_fake_slack(
    channels: int = 1, workspaces: int = 0, locale: str = "en-US"
) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakeslack", "--token", TOKEN, "--channels", str(channels),
         "--workspaces", str(workspaces), "--no-validate", "--locale", locale],
        cwd=ROOT, stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def start_server(args: list[str], env: dict[str, str], port: int, cwd: str | None = None) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, *args], cwd=cwd or ROOT, env={**os.environ, **env},
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{args} did not start on port {port}")


def stop(proc: subprocess.Popen[bytes], grace: float = 15) -> None:
    """Stop a process the bench started: SIGTERM, then SIGKILL if it is still there after `grace`."""
    proc.terminate()
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def signed_post(port: int, body: bytes,
                content_type: str = "application/x-www-form-urlencoded") -> float:
    """POST a signed body (a form, or JSON for an event) to /slack/events; returns seconds until
    the response arrived."""
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body,
                           hashlib.sha256).hexdigest()
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", "/slack/events", body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}")
    return elapsed


def run_load(send: Callable[[int], float], count: int, concurrency: int,
             rate: float | None = None) -> tuple[list[float], float]:
    """Closed loop (each of `concurrency` workers sends as soon as its last reply came), or with
    `rate`, requests scheduled at that many per second with at most `concurrency` in flight; then a
    request's latency counts from its scheduled time, so queueing behind busy workers is included."""
    started = time.perf_counter()

    def paced(i: int) -> float:
        assert rate is not None
        due = started + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        waited = time.perf_counter() - due
        return waited + send(i)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = list(pool.map(paced if rate else send, range(count)))
    return latencies, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(latencies: list[float], wall: float) -> dict[str, float]:
    return {
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
        "p99_ms": percentile(latencies, 99) * 1000,
        "mean_ms": statistics.fmean(latencies) * 1000,
        "req_per_s": len(latencies) / wall,
    }


@contextmanager
def scratch_database() -> Iterator[Any]:
    """A migrated Parley database in a PostgreSQL schema of its own (DATABASE_URL, default the
    local test database), dropped afterwards: for the benchmarks that seed a big database."""
    from sqlalchemy import create_engine, text

    from bot.config import normalize_database_url
    from bot.db import Database, build_engine
    from tests.support.databases import upgrade

    base = normalize_database_url(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    schema = f"parley_bench_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in base else "?"
        db = Database(build_engine(f"{base}{separator}options={quote(f'-csearch_path={schema}')}"))
        upgrade(db.engine)
        try:
            yield db
        finally:
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
