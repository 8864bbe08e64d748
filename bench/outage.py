"""A Slack outage in the middle of a busy day: nothing lost, nothing doubled, order kept, and the
backlog drained about as fast as Slack's per-channel limit allows once Slack is back.

Starts Parley's real app.py (its scheduler delivers the outbox) against an in-process fake Slack
that enforces ~1 message/second/channel (bursts of 3, then 429). DISPUTES disputes over CHANNELS
channels each owe POSTS thread messages plus card updates, saved in the outbox at a steady rate
over the run, as the listeners save them; Slack goes down (every call answers 503) for OUTAGE
seconds in the middle. A few posts at the start of the outage reach Slack but lose their answer.
Prints losses, duplicates, order violations, and the drain time after Slack came back against the
bound the per-channel limit allows for the backlog it found (the busiest channel's posts beyond
the burst, one a second).

    .venv/bin/python bench/outage.py [--disputes 200] [--channels 50] [--outage 60] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select  # noqa: E402

from bench.common import SECRET, TOKEN, free_port, start_server, stop  # noqa: E402
from bot.db import Database, build_engine  # noqa: E402
from bot.services import disputes, outbox  # noqa: E402
from bot.services.people import Participant, Person  # noqa: E402
from models import Dispute, OutboxMessage  # noqa: E402
from tests.fakeslack.server import HOST_TEAM, FakeSlack  # noqa: E402
from tests.support.databases import fresh_database, upgrade  # noqa: E402

STUDIO = Person(HOST_TEAM, "U0STUDIO")
CLIENT = Person("T0CLIENT", "U0CLIENT")
BURST = 3


def seed(db: Database, fake: FakeSlack, count: int, channels: int) -> list[int]:
    ids = []
    with db.transaction() as s:
        for n in range(count):
            channel = f"C0OUT{n % channels}"
            d = disputes.open_dispute(s, disputes.NewDispute(
                host_team_id=HOST_TEAM, channel_id=channel, title=f"Outage {n}", category="quality",
                description="d", desired_outcome="o", opener=Participant(STUDIO),
                others=[Participant(CLIENT)]))
            disputes.attach_thread(s, d, thread_ts=fake.add_message(channel, f"card {n}"),
                                   permalink=None, actor=STUDIO)
            ids.append(d.id)
    return ids


def owe(db: Database, dispute_id: int, kind: str) -> None:
    """What a listener saves with a change: here a reminder in the thread, or a card update."""
    with db.transaction() as s:
        dispute = s.get(Dispute, dispute_id)
        params = {"nudge": "agreement", "waiting": []} if kind == "nudge" else {}
        outbox.say(s, dispute, kind, notify=STUDIO, **params)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disputes", type=int, default=200)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--posts", type=int, default=8, help="thread messages per dispute")
    parser.add_argument("--outage", type=float, default=60.0)
    parser.add_argument("--postgres", action="store_true")
    options = parser.parse_args()
    os.environ.setdefault("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    with fresh_database("postgresql" if options.postgres else "sqlite",
                        Path(tempfile.mkdtemp(prefix="parley-bench-"))) as url:
        run(options, url)


def run(options: argparse.Namespace, url: str) -> None:
    fake = FakeSlack(token=TOKEN, validate=False).start()
    fake.channel_gap = 1.0
    fake.channel_burst = BURST
    for n in range(options.channels):
        fake.add_channel(f"C0OUT{n}")
    db = Database(build_engine(url))
    upgrade(db.engine)
    dispute_ids = seed(db, fake, options.disputes, options.channels)
    # Each dispute's messages: POSTS reminders and a card update after every second one.
    work = [(d, "nudge") for d in dispute_ids for _ in range(options.posts)]
    work += [(d, "card.update") for d in dispute_ids for _ in range(options.posts // 2)]
    random.Random(7).shuffle(work)
    port = free_port()
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
           "DATABASE_URL": url, "LOG_LEVEL": "ERROR", "PORT": str(port)}
    app = start_server(["app.py"], env, port)
    spread = options.outage * 1.5  # rows are saved before, during and a little after the outage
    down_at, up_at = options.outage * 0.25, options.outage * 1.25
    try:
        started = time.monotonic()
        writer = threading.Thread(target=lambda: [
            (time.sleep(max(0.0, started + i * spread / len(work) - time.monotonic())), owe(db, d, k))
            for i, (d, k) in enumerate(work)])
        writer.start()
        time.sleep(max(0.0, started + down_at - time.monotonic()))
        for _ in range(3):
            fake.fail_next("chat.postMessage", lost=True)  # posted, but the answers never come
        fake.wait_until(lambda: not fake.failures["chat.postMessage"], timeout=30, what="lost answers")
        fake.down(503)
        time.sleep(max(0.0, started + up_at - time.monotonic()))
        with db.read() as s:
            backlog = Counter(s.scalars(select(OutboxMessage.channel_id).where(
                OutboxMessage.kind == "nudge", OutboxMessage.status.in_(["pending", "sending"]))))
        fake.up()
        back, back_wall = time.monotonic(), time.time()
        writer.join()

        def undelivered() -> int:
            with db.read() as s:
                return s.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_(["pending", "sending"]))) or 0

        deadline = time.monotonic() + 600
        while undelivered() and time.monotonic() < deadline:
            time.sleep(0.05)
        drained = time.monotonic() - back
    finally:
        stop(app)
        fake.stop()

    with db.read() as s:
        rows = {r.id: r for r in s.scalars(select(OutboxMessage))}
    posted = defaultdict(list)  # outbox id -> ts of every message Slack holds for it
    threads = defaultdict(list)  # thread ts -> outbox ids in the order Slack shows them
    for (channel, ts), message in sorted(fake.messages.items(), key=lambda kv: kv[0][1]):
        meta = message.get("metadata") or {}
        if meta.get("event_type") == "parley_outbox":
            row_id = meta["event_payload"]["outbox_id"]
            posted[row_id].append(ts)
            threads[message.get("thread_ts")].append(row_id)
    posts = [r for r in rows.values() if r.kind == "nudge"]
    lost = sum(1 for r in posts if not posted.get(r.id))
    doubled = sum(len(posted[r.id]) - 1 for r in posts if len(posted.get(r.id, [])) > 1)
    out_of_order = sum(1 for ids in threads.values() for a, b in zip(ids, ids[1:]) if a > b)
    statuses = Counter(r.status for r in rows.values())
    # What the limit allows for what was delivered after Slack came back (the backlog, and what
    # was saved meanwhile): the busiest channel's posts beyond the burst, one a second.
    after = Counter(channel for (channel, ts), m in fake.messages.items()
                    if float(ts) >= back_wall and (m.get("metadata") or {}).get("event_type"))
    busiest = max(after.values()) if after else 0
    first_after = min((float(ts) for (_, ts), m in fake.messages.items()
                       if float(ts) >= back_wall and (m.get("metadata") or {}).get("event_type")),
                      default=back_wall) - back_wall
    bound = max(1.0, float(busiest - BURST))
    print(f"{options.disputes} disputes over {options.channels} channels, {len(posts)} thread posts "
          f"and {len(rows) - len(posts)} card updates; Slack down {options.outage:g} s; "
          f"{os.cpu_count()} CPUs, {url.split(':')[0]}")
    print(f"  lost {lost}, duplicated {doubled}, out of order {out_of_order}, rows {dict(statuses)}, "
          f"429 answers {fake.rate_limited}")
    print(f"  backlog when Slack came back: {sum(backlog.values())} posts; posted after: "
          f"{sum(after.values())}, busiest channel {busiest}")
    print(f"  first post {first_after:.1f} s after Slack came back")
    print(f"  drained in {drained:.1f} s; the per-channel limit allows {bound:.0f} s  ->  "
          f"{drained / bound:.2f}x the bound")


if __name__ == "__main__":
    main()
