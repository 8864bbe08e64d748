"""App Home for a busy person with 100,000 disputes in the database.

Creates a schema of its own in the PostgreSQL of DATABASE_URL (default: the local test database),
seeds N disputes (the busy person is a party to M of them), then builds the App Home view
(queries and Block Kit) R times and prints the latency percentiles. Drops the schema at the end.

    .venv/bin/python bench/app_home.py --disputes 100000 --busy 500 --runs 200
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.common import percentile, scratch_database  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.services import overview  # noqa: E402
from bot.services.overview import FiguresCache  # noqa: E402
from bot.services.people import Person  # noqa: E402
from bot.services.vocabulary import CATEGORIES  # noqa: E402
from bot.slack.listeners.home import build_home  # noqa: E402
from models import Agreement, Dispute, Feedback, Party, utcnow  # noqa: E402

HOST = "T0HOST"
BUSY = Person(HOST, "U0BUSY")


def seed(db: Database, disputes: int, busy: int) -> None:
    rng = random.Random(11)
    now = utcnow()
    statuses = ["open", "discussing", "agreement_pending", "agreed", "resolved", "closed"]
    busy_ids = set(rng.sample(range(disputes), busy))
    chunk = 10_000
    with db.engine.begin() as conn:
        for start in range(0, disputes, chunk):
            rows = []
            for n in range(start, min(disputes, start + chunk)):
                created = now - timedelta(days=rng.random() * 365)
                rows.append({"id": n + 1, "team_id": HOST, "number": n + 1, "channel_id": f"C{n % 500:05d}",
                             "thread_ts": f"1700000000.{n:06d}", "title": f"Dispute {n}",
                             "category": rng.choice(list(CATEGORIES)), "description": "d",
                             "desired_outcome": "o", "status": rng.choice(statuses), "escalated": False,
                             "opened_by_team": HOST, "opened_by_user": f"U{n % 3000:05d}",
                             "created_at": created, "updated_at": created})
            conn.execute(insert(Dispute), rows)
            parties = []
            for row in rows:
                n = row["id"] - 1
                provider = BUSY.user_id if n in busy_ids else row["opened_by_user"]
                parties += [{"dispute_id": row["id"], "team_id": HOST, "user_id": provider,
                             "side": "provider", "can_approve": True, "created_at": row["created_at"]},
                            {"dispute_id": row["id"], "team_id": "T0CLIENT", "user_id": f"W{n % 5000:05d}",
                             "side": "client", "can_approve": True, "created_at": row["created_at"]}]
            conn.execute(insert(Party), parties)
        ids = [r for r in conn.execute(select(Dispute.id, Dispute.created_at, Dispute.status)).all()]
        agreed = [r for r in ids if r.status in ("agreed", "resolved")]
        parties_of = dict(conn.execute(select(Party.dispute_id, Party.id).where(Party.side == "provider")).all())
        for start in range(0, len(agreed), chunk):
            conn.execute(insert(Agreement), [
                {"dispute_id": r.id, "version": 1, "drafted_by_party_id": parties_of[r.id], "terms": "t",
                 "checkin_days": [7], "checkin_on_due_dates": True, "approvals_rule": "one_per_side",
                 "content_hash": "x" * 64, "status": "ratified", "created_at": r.created_at,
                 "ratified_at": r.created_at + timedelta(days=rng.random() * 20)}
                for r in agreed[start:start + chunk]])
        resolved = [r for r in ids if r.status == "resolved"]
        conn.execute(insert(Feedback), [{"dispute_id": r.id, "team_id": "T0CLIENT", "user_id": "W00001",
                                         "rating": rng.randint(1, 5), "at": r.created_at} for r in resolved])
        conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--busy", type=int, default=500)
    parser.add_argument("--runs", type=int, default=200)
    options = parser.parse_args()
    with scratch_database() as db:
        started = time.perf_counter()
        seed(db, options.disputes, options.busy)
        print(f"seeded {options.disputes} disputes in {time.perf_counter() - started:.0f} s; the busy "
              f"person is a party to {options.busy}")
        cache = FiguresCache()  # as the app keeps one: figures at most once a minute
        with db.read() as session:
            t0 = time.perf_counter()
            overview.figures(session, HOST)
            uncached = time.perf_counter() - t0
        timings = []
        for _ in range(options.runs):
            t0 = time.perf_counter()
            with db.read() as session:
                view = build_home(session, BUSY, HOST, cache)
            timings.append(time.perf_counter() - t0)
        print(f"App Home ({len(view['blocks'])} blocks), {options.runs} renders: p50 "
              f"{percentile(timings, 50) * 1000:.1f} ms  p95 {percentile(timings, 95) * 1000:.1f} ms  "
              f"max {max(timings) * 1000:.1f} ms (the first includes the figures)")
        print(f"  the 90-day figures alone, uncached: {uncached * 1000:.0f} ms (computed at most "
              "once a minute per workspace)")


if __name__ == "__main__":
    main()
