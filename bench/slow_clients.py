"""Idle and slow connections must not stop the web process answering Slack.

Starts Parley's web process (app.py's waitress, and the Procfile's gunicorn) against the fake Slack
Web API, opens N connections that each send a request's headers and a part of its body and then
nothing more (`--kind partial`, the issue's case) or that connect and send nothing (`--kind
silent`), and, while they stay open, sends signed `/dispute` commands one at a time. Prints the
acks' p50/p95 and how many went unanswered within `--timeout` seconds, for each N, with N = 0 as
the baseline. With `--root DIR` it runs the app.py and gunicorn.conf.py found in DIR (an export of
an older commit) instead, for a before/after comparison on the same machine.

    .venv/bin/python bench/slow_clients.py [--slow 0,100,300,500] [--requests 40] [--timeout 10]
        [--servers app.py,gunicorn] [--kind partial] [--root /tmp/parley-before]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.ack_latency import command_body  # noqa: E402
from bench.common import (  # noqa: E402
    ROOT,
    SECRET,
    TOKEN,
    free_port,
    percentile,
    start_fake_slack,
    start_server,
    stop,
)

SERVERS = {"app.py": ["app.py"], "gunicorn": ["-m", "gunicorn", "--config", "gunicorn.conf.py"]}
# Headers of a signed-looking request whose body never finishes: 2,000 bytes announced, 50 sent.
PARTIAL = (b"POST /slack/events HTTP/1.1\r\nHost: parley\r\n"
           b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000\r\n"
           b"X-Slack-Request-Timestamp: 1700000000\r\nX-Slack-Signature: v0=00\r\n\r\n" + b"x" * 50)


def signed_post(port: int, body: bytes, timeout: float) -> float:
    """bench.common's signed POST, with a timeout of its own: seconds until the answer came."""
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/slack/events", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig})
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise OSError(f"HTTP {response.status}")
    return time.perf_counter() - started


def open_slow(port: int, count: int, kind: str) -> list[socket.socket]:
    """`count` connections to the server; with `partial`, each sends PARTIAL and then waits."""
    opened = []
    for _ in range(count):
        conn = socket.create_connection(("127.0.0.1", port), timeout=5)
        if kind == "partial":
            conn.sendall(PARTIAL)
        opened.append(conn)
    return opened


def acks(port: int, fake_url: str, count: int, timeout: float, start: int) -> tuple[list[float], int]:
    """Send `count` signed /dispute commands one after the other; their latencies, and how many
    got no answer within `timeout` (three of those before any answer: the rest are not tried)."""
    latencies: list[float] = []
    missed = 0
    for i in range(count):
        try:
            latencies.append(signed_post(port, command_body(start + i, fake_url), timeout=timeout))
        except OSError:
            missed += 1
            if missed >= 3 and not latencies:
                break
    return latencies, missed


def answering(port: int, fake_url: str, n: int) -> bool:
    try:
        signed_post(port, command_body(n, fake_url), timeout=2)
        return True
    except OSError:
        return False


def measure(name: str, args: list[str], env: dict[str, str], fake_url: str, levels: list[int],
            options: argparse.Namespace) -> None:
    port = free_port()
    proc = start_server(args, {**env, "PORT": str(port)}, port)
    sent = 0
    baseline: float | None = None
    try:
        acks(port, fake_url, 20, options.timeout, sent)  # warm-up
        sent += 20
        for level in levels:
            slow = open_slow(port, level, options.kind)
            time.sleep(0.5)  # a bench, not a test: let the server take them in first
            started = time.monotonic()
            latencies, missed = acks(port, fake_url, options.requests, options.timeout, sent)
            sent += options.requests
            for conn in slow:
                conn.close()
            tried = len(latencies) + missed
            if latencies:
                p50, p95 = percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000
                baseline = p50 if level == 0 else baseline
                ratio = f"  ({p50 / baseline:.2f}x the p50 with none)" if baseline and level else ""
                print(f"{name:>8}, {level:>4} {options.kind} connections: answered "
                      f"{len(latencies)}/{tried}, p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{ratio}",
                      flush=True)
            else:
                print(f"{name:>8}, {level:>4} {options.kind} connections: answered 0/{tried} "
                      f"within {options.timeout:g} s ({time.monotonic() - started:.0f} s)", flush=True)
            # Before the next level, the server must answer again (the closed ones let go).
            deadline = time.monotonic() + 180
            while not answering(port, fake_url, sent) and time.monotonic() < deadline:
                sent += 1
            sent += 1
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", default="0,100,300,500", help="numbers of slow connections")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--kind", choices=["partial", "silent"], default="partial")
    parser.add_argument("--servers", default="app.py,gunicorn")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose servers run")
    options = parser.parse_args()
    levels = [int(n) for n in options.slow.split(",")]

    fake, fake_url = start_fake_slack()
    workdir = tempfile.mkdtemp(prefix="parley-bench-")
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_url,
           "DATABASE_URL": f"sqlite:///{workdir}/bench.db", "RUN_SCHEDULER": "false",
           "LOG_LEVEL": "ERROR", "PYTHONPATH": str(options.root)}
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "alembic"), "upgrade", "head"],
                   cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    print(f"/dispute acks with idle connections open ({options.kind}), {options.requests} "
          f"requests per level, timeout {options.timeout:g} s, {os.cpu_count()} CPUs, "
          f"servers from {options.root}", flush=True)
    try:
        for name in options.servers.split(","):
            args = [str(options.root / a) if a.endswith(".py") else a for a in SERVERS[name]]
            if name == "gunicorn":  # gunicorn puts its directory first on sys.path
                args += ["--chdir", str(options.root), "--access-logfile", "/dev/null"]
            measure(name, args, env, fake_url, levels, options)
    finally:
        stop(fake)


if __name__ == "__main__":
    main()
