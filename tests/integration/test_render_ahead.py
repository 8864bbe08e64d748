"""A transaction's first message is rendered inside that transaction when it can be (names from
the directory's cache), so it goes to Slack right after the commit without a read of its own;
when a name is not known yet, it is rendered after the commit, as every other row is."""

from __future__ import annotations

import pytest

from bot.delivery.deliverer import Deliverer
from bot.services import outbox
from bot.slack.directory import NotCached
from models import Dispute
from tests.conftest import CORA, SAM
from tests.integration.test_deliveries import CLIENT, STUDIO, with_threads
from tests.support.scenarios import ratified_dispute


def reopened_messages(fake) -> list[str]:
    return [m["text"] for m in fake.messages.values() if "reopened" in (m.get("text") or "")]


def count_reads(monkeypatch) -> list[list[int]]:
    runs: list[list[int]] = []
    original = Deliverer._prepare_run

    def spy(self, ids):
        runs.append(list(ids))
        return original(self, ids)

    monkeypatch.setattr(Deliverer, "_prepare_run", spy)
    return runs


def reopen(db, dispute_id: int) -> None:
    with db.transaction() as s:
        outbox.say(s, s.get(Dispute, dispute_id), "dispute.reopened", by=[SAM.team_id, SAM.id])


def test_a_cache_only_directory_answers_what_it_knows_and_never_calls_slack(parley, fake_slack):
    names = parley.deliverer.names
    with pytest.raises(NotCached):
        names.cached().describe(CORA.team_id, CORA.id)
    assert fake_slack.calls_to("users.info") == []
    known = names.describe(CORA.team_id, CORA.id)
    calls = len(fake_slack.calls)
    assert names.cached().describe(CORA.team_id, CORA.id) == known
    assert len(fake_slack.calls) == calls


def test_with_its_names_known_the_first_message_needs_no_read_after_the_commit(
        parley, fake_slack, db, monkeypatch):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    parley.deliverer.names.describe(SAM.team_id, SAM.id)  # Sam's name was looked up before
    runs = count_reads(monkeypatch)
    reopen(parley.db, dispute_id)
    assert len(reopened_messages(fake_slack)) == 1
    assert SAM.name in reopened_messages(fake_slack)[0].lower()
    assert runs == []  # rendered inside the transaction


def test_with_a_name_not_known_yet_it_is_rendered_after_the_commit(parley, fake_slack, db, monkeypatch):
    dispute_id = ratified_dispute(db, STUDIO, CLIENT)
    with_threads(fake_slack, db)
    runs = count_reads(monkeypatch)
    reopen(parley.db, dispute_id)  # the strict guard (tests/conftest.py) fails any Slack call inside it
    assert len(reopened_messages(fake_slack)) == 1
    assert SAM.name in reopened_messages(fake_slack)[0].lower()
    assert len(runs) == 1 and fake_slack.calls_to("users.info")
