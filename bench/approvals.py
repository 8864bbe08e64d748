"""Approve clicks under concurrency, and how long ratification takes.

Seeds N pending agreements (two organizations each), starts Parley's real app.py against an
in-process fake Slack, then sends both approvals of every agreement as signed clicks at
concurrency C. Prints ack latency percentiles of the clicks, and the ratification time: from the
completing click being sent until the written agreement's upload reached Slack (in-effect message,
card update and file upload included). The app runs its scheduler, as in production: what a
request cannot deliver at once (a channel past its burst) is the tick's.

    .venv/bin/python bench/approvals.py --agreements 300 --concurrency 20
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import (  # noqa: E402
    ROOT,
    SECRET,
    TOKEN,
    free_port,
    percentile,
    run_load,
    signed_post,
    start_server,
    stop,
)
from bot.db import Database, build_engine  # noqa: E402
from bot.payloads import AgreementButton  # noqa: E402
from bot.services import agreements, disputes  # noqa: E402
from bot.services.agreements import AgreementDraft  # noqa: E402
from bot.services.people import Participant, Person  # noqa: E402
from bot.services.proposals import ItemDraft  # noqa: E402
from tests.fakeslack.server import HOST_TEAM, FakeSlack  # noqa: E402

STUDIO = Person(HOST_TEAM, "U0STUDIO")
CLIENT = Person("T0CLIENT", "U0CLIENT")


CHANNELS = 50


def channel_of(index: int, concurrent: int) -> str:
    """The concurrent agreements share CHANNELS channels; each one ratified alone has its own
    (Slack lets a channel take about one message a second, and Parley paces itself to that: a
    pace, not a latency)."""
    return f"C0BENCH{index % CHANNELS}" if index < concurrent else f"C0ALONE{index}"


def seed(db: Database, count: int, concurrent: int) -> list[tuple[int, int, str]]:
    made = []
    with db.transaction() as s:
        for i in range(count):
            d = disputes.open_dispute(s, disputes.NewDispute(
                host_team_id=HOST_TEAM, channel_id=channel_of(i, concurrent), title=f"Bench {i}",
                category="quality", description="d", desired_outcome="o",
                opener=Participant(STUDIO), others=[Participant(CLIENT)]))
            disputes.attach_thread(s, d, thread_ts=f"1800000000.{i:06d}", permalink=None, actor=STUDIO)
            a, _ = agreements.draft(s, d, d.parties[0], AgreementDraft(
                terms="Redo the work.", items=[ItemDraft("Redo", STUDIO, date.today() + timedelta(days=5))]),
                actor=STUDIO, approvals_rule="one_per_side")
            a.message_ts = f"1800000001.{i:06d}"  # the agreement's message in the thread
            made.append((d.id, a.id, a.content_hash))
    return made


def click_body(user: Person, value: str, n: int, response_url: str, channel: str = "C0BENCH0") -> bytes:
    import json

    return urlencode({"payload": json.dumps({
        "type": "block_actions", "user": {"id": user.user_id, "team_id": user.team_id},
        "team": {"id": user.team_id}, "trigger_id": f"bench-{n}",
        "channel": {"id": channel}, "container": {"channel_id": channel},
        "response_url": response_url,
        "actions": [{"action_id": "agreement_approve", "value": value, "type": "button"}],
    })}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agreements", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--single", type=int, default=20,
                        help="agreements then ratified one at a time, on an idle app")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout whose app.py runs (a worktree of an older commit, to compare)")
    options = parser.parse_args()

    fake = FakeSlack(token=TOKEN, validate=False).start()
    fake.add_channel("C0BENCH0")
    fake.teams["T0CLIENT"] = "Client Co"
    fake.add_user(STUDIO.user_id, STUDIO.team_id, name="studio")
    fake.add_user(CLIENT.user_id, CLIENT.team_id, name="client")
    workdir = tempfile.mkdtemp(prefix="parley-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
           "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "alembic"), "upgrade", "head"],
                   cwd=ROOT, env={**os.environ, **env}, check=True, capture_output=True)
    db = Database(build_engine(url))
    for index in range(options.agreements + options.single):
        fake.add_channel(channel_of(index, options.agreements))
    made = seed(db, options.agreements + options.single, options.agreements)
    for index in range(options.agreements + options.single):  # the card and the agreement's message
        channel, thread = channel_of(index, options.agreements), f"1800000000.{index:06d}"
        fake.add_message(channel, "the card", ts=thread)
        fake.add_message(channel, "the agreement", thread_ts=thread, ts=f"1800000001.{index:06d}")
    made, singles = made[:options.agreements], made[options.agreements:]
    port = free_port()
    app = start_server([str(options.root / "app.py")],
                       {**env, "PORT": str(port), "PYTHONPATH": str(options.root)}, port)

    sent_at: dict[str, float] = {}  # thread ts -> when the completing click was sent
    lock = threading.Lock()
    clicks = []
    for index, (dispute_id, agreement_id, content_hash) in enumerate(made):
        value = AgreementButton(d=dispute_id, a=agreement_id, h=content_hash).encode()
        channel = channel_of(index, len(made))
        clicks.append((STUDIO, value, None, channel))
        clicks.append((CLIENT, value, f"1800000000.{index:06d}", channel))

    def send(n: int) -> float:
        user, value, thread, channel = clicks[n]
        if thread:
            with lock:
                sent_at[thread] = time.perf_counter()
        return signed_post(port, click_body(user, value, n, fake.response_url(), channel))

    try:
        latencies, wall = run_load(send, len(clicks), options.concurrency)
        fake.wait_until(lambda: sum(1 for u in fake.uploads.values() if u.get("thread_ts")) >= len(made),
                        timeout=300, what="every agreement's file")
        alone, first_message = [], []
        for index, (dispute_id, agreement_id, content_hash) in enumerate(singles, start=len(made)):
            value = AgreementButton(d=dispute_id, a=agreement_id, h=content_hash).encode()
            channel = channel_of(index, len(made))
            answers = len(fake.calls_to("response_url"))
            signed_post(port, click_body(STUDIO, value, 10**6 + index, fake.response_url(), channel))
            # idle: the first approval's work is over (its private "recorded" was sent) before
            # the completing click
            fake.wait_until(lambda: len(fake.calls_to("response_url")) > answers, timeout=30,
                            what="the first approval's answer")
            time.sleep(0.05)  # and whatever that work does after its last Slack call
            before = len(fake.calls_to("files.completeUploadExternal"))
            calls_before = len(fake.calls)
            started = time.perf_counter()
            signed_post(port, click_body(CLIENT, value, 2 * 10**6 + index, fake.response_url(), channel))
            fake.wait_until(lambda: len(fake.calls_to("files.completeUploadExternal")) > before,
                            timeout=30, what="the file")
            alone.append(time.perf_counter() - started)
            offset = time.perf_counter() - time.monotonic()
            first = next(c for c in fake.calls[calls_before:] if c.method.startswith("chat."))
            first_message.append(first.at + offset - started)
    finally:
        stop(app)
        fake.stop()
    completed = {c.args.get("thread_ts"): c.at for c in fake.calls_to("files.completeUploadExternal")}
    offset = time.perf_counter() - time.monotonic()
    ratification = [completed[t] + offset - sent_at[t] for t in sent_at if t in completed]
    print(f"Approve clicks: {len(clicks)} at concurrency {options.concurrency}, "
          f"{os.cpu_count()} CPUs, {url.split(':')[0]}")
    print(f"  ack latency: p50 {percentile(latencies, 50) * 1000:.1f} ms  p95 "
          f"{percentile(latencies, 95) * 1000:.1f} ms  p99 {percentile(latencies, 99) * 1000:.1f} ms  "
          f"({len(clicks) / wall:.0f} clicks/s)")
    print(f"  ratification during that burst (completing click sent → file in Slack): p50 "
          f"{percentile(ratification, 50) * 1000:.0f} ms  p95 {percentile(ratification, 95) * 1000:.0f} ms  "
          f"max {max(ratification) * 1000:.0f} ms over {len(ratification)} agreements")
    if alone:
        print(f"  ratification on an idle app: p50 {percentile(alone, 50) * 1000:.0f} ms  p95 "
              f"{percentile(alone, 95) * 1000:.0f} ms over {len(alone)} agreements (click → file); "
              f"click → first message p50 {percentile(first_message, 50) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
