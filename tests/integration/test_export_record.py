"""`/dispute export`'s PDF: the whole record for one side, real text in any script the bundled
fonts cover, the record attached as JSON, every page rendered (pdftoppm); `parley verify` says
what an exported record matches or what differs."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader
from sqlalchemy import text

from bot.records.documents.export_pdf import export_pdf
from bot.records import history
from bot.services import audit, disputes
from bot.records.agreement import ATTACHMENT, canonical, record_hash
from bot.records.export import dispute_record
from bot.services.people import Participant, Person
from bot.services.perspectives import PerspectiveText, Shared, share
from models import Dispute, utcnow
from tests.conftest import CORA, SAM
from tests.integration.test_certificate import (
    NAMES,
    PDFTOPPM,
    ROOT,
    plain_and_technical,
    verify,
)
from tests.support.scenarios import whole_story

PROVIDER, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)
INTERNAL = ("Fair in the end", "Check dates weekly", "Lessons learned (internal)",
            "Feedback given (internal)")


def exported(db, dispute_id: int, *, internal: bool, names: dict[str, str] = NAMES) -> dict:
    with db.read() as session:
        dispute = session.get(Dispute, dispute_id)
        gathered = history.gather(session, dispute)
        _ = dispute.parties
    return dispute_record(dispute, gathered, internal=internal,
                          name=lambda team, user: names.get(user, user),
                          team_name={"T0HOST": "Studio", "T0CLIENT": "Client Co"}.get,
                          exported_at=utcnow())


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_export_reads_as_text_and_carries_the_record_for_its_side(db):
    dispute_id = whole_story(db, PROVIDER, CLIENT, events=60, said=" — Ξ")
    full = exported(db, dispute_id, internal=True)
    reader, words = text_of(export_pdf(full))
    assert reader.attachments[ATTACHMENT][0] == canonical(full)
    for shown in ("Dispute between Studio and Client Co",
                  "Dispute record · D-1\nCheckout screens late — Ξ", "Zoë Øster", "Кора Ξανθή",
                  "This copy is Studio's full record, including its internal notes.",
                  "The screens came two weeks late — Ξ.",
                  "with no warning. — Ξ", "came later than it should have. — Ξ", "P1 (declined)\nA discount — Ξ",
                  "Too little — Ξ", "P2 (accepted)\nRedo the screens — Ξ",
                  "Version 1: in effect since", "The studio redoes both screens — Ξ.",
                  "Approved by Кора Ξανθή",
                  "(Client Co, Slack T0CLIENT / U0CORA): approved version 1 at",
                  "Proposal accepted: P2 (Zoë Øster, Studio)", "Status changed: resolved",
                  "Agreement in effect: version 1",
                  "4/5 from Кора Ξανθή", "Process or hand-over", *INTERNAL,
                  full["agreements"][0]["content_hash"], full["audit_trail_head"], record_hash(full),
                  f"Page 1 of {len(reader.pages)}"):
        assert shown in words, shown
    assert len(full["timeline"]) == 60
    front, verification = plain_and_technical(reader)
    for shown in ("How it stands\nResolved.", "What was agreed\nIn effect since ",
                  "Both organizations approved this exact wording; any change needs new approvals.",
                  "1. Zoë Øster (Studio) by ", "Approved by Zoë Øster (Studio) on "):
        assert shown in front, shown
    for shown in ("Zoë Øster, Studio · Slack T0HOST / U0SAM", full["audit_trail_head"],
                  full["agreements"][0]["content_hash"], record_hash(full)):
        assert shown in verification, shown

    client = exported(db, dispute_id, internal=False)
    reader, words = text_of(export_pdf(client))
    attached = json.loads(reader.attachments[ATTACHMENT][0])
    assert "This copy leaves out Studio's internal notes." in words
    assert "full record" not in words.lower()
    plain_and_technical(reader)
    assert not any(marker in words for marker in INTERNAL)
    assert "feedback" not in attached and "lessons" not in attached
    assert {e["kind"] for e in attached["timeline"]}.isdisjoint({"feedback.given", "lessons.recorded"})
    assert attached["audit_trail_head"] == full["audit_trail_head"]  # a hash says nothing of them


def test_an_opener_s_account_given_as_their_view_is_shown_once(db):
    """Opened with the opener's account as their side's view, the record holds no description
    of its own, and that view says nothing of how it affected them."""
    record = exported(db, whole_story(db, PROVIDER, CLIENT), internal=False)
    views = [{**record["perspectives"][0], "impact": ""}, *record["perspectives"][1:]]
    _, words = text_of(export_pdf({
        **record, "perspectives": views,
        "dispute": {**record["dispute"], "description": None, "desired_outcome": None}}))
    assert "What happened, as the dispute was opened" not in words
    assert words.count("How it affected them") == 1 and "Two weeks of unplanned" not in words
    assert words.count("What happened\n") == 2  # each side's view


def test_a_perspective_never_revealed_is_in_nobody_s_export(db):
    with db.transaction() as s:  # one side shared, sealed until the other does
        dispute = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=PROVIDER.team_id, channel_id="C0SHARED", title="Late", category="quality",
            description="d", desired_outcome="o", opener=Participant(PROVIDER),
            others=[Participant(CLIENT)]))
        dispute_id = dispute.id
        outcome = share(s, dispute, dispute.parties[0], PerspectiveText("Sealed view", "i", "r"),
                        seal=True, actor=PROVIDER)
        assert outcome.kind == Shared.SEALED
    for internal in (True, False):
        record = exported(db, dispute_id, internal=internal)
        assert record["perspectives"] == [] and "Sealed view" not in json.dumps(record)
        assert "None revealed" in text_of(export_pdf(record))[1]


def test_every_page_of_an_export_renders(db, tmp_path):
    """PARLEY_SCREENSHOTS=docs also refreshes docs/screenshots/export-page-1.png."""
    assert shutil.which(PDFTOPPM) or Path(PDFTOPPM).exists(), \
        f"{PDFTOPPM} is missing: `make test` installs poppler-utils"
    record = exported(db, whole_story(db, PROVIDER, CLIENT, events=200), internal=True,
                      names={SAM.id: "Zoë Øster", CORA.id: "Кора Ξανθή"})
    source = tmp_path / "export.pdf"
    source.write_bytes(export_pdf(record))
    pages = len(PdfReader(source).pages)
    subprocess.run([PDFTOPPM, "-r", "80", "-png", str(source), str(tmp_path / "page")],
                   check=True, timeout=60)
    rendered = sorted(tmp_path.glob("page-*.png"))
    assert pages >= 4 and len(rendered) == pages
    # Not blank (an empty A4 page is about 3 KB as PNG at 80 dpi); a page of the timeline's
    # identical "Reminder sent" lines compresses to about 8 KB.
    assert all(p.stat().st_size > 5_000 for p in rendered)
    if os.environ.get("PARLEY_SCREENSHOTS") == "docs":
        shutil.copy(rendered[0], ROOT / "docs" / "screenshots" / "export-page-1.png")


def test_parley_verify_says_what_an_export_matches_or_what_differs(db, database_url, tmp_path):
    dispute_id = whole_story(db, PROVIDER, CLIENT, events=40)
    record = exported(db, dispute_id, internal=False)
    good = tmp_path / "D-1-record.pdf"
    good.write_bytes(export_pdf(record))
    ok = verify(database_url, good)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Matches the client side's record of D-1 (workspace T0HOST; the "
                                f"file says it was exported {record['exported_at'][:10]} ")
    assert "agreement v1 in effect since " in ok.stdout
    assert 'U0CORA of T0CLIENT (the file calls them "Кора Ξανθή 李", not checked) at ' in ok.stdout
    head = record["audit_trail_head"]
    assert f"its timeline (38 events) is the audit trail's up to {head[:12]}…, none recorded since." \
        in ok.stdout

    def forged(**change) -> dict:
        return json.loads(json.dumps({**record, **change}))

    perspectives = forged()["perspectives"]
    perspectives[1]["what_happened"] = "I never said that."
    proposals = forged()["proposals"]
    proposals[0]["summary"] = "A full refund"
    approvals = forged()["agreements"]
    approvals[0]["approvals"][1]["at"] = "2020-01-01T00:00:00Z"
    timeline = forged()["timeline"]
    timeline[3]["actor"] = timeline[0]["actor"]
    checkins = forged()["checkins"]
    checkins[0]["answer"] = "done"
    cases = {  # records made to say something else, or to leave something out
        "the proposals": forged(proposals=record["proposals"][1:]),
        "the timeline": forged(timeline=record["timeline"][:5] + record["timeline"][6:]),
        "the parties": forged(parties=record["parties"][:1]),
        "the check-ins": forged(checkins=checkins),
        "the feedback": forged(scope="full", feedback=[], lessons=[]),  # a client record passed off
        "the approvals of agreement v1": forged(agreements=[
            {**record["agreements"][0], "approvals": record["agreements"][0]["approvals"][:1]}]),
    }
    for said, forgery in cases.items():
        path = tmp_path / "left-out.pdf"
        path.write_bytes(export_pdf(forgery))
        run = verify(database_url, path)
        assert run.returncode == 1 and said in run.stderr, (said, run.stderr)
    cases = {
        "the perspectives": forged(perspectives=perspectives),
        "the proposals": forged(proposals=proposals),
        "the approvals of agreement v1": forged(agreements=approvals),
        "the timeline": forged(timeline=timeline),
        "the dispute as opened": forged(dispute={**record["dispute"], "amount": None}),
        "the audit trail's hash": forged(audit_trail_head="0" * 64),
        "the feedback": forged(scope="full", feedback=[{**record["parties"][1], "rating": 5,
                                                        "comment": "Perfect", "at": record["exported_at"]}],
                               lessons=[]),
    }
    for said, forgery in cases.items():
        path = tmp_path / "forged.pdf"
        path.write_bytes(export_pdf(forgery))
        run = verify(database_url, path)
        assert run.returncode == 1 and "differs from Parley's record: " + said in run.stderr, \
            (said, run.stderr)
        assert run.stderr.count("\n") == 1

    with db.transaction() as s:  # the dispute goes on after the export: still a match
        audit.record(s, team_id="T0HOST", dispute_id=dispute_id, kind="dispute.nudged", actor=None)
    later = verify(database_url, good)
    assert later.returncode == 0 and "none" not in later.stdout.rsplit(";", 1)[1]
    assert "1 recorded since" in later.stdout

    with db.engine.begin() as conn:  # the database changed behind Parley's back
        conn.execute(text("UPDATE proposals SET details = 'Changed.' WHERE number = 1"))
    changed = verify(database_url, good)
    assert changed.returncode == 1 and "the proposals" in changed.stderr


def test_parley_verify_refuses_a_malformed_export_in_one_line(db, database_url, tmp_path):
    record = exported(db, whole_story(db, PROVIDER, CLIENT), internal=True)

    def carrying(changed: dict) -> bytes:
        other = FPDF()
        other.add_page()
        attached = json.dumps({**record, **changed}).replace('"DEEP"', "[" * 990 + "]" * 990)
        other.embed_file(bytes=attached.encode(), basename=ATTACHMENT)
        return bytes(other.output())

    cases = {
        "deep": {"perspectives": [{**record["perspectives"][0], "impact": "DEEP"}]},  # JSON reads it; Python's recursion ends
        "hash": {"audit_trail_head": "not a hash"},
        "hash-in-timeline": {"timeline": [{**record["timeline"][0], "hash": "\x00" * 64}]},
        "scope": {"scope": "everything"},
        "team": {"dispute": {**record["dispute"], "team_id": "T0\x00HOST"}},
        "missing": {"proposals": None},
    }
    for name, changed in cases.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(carrying(changed))
        run = verify(database_url, path)
        assert run.returncode == 1, (name, run.returncode, run.stderr)
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr, (name, run.stderr)
        assert ("not in the shape Parley writes" in run.stderr or "names no dispute" in run.stderr
                or "is not JSON" in run.stderr or "differs from Parley's record" in run.stderr), \
            (name, run.stderr)


def test_an_export_reads_the_trail_and_its_rows_at_one_moment(db):
    """What commits while an export reads is in none of it (PostgreSQL's REPEATABLE READ; a
    read transaction on SQLite is one already), so its timeline and its rows agree."""
    dispute_id = whole_story(db, PROVIDER, CLIENT)
    with db.snapshot() as session:
        before = len(history.gather(session, session.get(Dispute, dispute_id)).events)
        with db.transaction() as other:
            audit.record(other, team_id="T0HOST", dispute_id=dispute_id, kind="dispute.nudged",
                         actor=None)
        assert len(history.gather(session, session.get(Dispute, dispute_id)).events) == before
    with db.read() as session:
        assert len(history.gather(session, session.get(Dispute, dispute_id)).events) == before + 1
