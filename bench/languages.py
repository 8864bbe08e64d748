"""/dispute ack latency before and after each side's calendar and language (issue 31), in one run.

"Before" is Parley as it was before issue 31 (a git worktree of --baseline, default 97f4163);
"after" is this checkout. Both serve the same /dispute from a person whose Slack locale is German,
against a fresh fake Slack each, alternately (before, after, before, after …) so that the
machine's drift falls on both. Prints each run's p50/p99 and the after/before ratio of the p50s.

    .venv/bin/python bench/languages.py --rounds 3 --requests 1000 --concurrency 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.ack_latency import measure  # noqa: E402
from bench.common import ROOT, SECRET, TOKEN  # noqa: E402


LOCALE = ["de-DE"]


def migrate(cwd: str, env: dict[str, str]) -> None:
    alembic = os.path.join(os.path.dirname(sys.executable), "alembic")
    subprocess.run([alembic, "upgrade", "head"], cwd=cwd, env={**os.environ, **env}, check=True,
                   capture_output=True)


def one_run(
    name: str, cwd: str, count: int, concurrency: int, warmup: int, rate: float | None
) -> dict[str, float]:
    workdir = tempfile.mkdtemp(prefix=f"parley-bench-{name}-")
    env = {
        "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db", "RUN_SCHEDULER": "false",
        "LOG_LEVEL": "WARNING", "WEB_THREADS": "16", "PARLEY_ENV_FILE": "",
        "PYTHONPATH": cwd,
    }
    migrate(cwd, env)
    return measure(name, [os.path.join(cwd, "app.py")], env, count, concurrency, warmup, rate,
                   cwd=cwd, locale=LOCALE[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="97f4163")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rate", type=float, default=None,
                        help="requests per second (open loop); default: closed loop, as fast as replies come")
    parser.add_argument("--locale", default="de-DE", help="the person's Slack locale")
    options = parser.parse_args()
    LOCALE[0] = options.locale
    before_tree = tempfile.mkdtemp(prefix="parley-baseline-")
    subprocess.run(["git", "worktree", "add", "--detach", before_tree, options.baseline], cwd=ROOT, check=True,
                   capture_output=True)
    mode = f"paced at {options.rate:g}/s" if options.rate else "closed loop"
    print(f"/dispute ack, a person whose Slack locale is {options.locale}: {options.rounds} rounds of {options.requests} requests "
          f"at concurrency {options.concurrency}, {mode}; before = {options.baseline}; {os.cpu_count()} CPUs",
          flush=True)
    before, after = [], []
    try:
        for _ in range(options.rounds):
            before.append(one_run("before", before_tree, options.requests, options.concurrency, options.warmup, options.rate))
            after.append(one_run("after", str(ROOT), options.requests, options.concurrency, options.warmup, options.rate))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", before_tree], cwd=ROOT, capture_output=True)
    b = statistics.median(r["p50_ms"] for r in before)
    a = statistics.median(r["p50_ms"] for r in after)
    print(f"  median p50: before {b:.1f} ms, after {a:.1f} ms: after/before {a / b:.3f}x")


if __name__ == "__main__":
    main()
