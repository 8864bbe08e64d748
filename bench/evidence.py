"""Evidence: attaching a 10 MB file, and exporting a bundle of 50 items of 1 MB.

Starts Parley's real app.py against an in-process fake Slack (its own HTTP server, on this
machine), on a fresh database.

1. Attach: a signed "Add evidence" submission with one 10 MB file, R times (a new file each
   time). For each: the form's answer (Slack wants it within 3 s; the copy is made after it), and
   the time until the thread's Evidence message lists the file. Baseline, in the same run: one
   plain GET of the same 10 MB from the fake Slack (what the copy itself costs on this machine).
2. Bundle: a dispute with 50 items of 1 MB on record; `/dispute export` over HTTP, from the
   command to the ZIP in Slack, E times. Baselines, in the same run: the export of the same
   record with no evidence (no bundle), and zipfile writing the same 50 MB in this process.

    .venv/bin/python bench/evidence.py --runs 10 --exports 5
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/evidence.py
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import (  # noqa: E402
    ROOT,
    SECRET,
    TOKEN,
    free_port,
    percentile,
    scratch_database,
    start_server,
    stop,
)
from bot import ids  # noqa: E402
from bot.db import Database, build_engine  # noqa: E402
from bot.payloads import EvidenceMeta  # noqa: E402
from bot.services import evidence  # noqa: E402
from bot.services.evidence import Limits, OfferedFile  # noqa: E402
from bot.services.people import Person  # noqa: E402
from bot.store.database import DatabaseStore  # noqa: E402
from models import Dispute  # noqa: E402
from tests.fakeslack.server import HOST_TEAM, FakeSlack  # noqa: E402
from tests.support.scenarios import ratified_dispute  # noqa: E402
from tests.support.slack_requests import SlackSender, User  # noqa: E402

STUDIO = Person(HOST_TEAM, "U0STUDIO")
CLIENT = Person("T0CLIENT", "U0CLIENT")
CLIENT_USER = User(CLIENT.user_id, CLIENT.team_id, "cora")
MB = 1024 * 1024


def ms(values: list[float], p: float) -> str:
    return f"{percentile(values, p) * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="10 MB files attached")
    parser.add_argument("--exports", type=int, default=5, help="bundles of 50 × 1 MB exported")
    options = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        with scratch_database() as db:
            run(options, db, db.engine.url.render_as_string(hide_password=False))
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='parley-bench-')}/bench.db"
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "alembic"), "upgrade", "head"],
                       cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True, capture_output=True)
        db = Database(build_engine(url))
        try:
            run(options, db, url)
        finally:
            db.engine.dispose()


def listed(fake: FakeSlack, name: str) -> bool:
    return any(name in json.dumps(m.get("blocks") or []) for m in list(fake.messages.values())
               if str(m.get("text", "")).startswith("Evidence on record"))


def run(options: argparse.Namespace, db: Database, url: str) -> None:
    fake = FakeSlack(token=TOKEN, validate=False).start()
    fake.add_channel("C0SHARED", shared=True)
    fake.teams["T0CLIENT"] = "Client Co"
    for person, name in ((STUDIO, "Sam"), (CLIENT, "Cora")):
        fake.add_user(person.user_id, person.team_id, name=name)
    attach_to = ratified_dispute(db, STUDIO, CLIENT, thread_ts=fake.add_message("C0SHARED", "card"))
    bundled = ratified_dispute(db, STUDIO, CLIENT)
    seed_items(db, bundled, 50, MB)
    plain = ratified_dispute(db, STUDIO, CLIENT)  # the same record, without evidence
    with db.read() as session:
        number = session.get(Dispute, bundled).number
        plain_number = session.get(Dispute, plain).number

    port = free_port()
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url,
           "DATABASE_URL": url, "LOG_LEVEL": "WARNING", "PORT": str(port), "PYTHONPATH": str(ROOT)}
    app = start_server([str(ROOT / "app.py")], env, port)
    slack = SlackSender(f"http://127.0.0.1:{port}", SECRET, fake, HOST_TEAM)
    acks, lists, downloads = [], [], []
    try:
        view = {"callback_id": ids.EVIDENCE_MODAL, "private_metadata": EvidenceMeta(d=attach_to).encode(),
                "blocks": [{"type": "input", "block_id": ids.B_EV_FILES,
                            "element": {"type": "file_input", "action_id": ids.A_EV_FILES}}]}
        for i in range(options.runs + 1):  # the first warms the app up, and is not counted
            name = f"footage-{i}.mov"
            described = fake.add_file(name, os.urandom(10 * MB), mimetype="video/quicktime")
            started = time.perf_counter()
            reply = slack.view_submission(CLIENT_USER, view, {ids.B_EV_FILES: [described]})
            answered = time.perf_counter()
            assert reply.status == 200 and reply.body == "", reply
            fake.wait_until(lambda n=name: listed(fake, n), timeout=30, what="the Evidence message")
            done = time.perf_counter()
            request = urllib.request.Request(described["url_private_download"],
                                             headers={"Authorization": f"Bearer {TOKEN}"})
            got = time.perf_counter()
            with urllib.request.urlopen(request) as answer:
                assert len(answer.read()) == 10 * MB
            fetched = time.perf_counter()
            if i:
                acks.append(answered - started)
                lists.append(done - started)
                downloads.append(fetched - got)

        exports, plains = [], []
        for _ in range(options.exports):
            for which, times in ((number, exports), (plain_number, plains)):
                before = len(fake.calls_to("files.completeUploadExternal"))
                started = time.perf_counter()
                slack.command(User(STUDIO.user_id, STUDIO.team_id, "sam"), f"export D-{which}")
                fake.wait_until(lambda n=before: len(fake.calls_to("files.completeUploadExternal")) > n,
                                timeout=60, what="the export's files")
                times.append(time.perf_counter() - started)
        zips = [u for u in fake.uploads.values() if u["filename"].endswith("bundle.zip")]
        assert len(zips) == options.exports
        with zipfile.ZipFile(io.BytesIO(zips[-1]["bytes"])) as z:
            assert sum(1 for n in z.namelist() if n.startswith("evidence/")) == 50
    finally:
        stop(app)
        fake.stop()

    payload = os.urandom(MB)
    zipping = []
    for _ in range(options.exports):
        started = time.perf_counter()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for n in range(50):
                z.writestr(f"evidence/E{n}", payload, compress_type=zipfile.ZIP_STORED)
        zipping.append(time.perf_counter() - started)

    print(f"Evidence, {os.cpu_count()} CPUs, {url.split(':')[0]}")
    print(f"  attach one 10 MB file, {len(acks)} runs: the form answered p50 {ms(acks, 50)} max "
          f"{ms(acks, 100)}; listed in the thread p50 {ms(lists, 50)} max {ms(lists, 100)}")
    print(f"    baseline, one GET of the 10 MB: p50 {ms(downloads, 50)}; listed / baseline "
          f"{percentile(lists, 50) / percentile(downloads, 50):.1f}×")
    print(f"  export with a bundle of 50 × 1 MB, {len(exports)} runs: p50 {ms(exports, 50)} max "
          f"{ms(exports, 100)}")
    print(f"    baselines: the same export without evidence p50 {ms(plains, 50)}; zipfile writing "
          f"the same 50 MB p50 {ms(zipping, 50)}; the bundle's share of the export "
          f"{(percentile(exports, 50) - percentile(plains, 50)) / percentile(exports, 50):.0%}")


def seed_items(db: Database, dispute_id: int, count: int, size: int) -> None:
    store = DatabaseStore()
    with db.transaction() as session:
        dispute = session.get(Dispute, dispute_id)
        offered = [OfferedFile(f"F{n:06d}", f"item-{n}.bin", size) for n in range(count)]
        items = evidence.attach_files(session, dispute, CLIENT, offered, source="form",
                                      limits=Limits(files=count, dispute_bytes=count * size * 2))
        for item in items:
            evidence.keep(session, item, os.urandom(size), store)


if __name__ == "__main__":
    main()
