"""The agreement certificate: a real PDF whose text people can read and search, in any script
the bundled fonts cover, with the record attached as JSON for `parley verify`; every page
renders (pdftoppm)."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader
from sqlalchemy import select, text

from bot.records.documents.agreement_pdf import REPLACEMENT, certificate_pdf, drawable
from bot.records.documents.pdf import long_day, long_moment
from bot.services import agreements, audit
from bot.records.agreement import (
    ATTACHMENT,
    agreement_record,
    canonical,
    record_hash,
)
from bot.services.people import Person
from models import AuditEvent, Dispute
from tests.conftest import CORA, SAM
from tests.support.scenarios import ratified_dispute

ROOT = Path(__file__).resolve().parents[2]
PDFTOPPM = os.environ.get("PARLEY_PDFTOPPM", "/usr/bin/pdftoppm")
NAMES = {SAM.id: "Zoë Øster", CORA.id: "Кора Ξανθή 李"}  # Latin, Cyrillic, Greek; CJK not bundled


def record_for(db, items: int = 5):
    dispute_id = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id),
                                  items=items)
    with db.read() as session:
        dispute = session.get(Dispute, dispute_id)
        agreement = agreements.latest(session, dispute_id)
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute_id)
                                      .order_by(AuditEvent.id)))
        return agreement_record(
            dispute, agreement, agreements.approval_state(dispute, agreement).valid, events,
            name=lambda team, user: NAMES.get(user, user),
            team_name={"T0HOST": "Studio", "T0CLIENT": "Client Co"}.get,
            trail_head=audit.head(session, team_id=dispute.team_id, dispute_id=dispute_id))


def test_the_certificate_reads_as_text_and_carries_its_record(db):
    record = record_for(db)
    first = certificate_pdf({**record, "timeline": []})  # the process's fonts, read once
    pdf = PdfReader(io.BytesIO(certificate_pdf(record)))  # … and shared by the next one
    assert len(PdfReader(io.BytesIO(first)).pages) >= 1
    attached = pdf.attachments[ATTACHMENT][0]
    assert attached == canonical(record) and json.loads(attached)["agreement"]["content_hash"]
    text = "\n".join(page.extract_text() for page in pdf.pages)
    for words in ("Agreement between Studio and Client Co", "Zoë Øster", "Кора Ξανθή", "Client Co",
                  "Redo screen 5",
                  record["agreement"]["content_hash"], record_hash(record),
                  record["audit_trail_head"], "T0CLIENT / U0CORA", f"Page 1 of {len(pdf.pages)}"):
        assert words in text, words
    assert "李" not in text and REPLACEMENT in text  # replaced, never a crash
    front, verification = plain_and_technical(pdf)
    for words in ("Dispute D-1", "Agreed on ", "Both organizations approved this exact wording; "
                  "any change needs new approvals.", "What was agreed", "What happens next",
                  "1. Zoë Øster (Studio) by ", "Parley will check in with Studio and Client Co",
                  "Who approved", "Кора Ξανθή"):
        assert words in front, words
    for words in ("T0CLIENT / U0CORA", record["agreement"]["content_hash"], record_hash(record),
                  record["audit_trail_head"], ATTACHMENT, "parley verify <this file>"):
        assert words in verification, words
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4, with Letter-sized margins inside


TECHNICAL = ("sha-256", "hash", "audit trail", "canonical", "parley verify", "provider",
             "client side", "slack t0", "t0host", "t0client", "u0sam", "u0cora", ".json")


def plain_and_technical(pdf: PdfReader) -> tuple[str, str]:
    """The pages a person reads (checked to hold no engineering word, no Slack id, no hash) and
    the "Verification" pages at the end that hold them."""
    pages = [page.extract_text() for page in pdf.pages]
    first = next(n for n, page in enumerate(pages) if page.startswith("Verification"))
    front, verification = "\n".join(pages[:first]), "\n".join(pages[first:])
    assert first >= 1 and not any(word in front.lower() for word in TECHNICAL), \
        [word for word in TECHNICAL if word in front.lower()]
    assert not any(len(word) >= 40 and word.isalnum() for word in front.split())  # no hash
    return front, verification


def test_moments_are_said_in_words_and_in_utc():
    assert long_day("2026-12-07") == long_day("2026-12-07T16:03:30Z") == "7 December 2026"
    assert long_moment("2026-12-07T16:03:30Z") == "7 December 2026 at 16:03 UTC"
    assert long_moment("2026-12-07T23:30:00-02:00") == "8 December 2026 at 01:30 UTC"
    assert (long_day("yesterday"), long_moment("soon"), long_day(None)) == ("yesterday", "soon", "—")


def test_a_mediator_and_a_party_who_did_not_approve_are_named_in_plain_words(db):
    record = record_for(db, items=1)
    mia = {"team_id": "T0MED", "user_id": "U0MIA", "name": "Mia Rossi", "organization": "Fair Terms"}
    ana = {"team_id": "T0HOST", "user_id": "U0ANA", "name": "Ana", "organization": "Studio",
           "side": "provider"}
    pdf = PdfReader(io.BytesIO(certificate_pdf(
        {**record, "mediators": [mia], "parties": [*record["parties"], ana]})))
    front, verification = plain_and_technical(pdf)
    assert "Also taking part: Ana (Studio)." in front
    assert "With the help of Mia Rossi (Fair Terms) as mediator." in front
    assert "Mediator: Mia Rossi, Fair Terms · Slack T0MED / U0MIA" in verification
    assert "Ana, Studio · Slack T0HOST / U0ANA" in verification


def test_text_the_fonts_cannot_draw_is_replaced():
    assert drawable("Zoë Ξ Щ ñ\n\t") == "Zoë Ξ Щ ñ\n\t"
    assert drawable("李 🙂 \x00") == f"{REPLACEMENT} {REPLACEMENT} {REPLACEMENT}"


def test_every_page_renders(db, tmp_path):
    """PARLEY_SCREENSHOTS=docs also refreshes docs/screenshots/certificate-page-1.png."""
    assert shutil.which(PDFTOPPM) or Path(PDFTOPPM).exists(), \
        f"{PDFTOPPM} is missing: `make test` installs poppler-utils"
    record = record_for(db)
    for name, terms in (("usual", record["agreement"]["terms"]),
                        ("long", "\n\n".join(["A long clause about delivery and payment."] * 60))):
        record["agreement"]["terms"] = terms
        source = tmp_path / f"{name}.pdf"
        source.write_bytes(certificate_pdf(record))
        pages = len(PdfReader(source).pages)
        subprocess.run([PDFTOPPM, "-r", "80", "-png", str(source), str(tmp_path / name)],
                       check=True, timeout=60)
        rendered = sorted(tmp_path.glob(f"{name}-*.png"))
        assert len(rendered) == pages and all(p.stat().st_size > 10_000 for p in rendered)
        if name == "usual" and os.environ.get("PARLEY_SCREENSHOTS") == "docs":
            shutil.copy(rendered[0], ROOT / "docs" / "screenshots" / "certificate-page-1.png")
    assert pages >= 3  # the long one


def verify(database_url: str, path: Path) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).parent / "parley"
    return subprocess.run([str(script), "verify", str(path)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "DATABASE_URL": database_url})


def test_parley_verify_says_what_a_certificate_matches_or_what_differs(db, database_url, tmp_path):
    record = record_for(db)
    good = tmp_path / "D-1-agreement-v1-certificate.pdf"
    good.write_bytes(certificate_pdf(record))
    ok = verify(database_url, good)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("Matches D-1 (workspace T0HOST) agreement v1, in effect since ")
    # Who approved is the database's (Slack ids); the file's name for them is said to be its own.
    assert 'approved by U0SAM of T0HOST (the file calls them "Zoë Øster", not checked) at ' \
        in ok.stdout and ok.stdout.count("\n") == 1

    agreement = record["agreement"]
    forgeries = {  # certificates made to say something else
        "the terms": {**record, "agreement": {**agreement, "terms": "Nothing."}},
        "the compensation": {**record, "agreement": {**agreement, "compensation": {"amount": "1000000.00", "currency": "EUR"}}},
        "the parties": {**record, "parties": record["parties"][:1]},
        "the dispute's title": {**record, "dispute": {**record["dispute"], "title": "Something else"}},
        "the audit trail's hash": {**record, "audit_trail_head": "0" * 64},
    }
    for said, forgery in forgeries.items():
        forged = tmp_path / "forged.pdf"
        forged.write_bytes(certificate_pdf(forgery))
        differs = verify(database_url, forged)
        assert differs.returncode == 1 and f"differs from Parley's record: {said}" in differs.stderr

    with db.engine.begin() as conn:  # the database changed behind Parley's back
        conn.execute(text("UPDATE agreements SET terms = 'Changed.'"))
    changed = verify(database_url, good)
    assert changed.returncode == 1
    assert "no longer matches its content hash" in changed.stderr and "the terms" in changed.stderr


def test_parley_verify_refuses_what_is_not_a_certificate_in_one_line(db, database_url, tmp_path):
    record = record_for(db)
    agreement = record["agreement"]
    whole = certificate_pdf(record)
    plain = FPDF()
    plain.add_page()
    unknown = {**record, "dispute": {**record["dispute"], "reference": "D-99"}}

    def carrying(attachment: bytes) -> bytes:
        other = FPDF()
        other.add_page()
        other.embed_file(bytes=attachment, basename=ATTACHMENT)
        return bytes(other.output())

    cases = {
        "deep.pdf": (carrying(b"[" * 100_000 + b"]" * 100_000), "is not JSON"),
        "shape.pdf": (carrying(b'{"format": "parley/agreement-record", "dispute": 5}'),
                      "not in the shape Parley writes"),
        "version.pdf": (certificate_pdf({**record, "agreement": {**agreement, "version": 1.9}}),
                        "names no dispute and version"),
        "notes.md": (b"# Agreement v1: D-1\n", "is not a PDF"),
        "cut.pdf": (whole[: len(whole) // 3], "is not a readable PDF"),
        "other.pdf": (bytes(plain.output()), "carries no Parley record"),
        "unknown.pdf": (certificate_pdf(unknown), "there is no dispute D-99 of workspace T0HOST"),
    }
    for name, (content, said) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        run = verify(database_url, path)
        assert run.returncode == 1 and said in run.stderr, (name, run.stderr)
        assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    missing = verify(database_url, tmp_path / "nowhere.pdf")
    assert missing.returncode == 1 and "cannot read" in missing.stderr
