"""The delivery's small rules: Slack's answers classified, the per-channel pacer, and no Slack
call inside a database transaction."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse
from sqlalchemy import create_engine

from bot.db import Database, in_transaction
from bot.delivery.pacer import ChannelPacer
from bot.delivery.sender import classify_refusal
from bot.slack import outgoing
from bot.slack.outgoing import ParleyClient, SlackCallInTransaction, reply


def refusal(status: int, error: str, headers: dict | None = None) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="x", req_args={},
                             data={"ok": False, "error": error}, headers=headers or {},
                             status_code=status)
    return SlackApiError("refused", response)


def test_slacks_answers_are_classified():
    limited = classify_refusal(refusal(429, "ratelimited", {"Retry-After": "30"}), attempts=1)
    assert (limited.status, limited.delay, limited.outage) == ("retry", 30.0, False)
    down = classify_refusal(refusal(503, "fatal_error"), attempts=1)
    assert down.status == "retry" and down.outage and down.uncertain and 3 <= down.delay <= 5
    assert classify_refusal(refusal(200, "internal_error"), attempts=4).status == "retry"
    for final in ("channel_not_found", "not_in_channel", "is_archived", "token_revoked", "invalid_blocks"):
        assert classify_refusal(refusal(200, final), attempts=1).status == "failed"


def test_the_pacer_allows_a_burst_then_one_message_per_interval(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("bot.delivery.pacer.time.monotonic", lambda: clock[0])
    pacer = ChannelPacer(interval=1.0, burst=3)
    assert [pacer.take("C1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.take("C1") == pytest.approx(1.0)
    assert pacer.take("C2") == 0.0  # channels are independent
    clock[0] += 10
    assert pacer.take("C1") == 0.0  # an idle channel has its burst back
    pacer.hold("C2", 30)  # a 429 with Retry-After: 30
    assert pacer.ready_at("C2") == pytest.approx(clock[0] + 30)


def test_a_slack_call_inside_a_transaction_is_refused(monkeypatch):
    monkeypatch.setattr(outgoing._Rule, "strict", True)  # as STRICT_TRANSACTIONS sets it
    db = Database(create_engine("sqlite://"))
    client = ParleyClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")
    with db.transaction():
        assert in_transaction()
        with pytest.raises(SlackCallInTransaction):
            client.chat_postMessage(channel="C1", text="hi")
        with pytest.raises(SlackCallInTransaction):
            reply("http://127.0.0.1:9/respond", "hi")
    assert not in_transaction()
    with db.read():  # a read-only session holds no lock: the directory may be consulted there
        assert not in_transaction()


def test_without_strict_transactions_such_a_call_is_logged(monkeypatch, caplog):
    monkeypatch.setattr(outgoing._Rule, "strict", False)
    db = Database(create_engine("sqlite://"))
    with db.transaction(), caplog.at_level("ERROR", logger="parley.outgoing"):
        outgoing.check_no_transaction("chat.postMessage")
    assert [r.getMessage() for r in caplog.records] == ["chat.postMessage called inside a database transaction"]
    caplog.clear()  # (seen: not a builder's unmarked text, which conftest looks for in this log)
