"""Ack latency of /dispute: Parley (real app.py) against a bare Bolt app that acks (the floor;
with --floor-opens-modal it opens the same form too, as Parley's /dispute does).

Both run as their own processes, served the same way, against the fake Slack Web API (also its own
process). Prints p50/p95/p99 and throughput for each, and the Parley/floor ratio.

    .venv/bin/python bench/ack_latency.py --requests 2000 --concurrency 20
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import (  # noqa: E402
    ROOT,
    SECRET,
    TOKEN,
    free_port,
    run_load,
    signed_post,
    start_fake_slack,
    start_server,
    stop,
    summary,
)


def command_body(i: int, fake_url: str) -> bytes:
    return urlencode({
        "command": "/dispute", "text": f"Bench dispute {i}", "team_id": "T0HOST",
        "user_id": "U0BENCH", "user_name": "bench", "channel_id": "C0BENCH0",
        "channel_name": "bench", "trigger_id": f"bench-{i}-{os.getpid()}",
        "response_url": fake_url.replace("/api/", f"/respond/{i}"), "api_app_id": "A0",
    }).encode()


def measure(name: str, args: list[str], env: dict[str, str], count: int,
            concurrency: int, warmup: int, rate: float | None = None, *,
            cwd: str | None = None, locale: str = "en-US") -> dict[str, float]:
    """Each app meets a fake Slack of its own, fresh: the fake keeps what it was sent (every view
    opened), and one that had served the first app would be slower for the second. `cwd`: the
    checkout the app runs from; `locale`: the person's Slack locale."""
    fake, fake_url = start_fake_slack(locale=locale)
    port = free_port()
    proc = start_server(args, {**env, "SLACK_API_URL": fake_url, "PORT": str(port)}, port, cwd=cwd)
    try:
        offset = [0]

        def send(i: int) -> float:
            return signed_post(port, command_body(offset[0] + i, fake_url))

        run_load(send, warmup, concurrency)
        offset[0] = warmup
        latencies, wall = run_load(send, count, concurrency, rate)
    finally:
        stop(proc)
        stop(fake)  # SIGTERM, then SIGKILL: a bench never leaves its fake Slack running
    result = summary(latencies, wall)
    print(f"{name:>7}: p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
          f"p99 {result['p99_ms']:6.1f} ms  {result['req_per_s']:7.1f} req/s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--floor-opens-modal", nargs="?", const="same", default=None,
                        choices=["same", "small"],
                        help="the floor opens a modal after its ack, as Parley's /dispute does: the "
                             "same form (default), or a one-block modal (small)")
    parser.add_argument("--rate", type=float, default=None,
                        help="requests per second (open loop); default: closed loop, as fast as replies come")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="parley-bench-")
    env = {
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db", "RUN_SCHEDULER": "false",
        "LOG_LEVEL": "WARNING", "WEB_THREADS": "16",
    }
    env.pop("SLACK_APP_TOKEN", None)
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "alembic"), "upgrade", "head"],
                   cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    mode = f"paced at {options.rate:g}/s" if options.rate else "closed loop"
    print(f"/dispute ack latency: {options.requests} requests at concurrency {options.concurrency}, "
          f"{mode} (after {options.warmup} warm-up), {os.cpu_count()} CPUs", flush=True)
    opens = {"same": "1", "small": "small", None: "0"}[options.floor_opens_modal]
    floor_env = {**env, "FLOOR_OPENS_MODAL": opens}
    floor = measure("floor", ["bench/floor_app.py"], floor_env, options.requests,
                    options.concurrency, options.warmup, options.rate)
    parley = measure("parley", ["app.py"], env, options.requests,
                     options.concurrency, options.warmup, options.rate)
    print(f"  ratio: p50 {parley['p50_ms'] / floor['p50_ms']:.2f}x  "
          f"p99 {parley['p99_ms'] / floor['p99_ms']:.2f}x  "
          f"throughput {parley['req_per_s'] / floor['req_per_s']:.2f}x of the floor")


if __name__ == "__main__":
    main()
