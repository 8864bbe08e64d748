"""`parley verify --audit` over a big audit trail: N events in hash chains (PostgreSQL).

Creates a schema of its own in the PostgreSQL of DATABASE_URL (default: the local test
database), seeds D disputes with N events between them (chained as Parley writes them), runs
the installed `parley verify --audit` R times as a process of its own and prints how long each
took. Drops the schema at the end.

    .venv/bin/python bench/verify_audit.py --events 100000 --disputes 1000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert  # noqa: E402

from bench.common import scratch_database  # noqa: E402
from models import AuditEvent, Dispute, utcnow  # noqa: E402
from models.audit import event_hash  # noqa: E402


def seed(db, events: int, disputes: int) -> None:
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(insert(Dispute), [
            {"id": n + 1, "team_id": "T0HOST", "number": n + 1, "channel_id": "C0BENCH",
             "title": f"Dispute {n}", "category": "other", "description": "d",
             "desired_outcome": "o", "status": "open", "escalated": False,
             "opened_by_team": "T0HOST", "opened_by_user": "U0SAM", "created_at": now,
             "updated_at": now} for n in range(disputes)])
        heads: dict[int, str | None] = {}
        rows = []
        for n in range(events):
            dispute = n % disputes + 1
            event = AuditEvent(team_id="T0HOST", dispute_id=dispute, actor_team="T0CLIENT",
                               actor_user="U0CORA", kind="perspective.shared",
                               payload={"version": n, "side": "client", "note": "Zoë's view"},
                               at=now + timedelta(microseconds=n))
            event.prev_hash = heads.get(dispute)
            event.hash = heads[dispute] = event_hash(event, event.prev_hash)
            rows.append({c: getattr(event, c) for c in ("team_id", "dispute_id", "actor_team",
                                                         "actor_user", "kind", "payload", "at",
                                                         "prev_hash", "hash")})
            if len(rows) == 10_000:
                conn.execute(insert(AuditEvent), rows)
                rows = []
        if rows:
            conn.execute(insert(AuditEvent), rows)
        conn.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--disputes", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    script = os.path.join(os.path.dirname(sys.executable), "parley")
    with scratch_database() as db:
        seed(db, options.events, options.disputes)
        url = db.engine.url.render_as_string(hide_password=False)
        print(f"{options.events} audit events in {options.disputes} chains (PostgreSQL), "
              f"{os.cpu_count()} CPUs", flush=True)
        for _ in range(options.runs):
            started = time.perf_counter()
            run = subprocess.run([script, "verify", "--audit"], capture_output=True, text=True,
                                 env={**os.environ, "DATABASE_URL": url})
            took = time.perf_counter() - started
            print(f"  parley verify --audit: {took:5.2f} s, exit {run.returncode}: "
                  f"{(run.stdout or run.stderr).strip()}", flush=True)


if __name__ == "__main__":
    main()
