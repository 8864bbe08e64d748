"""Many workspaces: `/dispute` ack p99 and App Home p95 with 1,000 installed workspaces
(any-workspace mode) against one SLACK_BOT_TOKEN (single-workspace mode), in the same run.

Both modes run the real app.py as a process of its own on one migrated PostgreSQL schema (of
DATABASE_URL, default the local test database; dropped afterwards) holding N installations,
against the fake Slack Web API (its own process, which knows every workspace's token). In
any-workspace mode each request comes from one of the N workspaces, in turn, so Bolt authorizes
it from the installation store; the App Home figure is the ack of `app_home_opened`, which is
where that authorization happens (the view itself is built after the ack). The two modes are
measured in alternating rounds, and the ratio is of the medians.

    .venv/bin/python bench/workspaces.py --workspaces 1000 --requests 2000 --concurrency 20 --rounds 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from slack_sdk.oauth.installation_store import Installation  # noqa: E402

from bench.common import (  # noqa: E402
    SECRET,
    TOKEN,
    free_port,
    run_load,
    scratch_database,
    signed_post,
    start_fake_slack,
    start_server,
    stop,
    summary,
)
from bot.config import load_settings  # noqa: E402
from bot.slack.installs import installation_store  # noqa: E402

CLIENT_ID = "1111.2222"


def install_all(db, count: int) -> None:
    settings = load_settings(slack_bot_token="", slack_client_id=CLIENT_ID, slack_client_secret="x",
                             slack_signing_secret=SECRET, database_url="sqlite://")
    store = installation_store(settings, db.engine)
    for n in range(count):
        team = f"TWS{n:05d}"
        store.save(Installation(app_id="A0PARLEY", enterprise_id=None, team_id=team,
                                team_name=f"Workspace {n}", bot_token=f"xoxb-ws-{n}",
                                bot_id=f"B{n:05d}", bot_user_id=f"U0BOT{n:05d}",
                                bot_scopes="commands,chat:write", user_id=f"U0ADMIN{n}",
                                installed_at=time.time()))


def command(i: int, team: str, fake_url: str) -> bytes:
    return urlencode({
        "command": "/dispute", "text": f"Bench dispute {i}", "team_id": team,
        "user_id": "U0BENCH", "user_name": "bench", "channel_id": "C0BENCH0",
        "channel_name": "bench", "trigger_id": f"bench-{i}-{time.monotonic_ns()}",
        "response_url": fake_url.replace("/api/", f"/respond/{i}"), "api_app_id": "A0PARLEY",
    }).encode()


def home_opened(i: int, team: str) -> bytes:
    return json.dumps({
        "token": "legacy", "team_id": team, "api_app_id": "A0PARLEY", "type": "event_callback",
        "event_id": f"EvB{i}-{time.monotonic_ns()}", "event_time": int(time.time()),
        "event": {"type": "app_home_opened", "user": "U0BENCH", "tab": "home", "channel": "D0BENCH"},
        "authorizations": [{"team_id": team, "user_id": "U0BOT", "is_bot": True,
                            "is_enterprise_install": False}],
    }).encode()


def measure(name: str, env: dict[str, str], teams: list[str], fake_url: str, count: int,
            concurrency: int, warmup: int) -> tuple[dict[str, float], dict[str, float]]:
    port = free_port()
    proc = start_server(["app.py"], {**env, "PORT": str(port)}, port)
    try:
        def slash(i: int) -> float:
            return signed_post(port, command(i, teams[i % len(teams)], fake_url))

        def home(i: int) -> float:
            return signed_post(port, home_opened(i, teams[i % len(teams)]), "application/json")

        run_load(slash, warmup, concurrency)
        run_load(home, warmup, concurrency)
        ack = summary(*run_load(slash, count, concurrency))
        homes = summary(*run_load(home, count, concurrency))
    finally:
        stop(proc)
    print(f"{name:>14}: /dispute ack p50 {ack['p50_ms']:6.1f} ms  p99 {ack['p99_ms']:6.1f} ms   "
          f"App Home ack p50 {homes['p50_ms']:6.1f} ms  p95 {homes['p95_ms']:6.1f} ms", flush=True)
    return ack, homes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    fake, fake_url = start_fake_slack(workspaces=options.workspaces)
    try:
        with scratch_database() as db:
            install_all(db, options.workspaces)
            url = db.engine.url.render_as_string(hide_password=False)
            common = {"SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_url,
                      "DATABASE_URL": url, "RUN_SCHEDULER": "false", "LOG_LEVEL": "WARNING",
                      "WEB_THREADS": "16", "SLACK_APP_TOKEN": ""}
            single = {**common, "SLACK_BOT_TOKEN": TOKEN, "SLACK_CLIENT_ID": "",
                      "SLACK_CLIENT_SECRET": ""}
            many = {**common, "SLACK_BOT_TOKEN": "", "SLACK_CLIENT_ID": CLIENT_ID,
                    "SLACK_CLIENT_SECRET": "bench-secret"}
            teams = [f"TWS{n:05d}" for n in range(options.workspaces)]
            print(f"{options.workspaces} installed workspaces in PostgreSQL; {options.requests} "
                  f"requests of each kind at concurrency {options.concurrency} (after "
                  f"{options.warmup} warm-up), {os.cpu_count()} CPUs", flush=True)
            ones, anys = [], []
            for _ in range(options.rounds):  # alternated, so that drift hits both modes alike
                ones.append(measure("one workspace", single, ["T0HOST"], fake_url,
                                    options.requests, options.concurrency, options.warmup))
                anys.append(measure("any workspace", many, teams, fake_url, options.requests,
                                    options.concurrency, options.warmup))
    finally:
        stop(fake)

    def median(runs: list[tuple[dict[str, float], dict[str, float]]], which: int, key: str) -> float:
        return statistics.median(run[which][key] for run in runs)

    ack = median(anys, 0, "p99_ms") / median(ones, 0, "p99_ms")
    home = median(anys, 1, "p95_ms") / median(ones, 1, "p95_ms")
    print(f"  medians of {options.rounds} rounds, ratio (any / one): /dispute ack p99 {ack:.2f}x, "
          f"App Home p95 {home:.2f}x")


if __name__ == "__main__":
    main()
