"""GET /metrics's database part on a big database: what one scrape costs.

Creates a schema of its own in the PostgreSQL of DATABASE_URL (default: the local test database),
seeds N disputes as bench/app_home.py does, plus their audit trail (E events per dispute on
average), check-ins and delivered outbox rows, then times its read R times (the page caches it for 10 s per process). Drops the schema
at the end.

    .venv/bin/python bench/metrics_scrape.py --disputes 100000 --events 8 --runs 50
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.app_home import HOST, seed  # noqa: E402
from bench.common import percentile, scratch_database  # noqa: E402
from bot.db import Database  # noqa: E402
from bot.http.metrics import DatabaseCollector  # noqa: E402
from models import Agreement, AuditEvent, CheckIn, Dispute, OutboxMessage  # noqa: E402

FILLER = ["party.added", "perspective.shared", "proposal.made", "agreement.drafted",
          "agreement.approved", "checkin.posted", "dispute.nudged"]


def seed_records(db: Database, events_per_dispute: int) -> int:
    rng = random.Random(7)
    events = 0
    with db.engine.begin() as conn:
        disputes = conn.execute(select(Dispute.id, Dispute.status, Dispute.created_at)).all()
        agreement_of = dict(conn.execute(select(Agreement.dispute_id, Agreement.id)).all())
        batch: list[dict] = []
        checkins: list[dict] = []
        outbox: list[dict] = []

        def flush() -> None:
            nonlocal events
            if batch:
                conn.execute(insert(AuditEvent), batch)
                events += len(batch)
                batch.clear()

        for d in disputes:
            at = d.created_at
            kinds = ["dispute.opened"]
            if d.status in ("agreed", "resolved"):
                kinds.append("agreement.ratified")
                checkins += [{"dispute_id": d.id, "agreement_id": agreement_of[d.id], "kind": "after_days", "due_at": at,
                              "status": rng.choice(["posted", "answered", "pending", "failed"]),
                              "created_at": at} for _ in range(2)]
            if d.status == "resolved":
                kinds.append("dispute.status_changed")
            kinds += rng.choices(FILLER, k=max(0, rng.randint(0, 2 * events_per_dispute) - len(kinds)))
            for kind in kinds:
                payload = {"old": "agreed", "new": "resolved"} if kind == "dispute.status_changed" else {}
                batch.append({"team_id": HOST, "dispute_id": d.id, "kind": kind, "payload": payload,
                              "at": at})
            outbox.append({"team_id": HOST, "dispute_id": d.id, "channel_id": "C1", "kind": "card",
                           "params": {}, "status": "sent" if d.id % 2000 else "pending",
                           "created_at": at, "next_attempt_at": at})
            if len(batch) > 20_000:
                flush()
        flush()
        for rows, model in ((checkins, CheckIn), (outbox, OutboxMessage)):
            for start in range(0, len(rows), 20_000):
                conn.execute(insert(model), rows[start:start + 20_000])
        conn.execute(text("ANALYZE"))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--disputes", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=8)
    parser.add_argument("--runs", type=int, default=50)
    options = parser.parse_args()
    with scratch_database() as db:
        started = time.perf_counter()
        seed(db, options.disputes, 1)
        events = seed_records(db, options.events)
        print(f"seeded {options.disputes} disputes and {events} audit events in "
              f"{time.perf_counter() - started:.0f} s")
        timings = []
        collector = DatabaseCollector(db)
        for _ in range(options.runs):
            t0 = time.perf_counter()
            figures = list(collector.read())  # uncached: what one read costs
            timings.append(time.perf_counter() - t0)
        opened = next(f"{m.name} {m.samples[0].value:.0f}" for m in figures
                      if m.name == "parley_disputes_opened")
        print(f"GET /metrics' database read, {options.runs} reads: p50 {percentile(timings, 50) * 1000:.1f} ms  "
              f"p95 {percentile(timings, 95) * 1000:.1f} ms  ({opened})")


if __name__ == "__main__":
    main()
