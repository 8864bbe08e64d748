"""Agreement certificate generation: an agreement with 5 action items and 6 approvals, names in
Latin, Cyrillic and Greek (and a few characters the fonts lack), rendered to PDF R times in this
process; prints the latency percentiles and the file's size.

    .venv/bin/python bench/certificate.py --runs 200
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import percentile  # noqa: E402
from bot.records.documents.agreement_pdf import certificate_pdf  # noqa: E402

PEOPLE = [("T0HOST", "U0SAM", "Sam Øster", "Studio"), ("T0CLIENT", "U0CORA", "Кора Ξανθή", "Client Co"),
          ("T0HOST", "U0SOL", "Sol Ñúñez", "Studio"), ("T0CLIENT", "U0CLIVE", "Clive 李", "Client Co"),
          ("T0HOST", "U0ANA", "Ана Петрова", "Studio"), ("T0CLIENT", "U0BELA", "Béla Γεωργίου", "Client Co")]


def sample() -> dict:
    def person(t: str, u: str, n: str, o: str) -> dict:
        return {"team_id": t, "user_id": u, "name": n, "organization": o}

    return {
        "format": "parley/agreement-record", "v": 1,
        "dispute": {"reference": "D-7", "team_id": "T0HOST", "title": "Checkout screens late — twice",
                    "category": "quality", "channel_id": "C0SHARED", "opened_at": "2026-11-20T09:00:00Z"},
        "organizations": [{"team_id": "T0HOST", "name": "Studio", "side": "provider"},
                          {"team_id": "T0CLIENT", "name": "Client Co", "side": "client"}],
        "parties": [{**person(*p), "side": "provider" if p[0] == "T0HOST" else "client"} for p in PEOPLE],
        "mediators": [],
        "agreement": {
            "version": 2, "compensation": {"amount": "1200.00", "currency": "EUR"},
            "terms": "The studio redoes the two checkout screens to the approved design.\n\n"
                     "The client pays the last invoice within 10 days of sign-off.",
            "action_items": [{"text": f"Redo screen {n} to the approved design", "due": f"2026-12-{10 + n}",
                              "owner": person(*PEOPLE[n % 2])} for n in range(1, 6)],
            "content_hash": "3f" * 32, "ratified_at": "2026-12-04T10:00:00Z"},
        "approvals": [{**person(*p), "at": f"2026-12-04T09:5{i}:00Z", "version": 2,
                       "content_hash": "3f" * 32} for i, p in enumerate(PEOPLE)],
        "timeline": [{"at": f"2026-11-2{i}T09:00:00Z", "what": "Proposal made"} for i in range(8)],
        "audit_trail_head": "9c" * 32,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    options = parser.parse_args()
    record = sample()
    size = len(certificate_pdf(record))  # warm: fonts read, caches filled
    times = []
    for _ in range(options.runs):
        started = time.perf_counter()
        certificate_pdf(record)
        times.append(time.perf_counter() - started)
    print(f"certificate, 5 action items, 6 approvals: p50 {percentile(times, 50) * 1000:.1f} ms  "
          f"p95 {percentile(times, 95) * 1000:.1f} ms  p99 {percentile(times, 99) * 1000:.1f} ms  "
          f"({options.runs} runs, {size // 1024} KiB, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
