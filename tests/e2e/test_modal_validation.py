"""The modal's inline errors (`response_action: errors`): nothing is stored, nothing is posted."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot import ids
from models import Dispute
from tests.conftest import BOT_USER, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import GOOD_ANSWERS, open_modal


def submit(slack, fake, answers):
    view = open_modal(slack, fake, SAM)
    reply = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id], **answers})
    assert reply.status == 200
    return reply.json()


@pytest.mark.parametrize(
    ("answers", "block", "phrase"),
    [
        ({ids.B_TITLE: "   "}, ids.B_TITLE, "short title"),
        ({ids.B_PARTIES: []}, ids.B_PARTIES, "at least one person"),
        ({ids.B_PARTIES: [SAM.id]}, ids.B_PARTIES, "other than yourself"),
        ({ids.B_PARTIES: [BOT_USER]}, ids.B_PARTIES, "is an app"),
        ({ids.B_PARTIES: ["U0NOBODY"]}, ids.B_PARTIES, "couldn't look up"),
        ({ids.B_CATEGORY: None}, ids.B_CATEGORY, "category"),
        ({ids.B_CATEGORY: "vibes"}, ids.B_CATEGORY, "category"),
        ({ids.B_HAPPENED: ""}, ids.B_HAPPENED, "Describe what happened"),
        ({ids.B_OUTCOME: "x" * 1501}, ids.B_OUTCOME, "under 1,500"),
        ({ids.B_AMOUNT: "lots"}, ids.B_AMOUNT, "Enter a number"),
        ({ids.B_AMOUNT: "-20"}, ids.B_AMOUNT, "positive"),
        ({ids.B_AMOUNT: "0"}, ids.B_AMOUNT, "positive"),
        ({ids.B_AMOUNT: "10.005"}, ids.B_AMOUNT, "two decimal"),
        ({ids.B_AMOUNT: "NaN"}, ids.B_AMOUNT, "positive"),
        ({ids.B_CURRENCY: None}, ids.B_CURRENCY, "currency"),
        ({ids.B_AMOUNT: None}, ids.B_AMOUNT, "clear the currency"),
    ],
)
def test_bad_fields_get_inline_errors_and_change_nothing(slack, fake_slack, db, answers, block, phrase):
    body = submit(slack, fake_slack, answers)
    assert body["response_action"] == "errors"
    assert phrase in body["errors"][block]
    assert fake_slack.calls_to("chat.postMessage") == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Dispute)) == 0


def test_a_dispute_needs_someone_from_each_organization(slack, fake_slack, db):
    """Nothing is decided by one side alone (issue 25): the form asks for someone of the other
    organization, whichever side opens it."""
    body = submit(slack, fake_slack, {ids.B_PARTIES: [SOL.id]})  # the studio's own colleague
    assert "Choose at least one person from the client's organization" in body["errors"][ids.B_PARTIES]
    view = open_modal(slack, fake_slack, CORA)
    body = slack.view_submission(CORA, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CLIVE.id]}).json()
    assert "Choose at least one person from Studio" in body["errors"][ids.B_PARTIES]
    assert fake_slack.calls_to("chat.postMessage") == []
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Dispute)) == 0


def test_the_opener_plus_another_person_is_fine(slack, fake_slack, db):
    body = submit(slack, fake_slack, {ids.B_PARTIES: [SAM.id, CORA.id]})
    assert body is None
    fake_slack.wait_for("chat.postMessage", 2)
    with db.transaction() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert sorted(p.user_id for p in dispute.parties) == ["U0CORA", "U0SAM"]


def test_a_form_with_unreadable_metadata_asks_to_start_again(slack, fake_slack, db):
    view = open_modal(slack, fake_slack, SAM)
    view = {**view, "private_metadata": '{"v": 99}'}
    reply = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    assert reply.status == 200
    assert "out of date" in reply.json()["errors"][ids.B_TITLE]
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Dispute)) == 0
