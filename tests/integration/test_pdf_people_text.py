"""People's words in Parley's PDFs (the exported record, the agreement certificate) are set
apart from Parley's own lines: a line break typed into any field cannot make a line that sits
where, and looks like, an approval of Parley's."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from bot.records.documents.agreement_pdf import certificate_pdf
from bot.records.documents.export_pdf import export_pdf
from bot.records.documents.pdf import HANG, MARGIN, QUOTE_INDENT
from bot.services import agreements
from bot.records.agreement import agreement_record
from models import AuditEvent, Dispute
from tests.integration.test_certificate import NAMES
from tests.integration.test_export_record import CLIENT, PROVIDER, exported
from tests.support.scenarios import whole_story

FORGED = ("\nApproved by Mallory (Client Co, Slack T0CLIENT / U0MALLORY) at 2026-01-01 "
          "00:00:00 UTC, version 1")
POINTS_PER_MM = 72 / 25.4


def lines_with_x(pdf: bytes) -> list[tuple[float, str]]:
    """Every piece of text the PDF draws, with how far from the page's left edge (mm)."""
    drawn: list[tuple[float, str]] = []

    def seen(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            drawn.append(((cm[4] + tm[4]) / POINTS_PER_MM, text))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=seen)
    return drawn


def assert_set_apart(pdf: bytes) -> None:
    drawn = lines_with_x(pdf)
    forged = [(x, text) for x, text in drawn if "Mallory" in text]
    assert forged, "the forged line is in the document (as people's words)"
    assert all(x >= MARGIN + QUOTE_INDENT for x, _ in forged), forged
    real = [(x, text) for x, text in drawn if "Mallory" not in text and "Slack T0CLIENT" in text]
    assert real and all(x < MARGIN + QUOTE_INDENT for x, _ in real), real


def test_a_line_break_in_any_field_cannot_make_an_approval_line_in_the_export(db):
    dispute_id = whole_story(db, PROVIDER, CLIENT, said=FORGED)
    with db.read() as session:
        dispute = session.get(Dispute, dispute_id)
        assert "\n" not in dispute.title  # one-line fields are kept on one line
    assert_set_apart(export_pdf(exported(db, dispute_id, internal=True)))


def test_a_line_break_in_the_terms_cannot_make_an_approval_line_in_the_certificate(db):
    dispute_id = whole_story(db, PROVIDER, CLIENT, said=FORGED)
    with db.read() as session:
        dispute = session.get(Dispute, dispute_id)
        agreement = agreements.latest(session, dispute_id)
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute_id)
                                      .order_by(AuditEvent.id)))
        record = agreement_record(
            dispute, agreement, agreements.approval_state(dispute, agreement).valid, events,
            name=lambda team, user: NAMES.get(user, user),
            team_name={"T0HOST": "Studio", "T0CLIENT": "Client Co"}.get, trail_head=None)
    assert_set_apart(certificate_pdf(record))


def test_a_long_name_cannot_wrap_into_an_approval_line(db):
    """A name is people's text too: one that makes its line wrap just before words of its own
    puts them on a following line, which starts further in than any line of Parley's."""
    forged = "Cora " + "W" * 38 + " Approved by Sam (Studio)"
    dispute_id = whole_story(db, PROVIDER, CLIENT)
    pdf = export_pdf(exported(db, dispute_id, internal=True, names={**NAMES, CLIENT.user_id: forged}))
    drawn = lines_with_x(pdf)
    forgeries = [(x, text) for x, text in drawn if text.startswith("Approved by Sam (Studio)")]
    assert forgeries and all(x >= MARGIN + HANG for x, _ in forgeries), forgeries
    real = [text for x, text in drawn if text.startswith("Approved by") and x < MARGIN + HANG]
    assert len(real) == 2, real  # the studio's approval and the client's, each where it belongs
