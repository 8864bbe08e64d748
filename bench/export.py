"""`/dispute export` of a dispute whose trail holds 200 events.

Seeds N disputes that went the whole way (perspectives, a declined proposal and an accepted one,
an agreement in effect, feedback, a lesson), each padded with reminders to E audit events.
First, in this process, the export's own work R times: reading the record from the database,
building the Markdown and the record, drawing the PDF. Then it starts Parley's real app.py
against an in-process fake Slack and sends a signed `/dispute export D-n` for each dispute, one
at a time, and times each from the command being sent until both files reached Slack.

    .venv/bin/python bench/export.py --events 200 --disputes 20 --runs 50
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/export.py
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

from pypdf import PdfReader

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import (  # noqa: E402
    ROOT,
    SECRET,
    TOKEN,
    free_port,
    percentile,
    scratch_database,
    signed_post,
    start_server,
    stop,
)
from bot.records.documents.export_markdown import export_markdown  # noqa: E402
from bot.records.documents.export_pdf import export_pdf  # noqa: E402
from bot.db import Database, build_engine  # noqa: E402
from bot.records import history  # noqa: E402
from bot.records.export import dispute_record  # noqa: E402
from bot.services.people import Person  # noqa: E402
from models import Dispute, utcnow  # noqa: E402
from tests.fakeslack.server import HOST_TEAM, FakeSlack  # noqa: E402
from tests.support.scenarios import whole_story  # noqa: E402

STUDIO = Person(HOST_TEAM, "U0STUDIO")
CLIENT = Person("T0CLIENT", "U0CLIENT")
NAMES = {STUDIO.user_id: "Zoë Øster", CLIENT.user_id: "Кора Ξανθή"}
ORGS = {HOST_TEAM: "Studio", "T0CLIENT": "Client Co"}


def one_export(db: Database, dispute_id: int) -> tuple[float, float, float, int]:
    """Seconds reading, building (Markdown and record), drawing the PDF; and the PDF's pages."""
    started = time.perf_counter()
    with db.snapshot() as session:
        dispute = session.get(Dispute, dispute_id)
        _ = dispute.parties
        gathered = history.gather(session, dispute)
    read = time.perf_counter()
    export_markdown(dispute, gathered, internal=True, name=lambda t, u: NAMES.get(u, u))
    record = dispute_record(dispute, gathered, internal=True, name=lambda t, u: NAMES.get(u, u),
                            team_name=ORGS.get, exported_at=utcnow())
    built = time.perf_counter()
    pdf = export_pdf(record)
    drawn = time.perf_counter()
    return read - started, built - read, drawn - built, len(PdfReader(io.BytesIO(pdf)).pages)


def command(number: int, response_url: str) -> bytes:
    return urlencode({
        "token": "legacy", "team_id": HOST_TEAM, "channel_id": "C0SHARED", "user_id": STUDIO.user_id,
        "user_name": "studio", "command": "/dispute", "text": f"export D-{number}",
        "api_app_id": "A0PARLEY", "response_url": response_url, "trigger_id": f"bench-{number}",
    }).encode()


def ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--disputes", type=int, default=20)
    parser.add_argument("--runs", type=int, default=50, help="in-process exports")
    options = parser.parse_args()

    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        with scratch_database() as db:  # a schema of its own, dropped afterwards
            run(options, db, db.engine.url.render_as_string(hide_password=False))
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='parley-bench-')}/bench.db"
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "alembic"), "upgrade", "head"],
                       cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True,
                       capture_output=True)
        db = Database(build_engine(url))
        try:
            run(options, db, url)
        finally:
            db.engine.dispose()


def run(options: argparse.Namespace, db: Database, url: str) -> None:
    fake = FakeSlack(token=TOKEN, validate=False).start()
    fake.add_channel("C0SHARED", shared=True)
    fake.teams["T0CLIENT"] = "Client Co"
    fake.add_user(STUDIO.user_id, STUDIO.team_id, name=NAMES[STUDIO.user_id])
    fake.add_user(CLIENT.user_id, CLIENT.team_id, name=NAMES[CLIENT.user_id])
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
           "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    made = [whole_story(db, STUDIO, CLIENT, events=options.events) for _ in range(options.disputes)]
    with db.read() as session:
        numbers = [session.get(Dispute, d).number for d in made]

    one_export(db, made[0])  # warm: fonts read, caches filled
    parts = [one_export(db, made[i % len(made)]) for i in range(options.runs)]
    totals = [sum(p[:3]) for p in parts]

    port = free_port()
    app = start_server([str(ROOT / "app.py")], {**env, "PORT": str(port), "PYTHONPATH": str(ROOT)},
                       port)
    whole = []
    try:
        for number in numbers:
            before = len(fake.calls_to("files.completeUploadExternal"))
            started = time.perf_counter()
            signed_post(port, command(number, fake.response_url()))
            fake.wait_until(lambda n=before: len(fake.calls_to("files.completeUploadExternal")) > n,
                            timeout=30, what="the export's files")
            whole.append(time.perf_counter() - started)
        names = sorted(u["filename"] for u in fake.uploads.values())
        assert names == sorted(f"D-{n}-record.{ext}" for n in numbers for ext in ("md", "pdf")), names
    finally:
        stop(app)
        fake.stop()
    print(f"Export of a dispute with {options.events} audit events ({parts[0][3]} PDF pages), "
          f"{os.cpu_count()} CPUs, {url.split(':')[0]}")
    print(f"  in process, {options.runs} runs: p50 {ms(totals, 50)}  p95 {ms(totals, 95)}  "
          f"max {ms(totals, 100)}  (read p95 {ms([p[0] for p in parts], 95)}, Markdown and record "
          f"p95 {ms([p[1] for p in parts], 95)}, PDF p95 {ms([p[2] for p in parts], 95)})")
    print(f"  /dispute export over HTTP, command sent → both files in Slack, {len(whole)} exports: "
          f"p50 {ms(whole, 50)}  p95 {ms(whole, 95)}  max {ms(whole, 100)}")


if __name__ == "__main__":
    main()
