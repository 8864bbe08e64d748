"""Where Parley keeps evidence: the database (the default), a directory, or an S3-compatible
bucket (against moto's in-process S3); each keeps a copy once by its SHA-256, gives it back, and
lets it go only when no dispute holds it any more. And what never finished copying is recorded
as a link only; erasing a workspace removes its copies."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest
from moto import mock_aws
from sqlalchemy import select

from bot.services import erasure, evidence
from bot.services.evidence import Limits, OfferedFile
from bot.services.people import Person
from bot.store import open_store, sha256_of
from bot.store.database import DatabaseStore
from bot.store.directory import DirectoryStore
from bot.store.s3 import S3Store
from models import AuditEvent, Dispute, EvidenceBlob, EvidenceItem, OutboxMessage, utcnow
from tests.conftest import CORA, SAM
from tests.support.scenarios import ratified_dispute

PROVIDER, CLIENT = Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id)
DATA = b"\x00\x01 any bytes at all \xff" * 1000


@pytest.fixture(params=["database", "directory", "s3"])
def store(request, tmp_path):
    if request.param == "database":
        yield DatabaseStore()
    elif request.param == "directory":
        yield DirectoryStore(tmp_path / "evidence")
    else:
        with mock_aws():
            client = boto3.client("s3", region_name="us-east-1")
            client.create_bucket(Bucket="parley-evidence")
            yield S3Store("parley-evidence", "/kept/", client=client)


def test_each_store_keeps_a_copy_once_and_gives_it_back(db, store):
    sha = sha256_of(DATA)
    with db.transaction() as session:
        ref = store.put(session, sha, DATA)
        assert store.put(session, sha, DATA) == ref  # the same bytes: the same copy
    with db.read() as session:
        assert store.get(session, ref) == DATA
        assert store.get(session, ref[:-1] + ("0" if ref[-1] != "0" else "1")) is None
    with db.transaction() as session:
        store.delete(session, ref)  # no item holds it
    with db.read() as session:
        assert store.get(session, ref) is None


def test_the_setting_picks_the_store(tmp_path):
    assert isinstance(open_store("database"), DatabaseStore)
    found = open_store(str(tmp_path))
    assert isinstance(found, DirectoryStore) and found.root == tmp_path
    s3 = open_store("s3://bucket/some/prefix")
    assert isinstance(s3, S3Store) and (s3.bucket, s3.prefix) == ("bucket", "some/prefix")


def attached(db, name: str = "brief.pdf") -> tuple[int, int]:
    dispute_id = ratified_dispute(db, PROVIDER, CLIENT)
    with db.transaction() as s:
        [item] = evidence.attach_files(s, s.get(Dispute, dispute_id), CLIENT, [OfferedFile("F1", name, 3)],
                                       source="form", limits=Limits())
        return dispute_id, item.id


def test_a_copy_never_made_is_recorded_as_a_link_only(db):
    dispute_id, item_id = attached(db)
    with db.transaction() as s:
        assert evidence.give_up_stale(s) == 0  # its own request is still copying it
    with db.transaction() as s:
        assert evidence.give_up_stale(s, now=utcnow() + timedelta(minutes=16)) == 1
    with db.read() as s:
        item = s.get(EvidenceItem, item_id)
        assert (item.status, item.not_copied_reason) == ("not_copied", evidence.STOPPED)
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.kind == "evidence.added"))
        assert event.payload["copied"] is False and event.payload["item"] == "E1"


def test_erasing_a_workspace_removes_its_copies_but_not_another_dispute_s(db):
    mine, item_id = attached(db)
    with db.transaction() as s:
        evidence.keep(s, s.get(EvidenceItem, item_id), DATA, DatabaseStore())
    other = ratified_dispute(db, Person("T0OTHER", "U0OTHER"), Person(CORA.team_id, CORA.id))
    with db.transaction() as s:
        [theirs] = evidence.attach_files(s, s.get(Dispute, other), CLIENT, [OfferedFile("F9", "same.pdf", 3)],
                                         source="form", limits=Limits())
        evidence.keep(s, theirs, DATA, DatabaseStore())
        erasure.erase(s, PROVIDER.team_id, by=PROVIDER)
    with db.read() as s:
        assert s.get(EvidenceBlob, sha256_of(DATA)) is not None  # the other dispute still holds it
        assert s.scalars(select(EvidenceItem.dispute_id)).all() == [other]
    with db.transaction() as s:
        erasure.erase(s, "T0OTHER", by=Person("T0OTHER", "U0OTHER"))
    with db.read() as s:
        assert s.get(EvidenceBlob, sha256_of(DATA)) is None


def test_each_side_has_its_own_budget_and_learns_nothing_of_the_other_s(db):
    dispute_id = ratified_dispute(db, PROVIDER, CLIENT)
    small = Limits(file_bytes=10, files=10, dispute_bytes=10)
    with db.transaction() as s:
        d = s.get(Dispute, dispute_id)
        evidence.attach_files(s, d, PROVIDER, [OfferedFile("F1", "a.pdf", 9)], source="form", limits=small)
    with db.transaction() as s:
        d = s.get(Dispute, dispute_id)
        assert evidence.check_space(s, d, "client", [OfferedFile("F2", "b.pdf", 9)], small) is None
        said = evidence.check_space(s, d, "provider", [OfferedFile("F3", "c.pdf", 9)], small)
        assert said == "These files would take your side's evidence in D-1 over its limit of 0.0 MB."


def test_the_evidence_message_is_posted_again_if_its_first_post_failed(db):
    dispute_id, item_id = attached(db)
    with db.transaction() as s:
        evidence.keep(s, s.get(EvidenceItem, item_id), DATA, DatabaseStore())
        [first] = [r for r in s.scalars(select(OutboxMessage)) if r.kind == "evidence"]
        first.status = "failed"
    with db.transaction() as s:
        assert evidence.owe_list(s, s.get(Dispute, dispute_id)).kind == "evidence"  # not an update of nothing
