"""Evidence in the agreement's record: the certificate lists what was on record when the
agreement took effect (name, who, side, when, SHA-256), and `parley verify` holds that list
against the database."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from bot.records.agreement import agreement_record, evidence_then
from bot.records.documents.agreement_pdf import certificate_pdf
from bot.records.verify_agreement import check
from bot.services import agreements, audit, evidence
from bot.services.evidence import Limits, OfferedFile
from bot.services.people import Person
from bot.store.database import DatabaseStore
from models import AuditEvent, Dispute, EvidenceItem, Perspective
from tests.conftest import CORA, SAM
from tests.support.scenarios import ratified_dispute

PROVIDER, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)
NAMES = {SAM.id: "Sam", CORA.id: "Cora"}


def with_evidence(db) -> tuple[int, str]:
    """A ratified dispute with two items on record before it took effect (one a link only) and
    one added after; returns it and its trail's head when the agreement took effect."""

    def attach(s, d):
        brief, notes = evidence.attach_files(
            s, d, CLIENT, [OfferedFile("F1", "brief <v2>.pdf", 11), OfferedFile("F2", "notes.docx", 5)],
            source="form", limits=Limits())
        evidence.keep(s, brief, b"brief bytes", DatabaseStore())
        evidence.not_copied(s, notes.id, "Slack would not give Parley a copy of this file.")

    dispute_id = ratified_dispute(db, PROVIDER, CLIENT, before_agreement=attach)
    with db.read() as s:
        head = audit.head(s, team_id="T0HOST", dispute_id=dispute_id)
    with db.transaction() as s:
        [later] = evidence.attach_files(s, s.get(Dispute, dispute_id), CLIENT, [OfferedFile("F3", "later.png", 3)],
                                        source="form", limits=Limits())
        evidence.keep(s, later, b"later", DatabaseStore())
    return dispute_id, head


def record_of(db, dispute_id, head):
    with db.read() as session:
        dispute = session.get(Dispute, dispute_id)
        agreement = agreements.latest(session, dispute_id)
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.dispute_id == dispute_id)
                                      .order_by(AuditEvent.id)))
        return agreement_record(
            dispute, agreement, agreements.approval_state(dispute, agreement).valid, events,
            name=lambda team, user: NAMES.get(user, user),
            team_name={"T0HOST": "Studio", "T0CLIENT": "Client Co"}.get,
            trail_head=head,
            evidence=evidence_then(evidence.on_record(session, dispute_id), events, head, agreement.ratified_at))


def test_the_certificate_lists_the_evidence_on_record_when_it_took_effect(db):
    record = record_of(db, *with_evidence(db))
    listed = [(e["item"], e["name"], e["side"], e["copied"]) for e in record["evidence"]]
    assert listed == [("E1", "brief <v2>.pdf", "client", True), ("E2", "notes.docx", "client", False)]
    with db.read() as session:
        sha = session.scalars(select(EvidenceItem.sha256).where(EvidenceItem.number == 1)).one()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate_pdf(record))).pages)
    front, _, verification = text.partition("Verification\n")
    front = " ".join(front.split())  # lines as the PDF wraps them
    assert "Evidence on record" in front and "brief <v2>.pdf" in front and "later.png" not in text
    assert "E1 · added by Cora of Client Co (client side)" in front and "Not copied: Slack would not give Parley a copy" in front
    assert sha not in front and sha in verification  # fingerprints are for whoever checks
    with db.read() as session:
        assert check(session, record).matches


def test_verify_refuses_a_certificate_whose_evidence_was_changed(db):
    record = record_of(db, *with_evidence(db))
    changed = [dict(record, evidence=[{**record["evidence"][0], "sha256": "0" * 64}, record["evidence"][1]]),
               dict(record, evidence=record["evidence"][:1]),
               dict(record, evidence=[*record["evidence"], {**record["evidence"][0], "item": "E9"}]),
               {k: v for k, v in record.items() if k != "evidence"}]
    with db.read() as session:
        for forged in changed:
            said = check(session, forged)
            assert not said.matches and "the evidence on record" in said.line


def test_evidence_sealed_with_an_account_is_not_on_a_certificate_made_before_the_reveal(db):
    """An agreement can take effect before both sides have shared (a proposal came first): what
    is sealed with one side's account stays off the certificate the other side receives."""

    def attach(s, d):
        party = d.party_of(PROVIDER.team_id, PROVIDER.user_id)
        sealed = Perspective(dispute_id=d.id, party_id=party.id, version=1, what_happened="w", impact="",
                             resolution="r")
        s.add(sealed)
        s.flush()
        [item] = evidence.attach_files(s, d, PROVIDER, [OfferedFile("F1", "timesheets.xlsx", 3)],
                                       source="perspective", limits=Limits(), perspective=sealed)
        evidence.keep(s, item, b"sheets", DatabaseStore())

    dispute_id = ratified_dispute(db, PROVIDER, CLIENT, before_agreement=attach)
    with db.read() as s:
        head = audit.head(s, team_id="T0HOST", dispute_id=dispute_id)
    record = record_of(db, dispute_id, head)
    assert record["evidence"] == []
    with db.read() as session:
        assert check(session, record).matches


def test_attaching_openly_what_one_s_side_had_sealed_shows_it(db):
    dispute_id = ratified_dispute(db, PROVIDER, CLIENT)
    with db.transaction() as s:
        d = s.get(Dispute, dispute_id)
        party = d.party_of(PROVIDER.team_id, PROVIDER.user_id)
        sealed = Perspective(dispute_id=d.id, party_id=party.id, version=1, what_happened="w", impact="",
                             resolution="r")
        s.add(sealed)
        s.flush()
        [first] = evidence.attach_files(s, d, PROVIDER, [OfferedFile("F1", "sheet.xlsx", 3)],
                                        source="perspective", limits=Limits(), perspective=sealed)
        evidence.keep(s, first, b"sheet", DatabaseStore())
        assert first.sealed
        [again] = evidence.attach_files(s, d, PROVIDER, [OfferedFile("F2", "sheet copy.xlsx", 3)],
                                        source="proposal", limits=Limits())
        kept = evidence.keep(s, again, b"sheet", DatabaseStore())
        assert kept is not None and kept.duplicate and kept.item is first and not first.sealed
