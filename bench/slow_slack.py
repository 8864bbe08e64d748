"""Slow Slack must never slow down (or lose) what people do.

Starts Parley's real app.py against an in-process fake Slack that answers every Web API call
after LATENCY seconds (2 s by default), then sends, all at the same moment:
1. 20 `/dispute` form submissions in one channel;
2. 20 clicks on "Accept" for 20 proposals in 20 channels.
Prints how long until every change was committed to the database, how many failed, and how long
until every message reached Slack. With `--root DIR` it runs the app.py found in DIR (a git
worktree of an older commit) instead, for a before/after comparison on the same machine.

    .venv/bin/python bench/slow_slack.py [--postgres] [--latency 2] [--root /tmp/parley-before]

(The directory of users is warmed with one submission and one click before Slack slows down: the
form's validation and the click look people up in Slack (their names, their organization's name),
which is the ack's business, not the commit's.)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select  # noqa: E402

from bench.common import ROOT, SECRET, TOKEN, free_port, signed_post, start_server, stop  # noqa: E402
from bot import ids  # noqa: E402
from bot.blocks.dispute_modal import open_dispute_modal  # noqa: E402
from bot.db import Database, build_engine  # noqa: E402
from bot.payloads import ProposalButton  # noqa: E402
from bot.services import disputes, proposals  # noqa: E402
from bot.services.people import Participant, Person  # noqa: E402
from bot.services.proposals import ProposalDraft  # noqa: E402
from models import Dispute, Proposal  # noqa: E402
from tests.fakeslack.server import HOST_TEAM, FakeSlack  # noqa: E402
from tests.support.slack_requests import state_values  # noqa: E402

STUDIO = Person(HOST_TEAM, "U0STUDIO")
CLIENT = Person("T0CLIENT", "U0CLIENT")
ANSWERS = {ids.B_TITLE: "Late delivery", ids.B_CATEGORY: "delivery",
           ids.B_HAPPENED: "The screens came two weeks late.", ids.B_OUTCOME: "A credit.",
           ids.B_PARTIES: [CLIENT.user_id]}


def database(postgres: bool, workdir: str) -> str:
    if not postgres:
        return f"sqlite:///{workdir}/bench.db"
    import psycopg

    name = f"parley_bench_{os.getpid()}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def submission(n: int, view: dict) -> bytes:
    return urlencode({"payload": json.dumps({
        "type": "view_submission", "api_app_id": "A0PARLEY", "trigger_id": f"bench-open-{n}",
        "user": {"id": STUDIO.user_id, "username": "studio", "team_id": HOST_TEAM},
        "team": {"id": HOST_TEAM, "domain": "x"},
        "view": {"id": f"VBENCH{n}", "type": "modal", "team_id": HOST_TEAM,
                 "app_installed_team_id": HOST_TEAM, "callback_id": view["callback_id"],
                 "private_metadata": view["private_metadata"], "hash": f"h{n}",
                 "state": {"values": state_values(view, ANSWERS)}},
    })}).encode()


def accept(n: int, dispute_id: int, proposal_id: int, channel: str, response_url: str) -> bytes:
    return urlencode({"payload": json.dumps({
        "type": "block_actions", "user": {"id": CLIENT.user_id, "team_id": CLIENT.team_id},
        "team": {"id": CLIENT.team_id}, "trigger_id": f"bench-accept-{n}",
        "channel": {"id": channel}, "container": {"channel_id": channel},
        "response_url": response_url,
        "actions": [{"action_id": ids.ACCEPT_PROPOSAL, "type": "button",
                     "value": ProposalButton(d=dispute_id, p=proposal_id).encode(),
                     "action_ts": f"{time.time():.6f}"}],
    })}).encode()


def seed_proposals(db: Database, fake: FakeSlack, count: int) -> list[tuple[int, int, str]]:
    made = []
    with db.transaction() as s:
        for n in range(count):
            channel = f"C0ACT{n}"
            fake.add_channel(channel)
            d = disputes.open_dispute(s, disputes.NewDispute(
                host_team_id=HOST_TEAM, channel_id=channel, title=f"Bench {n}", category="quality",
                description="d", desired_outcome="o", opener=Participant(STUDIO),
                others=[Participant(CLIENT)]))
            ts = fake.add_message(channel, "card")
            disputes.attach_thread(s, d, thread_ts=ts, permalink=None, actor=STUDIO)
            p = proposals.propose(s, d, d.parties[0], ProposalDraft("Redo", "Redo it.", "redo"),
                                  actor=STUDIO).proposal
            p.message_ts = fake.add_message(channel, "P1", thread_ts=ts)
            made.append((d.id, p.id, channel))
    return made


def all_at_once(bodies: list[bytes], port: int) -> tuple[float, list[str]]:
    """Send every body at the same moment; returns the start time and any failures."""
    failures: list[str] = []
    gate = threading.Barrier(len(bodies) + 1)

    def send(body: bytes) -> None:
        gate.wait()
        try:
            signed_post(port, body)
        except Exception as error:  # noqa: BLE001 - counted and printed
            failures.append(str(error))

    threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    gate.wait()
    started = time.monotonic()
    for t in threads:
        t.join()
    return started, failures


def wait_for(count_now, target: int, timeout: float) -> tuple[float | None, int]:
    deadline = time.monotonic() + timeout
    while True:
        now = count_now()
        if now >= target:
            return time.monotonic(), now
        if time.monotonic() > deadline:
            return None, now
        time.sleep(0.005)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disputes", type=int, default=20)
    parser.add_argument("--latency", type=float, default=2.0)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose app.py runs")
    options = parser.parse_args()
    n = options.disputes

    fake = FakeSlack(token=TOKEN, validate=False).start()
    fake.add_channel("C0BENCH")
    fake.teams["T0CLIENT"] = "Client Co"
    fake.add_user(STUDIO.user_id, STUDIO.team_id, name="studio")
    fake.add_user(CLIENT.user_id, CLIENT.team_id, name="client")
    workdir = tempfile.mkdtemp(prefix="parley-bench-")
    url = database(options.postgres, workdir)
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
           "DATABASE_URL": url, "LOG_LEVEL": "ERROR", "PYTHONPATH": str(options.root)}
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "alembic"), "upgrade", "head"],
                   cwd=options.root, env={**os.environ, **env}, check=True, capture_output=True)
    db = Database(build_engine(url))
    made = seed_proposals(db, fake, n + 1)
    warm_d, warm_p, warm_c = made.pop()  # the clicking person's first click, before Slack slows
    port = free_port()
    app = start_server([str(options.root / "app.py")], {**env, "PORT": str(port)}, port)
    view = open_dispute_modal("C0BENCH", "")

    def count(model, *where) -> int:
        with db.read() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where)) or 0

    def cards() -> int:
        return sum(1 for c in fake.calls_to("chat.postMessage")
                   if c.args.get("_accepted") and c.args.get("channel") == "C0BENCH"
                   and not c.args.get("thread_ts"))

    try:
        signed_post(port, submission(-1, view))  # warm the directory and the connections
        wait_for(cards, 1, 30)
        signed_post(port, accept(-1, warm_d, warm_p, warm_c, fake.response_url()))
        wait_for(lambda: count(Proposal, Proposal.status == "accepted"), 1, 30)
        fake.latency = options.latency
        started, failed = all_at_once([submission(i, view) for i in range(n)], port)
        committed_at, opened = wait_for(lambda: count(Dispute, Dispute.channel_id == "C0BENCH") - 1, n, 30)
        posted_at, posted = wait_for(lambda: cards() - 1, n, 180)
        print(f"{n} /dispute submissions at once, Slack answering in {options.latency:g} s, "
              f"{url.split(':')[0]}, app from {options.root}")
        print(f"  committed: {opened}/{n} in "
              f"{'%.3f s' % (committed_at - started) if committed_at else 'never (30 s)'}; "
              f"failed requests {len(failed)}")
        print(f"  cards in Slack: {posted}/{n} after "
              f"{'%.1f s' % (posted_at - started) if posted_at else 'never (180 s)'} "
              f"(one channel: at most about one message a second)")

        bodies = [accept(i, d, p, c, fake.response_url()) for i, (d, p, c) in enumerate(made)]
        started, failed = all_at_once(bodies, port)
        committed_at, accepted = wait_for(
            lambda: count(Proposal, Proposal.status == "accepted") - 1, n, 30)
        print(f"{n} Accept clicks in {n} channels at once")
        print(f"  committed: {accepted}/{n} in "
              f"{'%.3f s' % (committed_at - started) if committed_at else 'never (30 s)'}; "
              f"failed requests {len(failed)}")
    finally:
        stop(app)
        fake.stop()


if __name__ == "__main__":
    main()
