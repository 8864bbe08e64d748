"""Draining a backlog of due check-ins against Slack's per-channel rate limit.

Seeds N due check-ins over C channels (N/C disputes per channel, one due check-in each), starts
the real scheduler process (`python -m bot.worker`), against a fake Slack that enforces Slack's
limit as a burst of 3 then one message a second per channel (a 429 beyond it). Prints the time
until every check-in was posted, the bound the rate limit allows ((N/C − 3) seconds: after the
burst, every channel's messages one second apart, all channels in parallel), the ratio, and the
duplicates, losses and 429s.

First, as a baseline, another process posts the same number of messages of the same size to a
fake Slack in this process that enforces no limit, from as many threads as the scheduler's
delivery has, with the same client and no database: what this machine and the fake can carry at
all. When that takes longer than the rate limit's bound, it is the bound the drain can reach here.

    .venv/bin/python bench/checkins.py --checkins 10000 --channels 1000 [--postgres] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select  # noqa: E402

from bench.common import ROOT, SECRET, TOKEN  # noqa: E402
from bot.db import Database, build_engine  # noqa: E402
from bot.payloads import CheckInAnswer, decode  # noqa: E402
from models import (  # noqa: E402
    ActionItem,
    Agreement,
    CheckIn,
    Dispute,
    Party,
    Workspace,
    utcnow,
)
from tests.fakeslack.server import HOST_TEAM, FakeSlack  # noqa: E402
from tests.support.databases import fresh_database, upgrade  # noqa: E402

BURST = 3
DELIVERY_THREADS = 16  # the Deliverer's default


def seed(db: Database, checkins: int, channels: int) -> None:
    """Agreed disputes, checkins/channels of them in each channel, each with one due check-in
    (check-ins of one dispute that fall due together are one message; here every check-in is a
    message of its own)."""
    now = utcnow()
    with db.transaction() as s:
        s.add(Workspace(team_id=HOST_TEAM, last_dispute_number=checkins, created_at=now))
        for n in range(checkins):
            dispute = Dispute(team_id=HOST_TEAM, number=n + 1, channel_id=f"C0BENCH{n % channels}",
                              thread_ts=f"1800000000.{n:06d}", title=f"Bench {n}", category="quality",
                              description="d", desired_outcome="o", status="agreed",
                              opened_by_team=HOST_TEAM, opened_by_user="U0STUDIO",
                              created_at=now, updated_at=now)
            dispute.parties = [Party(team_id=HOST_TEAM, user_id="U0STUDIO", side="provider"),
                               Party(team_id="T0CLIENT", user_id="U0CLIENT", side="client")]
            s.add(dispute)
            s.flush()
            agreement = Agreement(dispute_id=dispute.id, version=1, drafted_by_party_id=dispute.parties[0].id,
                                  terms="Redo it.", checkin_days=[], content_hash="x" * 64,
                                  status="ratified", ratified_at=now, created_at=now,
                                  items=[ActionItem(position=0, text="Redo", owner_team=HOST_TEAM,
                                                    owner_user="U0STUDIO",
                                                    due_date=date.today() + timedelta(days=1))])
            s.add(agreement)
            s.flush()
            s.add(CheckIn(dispute_id=dispute.id, agreement_id=agreement.id,
                          action_item_id=agreement.items[0].id, kind="item_due",
                          due_at=now - timedelta(minutes=1), status="pending", created_at=now))


POSTER = """
import sys, threading, time
from bot.slack.outgoing import ParleyClient
client = ParleyClient(token=sys.argv[1], base_url=sys.argv[2])
total, channels, threads = (int(a) for a in sys.argv[3:6])
blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "Check-in: *Redo* " + "x" * 200}},
          {"type": "actions", "elements": [{"type": "button", "action_id": "a", "value": "v" * 60,
           "text": {"type": "plain_text", "text": "Done"}}]}]
