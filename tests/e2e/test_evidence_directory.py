"""Evidence kept in a directory (EVIDENCE_STORE=/path), end to end: the copies are files named by
their SHA-256, written before the transaction that records them, and an export's bundle of them
verifies."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from bot.config import load_settings
from models import EvidenceBlob, EvidenceItem
from tests.conftest import CHANNEL, CORA, SAM, SECRET
from tests.e2e.test_evidence import BRIEF, add_evidence, opened
from tests.integration.test_certificate import verify


@pytest.fixture
def settings(fake_slack, database_url, tmp_path):
    return load_settings(slack_bot_token=fake_slack.token, slack_signing_secret=SECRET,
                         slack_api_url=fake_slack.base_url, database_url=database_url, slack_app_token="",
                         evidence_store=str(tmp_path / "evidence"))


def test_copies_are_files_named_by_their_hash_and_a_bundle_of_them_verifies(slack, fake_slack, db,
                                                                              database_url, tmp_path):
    ts = opened(slack, fake_slack)
    brief = fake_slack.add_file("brief-v2.pdf", BRIEF, team=CORA.team_id)
    said_ts = fake_slack.add_message(CHANNEL, "Due on 3 March.", user=CORA.id)
    add_evidence(slack, fake_slack, CORA, ts, files=[brief])
    add_evidence(slack, fake_slack, SAM, ts,
                 link=f"https://parley-test.slack.com/archives/{CHANNEL}/p" + said_ts.replace(".", ""))
    sha = hashlib.sha256(BRIEF).hexdigest()
    assert (tmp_path / "evidence" / sha[:2] / sha).read_bytes() == BRIEF
    with db.read() as session:
        refs = sorted(session.scalars(select(EvidenceItem.stored_ref)))
        assert refs[0].startswith("dir:") and len(refs) == 2
        assert session.scalars(select(EvidenceBlob)).all() == []  # nothing in the database
    slack.command(SAM, "export D-1")
    bundle = next(u for u in fake_slack.uploads.values() if u["filename"] == "D-1-record-bundle.zip")
    (tmp_path / "bundle.zip").write_bytes(bundle["bytes"])
    checked = verify(database_url, tmp_path / "bundle.zip")
    assert checked.returncode == 0, checked.stdout + checked.stderr