numbers, lock = iter(range(total)), threading.Lock()
def post():
    while True:
        with lock:
            n = next(numbers, None)
        if n is None:
            return
        client.chat_postMessage(channel=f"C0BASE{n % channels}", text="Check-in", blocks=blocks,
                                thread_ts="1800000000.000001")
started = time.monotonic()
workers = [threading.Thread(target=post) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(time.monotonic() - started)
"""


def baseline(total: int, channels: int) -> float:
    """Seconds for another process to post `total` messages to a fake with no limit."""
    fake = FakeSlack(token=TOKEN, validate=False).start()
    for n in range(channels):
        fake.add_channel(f"C0BASE{n}")
    try:
        out = subprocess.run([sys.executable, "-c", POSTER, TOKEN, fake.base_url, str(total),
                              str(channels), str(DELIVERY_THREADS)], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout
    finally:
        fake.stop()
    return float(out.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkins", type=int, default=10000)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="scheduler processes")
    parser.add_argument("--postgres", action="store_true",
                        help="a fresh schema in TEST_DATABASE_URL (default: the local test database) "
                             "instead of a SQLite file")
    options = parser.parse_args()
    os.environ.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    workdir = Path(tempfile.mkdtemp(prefix="parley-bench-"))
    with fresh_database("postgresql" if options.postgres else "sqlite", workdir) as url:
        run(options, url)


def run(options: argparse.Namespace, url: str) -> None:
    fake = FakeSlack(token=TOKEN, validate=False).start()
    fake.channel_gap = 1.0
    fake.channel_burst = BURST
    for n in range(options.channels):
        fake.add_channel(f"C0BENCH{n}")
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": fake.base_url, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
           "SCHEDULER_TICK_SECONDS": "1"}
    env.pop("SLACK_APP_TOKEN", None)
    db = Database(build_engine(url))
    upgrade(db.engine)
    seed(db, options.checkins, options.channels)
    per_channel = options.checkins // options.channels
    total = per_channel * options.channels
    bound = float(per_channel - BURST)
    carried = baseline(total, options.channels)

    started = time.monotonic()
    workers = [subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env)
               for _ in range(options.workers)]
    try:
        fake.wait_until(lambda: len(fake.messages) >= total, timeout=600,
                        what="every check-in")
        time.sleep(2)  # a couple more ticks: anything posted twice would show now (a measurement, not a test)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(10)
        fake.stop()
        db.engine.dispose()
    # Slack accepted these (a 429 is not a post; the client retries it after Retry-After).
    posts = [c for c in fake.calls_to("chat.postMessage")
             if c.args.get("text", "").startswith("Check-in") and c.args.get("_accepted")]
    first = min(c.at for c in posts)
    last = max(c.at for c in posts)
    ids = Counter(decode(CheckInAnswer, b["elements"][0]["value"]).c
                  for c in posts for b in c.args["blocks"] if b.get("type") == "actions")
    duplicates = sum(n - 1 for n in ids.values() if n > 1)
    with db.read() as s:
        posted = s.scalar(select(func.count()).select_from(CheckIn).where(CheckIn.status == "posted"))
    lost = total - len(ids)
    drain = last - first
    print(f"{total} check-ins over {options.channels} channels ({per_channel} each), "
          f"{options.workers} scheduler process(es), {os.cpu_count()} CPUs, {url.split(':')[0]}")
    print(f"  drain: {drain:.1f} s from first to last post ({last - started:.1f} s from process start)")
    print(f"  bound: {bound:.1f} s at 1 message/second/channel  ->  {drain / bound:.2f}x the bound")
    print(f"  baseline: {carried:.1f} s to post {total} with no limit and no database "
          f"->  {drain / max(bound, carried):.2f}x the slower of the two")
    print(f"  duplicates {duplicates}, lost {lost}, marked posted {posted}, "
          f"429 answers {fake.rate_limited}")


if __name__ == "__main__":
    main()
