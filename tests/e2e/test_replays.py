"""Slack's retries and replayed signed requests do nothing twice, on one web process or several."""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import func, select

from bot import ids
from bot.application import create_app
from bot.jobs.tasks import forget
from models import Agreement, Approval, Dispute, HandledRequest, utcnow
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SECRET
from tests.e2e.agreement_steps import _keep, post_agreement, proposal_to_draft
from tests.e2e.helpers import GOOD_ANSWERS, open_modal, raise_dispute
from tests.e2e.threads import buttons, card_blocks, click, click_for_modal
from tests.support.app_server import AppServer
from tests.support.slack_requests import SlackSender


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def welcomes(fake) -> int:
    return sum(1 for c in fake.calls_to("chat.postMessage")
               if c.args.get("text", "").startswith("Parley is here"))


def joined(slack) -> str:
    return json.dumps(slack.event_body({"type": "member_joined_channel", "user": slack.fake.bot_user,
                                        "channel": CHANNEL, "channel_type": "C", "team": "T0HOST"}))


def click_body(fake, action_id: str, value: str, user=SAM) -> str:
    """One click (Sam's unless told), as the signed body Slack sent (to be sent again as it is)."""
    return urlencode({"payload": json.dumps({
        "type": "block_actions", "user": {"id": user.id, "team_id": user.team_id},
        "team": {"id": user.team_id}, "trigger_id": f"13345224609.{action_id}.replayed",
        "channel": {"id": CHANNEL}, "response_url": fake.response_url(),
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "action_ts": "1700000000.123456"}]})})


def test_a_retried_event_posts_one_welcome(slack, fake_slack, db):
    body = joined(slack)
    assert slack.post(body, "application/json").status == 200
    for attempt in (1, 2, 3):  # Slack's retries: same event_id, X-Slack-Retry-Num
        reply = slack.post(body, "application/json",
                           headers={"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_timeout"})
        assert reply.status == 200
    assert welcomes(fake_slack) == 1
    slack.post(joined(slack), "application/json")  # a new event (new id) is handled
    assert welcomes(fake_slack) == 2


def test_a_retry_reaching_another_web_process_does_nothing(slack, parley, settings, engine, fake_slack):
    """Two web processes on one database: the first handles the event, the retry reaches the
    second, which finds the event already handled."""
    other = create_app(settings, engine=engine)
    server = AppServer(other).start()
    try:
        second = SlackSender(server.url, SECRET, fake_slack, "T0HOST", settle=other.executor.wait_idle)
        body = joined(slack)
        slack.post(body, "application/json")
        second.post(body, "application/json", headers={"X-Slack-Retry-Num": "1"})
        assert welcomes(fake_slack) == 1
        home = json.dumps(slack.event_body({"type": "app_home_opened", "user": SAM.id, "tab": "home"}))
        second.post(home, "application/json")
        slack.post(home, "application/json", headers={"X-Slack-Retry-Num": "1"})
        assert len(fake_slack.calls_to("views.publish")) == 1
    finally:
        server.stop()
        other.close()


def test_a_replayed_open_dispute_submission_opens_one_dispute(slack, fake_slack, db):
    view = open_modal(slack, fake_slack, SAM)
    payload = slack.view_submission_payload(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    body, signed_at = urlencode({"payload": json.dumps(payload)}), int(time.time())
    for _ in range(3):  # the same bytes, the same signature: a replay within Slack's 5 minutes
        assert slack.post(body, timestamp=signed_at).status == 200
    assert count(db, Dispute) == 1
    cards = [c for c in fake_slack.calls_to("chat.postMessage") if "thread_ts" not in c.args]
    assert len(cards) == 1


def test_concurrent_replays_open_one_dispute(slack, fake_slack, db):
    view = open_modal(slack, fake_slack, SAM)
    payload = slack.view_submission_payload(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id, CLIVE.id]})
    body, signed_at = urlencode({"payload": json.dumps(payload)}), int(time.time())
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(slack.post(body, timestamp=signed_at).status))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 4
    assert count(db, Dispute) == 1


def test_a_replayed_agreement_submission_keeps_its_approvals(slack, fake_slack, db):
    ts, note = proposal_to_draft(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, SAM, note["blocks"], ids.DRAFT_AGREEMENT)
    payload = slack.view_submission_payload(SAM, view, _keep(view, {}))
    body, signed_at = urlencode({"payload": json.dumps(payload)}), int(time.time())
    assert slack.post(body, timestamp=signed_at).status == 200
    message = [c.args for c in fake_slack.calls_to("chat.postMessage") if c.args.get("thread_ts") == ts][-1]
    click(slack, fake_slack, SAM, message["blocks"], ids.APPROVE_AGREEMENT)
    assert slack.post(body, timestamp=signed_at).status == 200  # replayed after the approval
    with db.read() as s:
        agreement = s.scalars(select(Agreement)).one()
        assert (agreement.version, agreement.status) == (1, "pending")
        assert [a.user_id for a in s.scalars(select(Approval))] == [SAM.id]


def test_a_replayed_click_does_its_work_once(slack, fake_slack, db):
    _, drafting = proposal_to_draft(slack, fake_slack)
    _, message = post_agreement(slack, fake_slack, SAM, drafting["blocks"])
    before = len(fake_slack.calls_to("chat.update"))
    value = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
             if e["action_id"] == ids.APPROVE_AGREEMENT][0]["value"]
    body, signed_at = click_body(fake_slack, ids.APPROVE_AGREEMENT, value), int(time.time())
    for _ in range(3):
        assert slack.post(body, timestamp=signed_at).status == 200
    # the agreement's message and the card's Next line, each updated once
    assert len(fake_slack.calls_to("chat.update")) == before + 2
    assert sum(c.args["text"].startswith("Agreement v1") for c in fake_slack.calls_to("chat.update")[before:]) == 1
    assert not any("already approved" in c.args.get("text", "") for c in fake_slack.calls_to("response_url"))
    with db.read() as s:
        assert [a.user_id for a in s.scalars(select(Approval))] == [SAM.id]


def test_a_replayed_accept_agrees_once(slack, fake_slack, db):
    """Accepting is agreeing: the same click sent three times makes one agreement, said once."""
    ts, drafting = proposal_to_draft(slack, fake_slack)
    value = buttons(drafting["proposal"]["blocks"])[ids.ACCEPT_PROPOSAL]["value"]
    body, signed_at = click_body(fake_slack, ids.ACCEPT_PROPOSAL, value, CORA), int(time.time())
    for _ in range(3):
        assert slack.post(body, timestamp=signed_at).status == 200

    def in_effect():
        return [m for m in fake_slack.messages_in(CHANNEL, ts) if m.get("files")]

    fake_slack.wait_until(in_effect, what="the in-effect post")
    with db.read() as s:
        agreement = s.scalars(select(Agreement)).one()
        assert agreement.status == "ratified"
        assert sorted(a.user_id for a in s.scalars(select(Approval))) == [CORA.id, SAM.id]
    assert len(in_effect()) == 1 and len(fake_slack.uploads) == 1
    assert not any("already" in c.args.get("text", "") for c in fake_slack.calls_to("response_url"))


def test_handled_request_keys_are_forgotten_after_a_day(slack, db):
    slack.post(joined(slack), "application/json")
    assert count(db, HandledRequest) == 1
    assert forget(db) == 0
    with db.transaction() as s:
        s.scalars(select(HandledRequest)).one().at = utcnow() - timedelta(days=1, minutes=1)
    assert forget(db) == 1 and count(db, HandledRequest) == 0


def test_a_replayed_export_command_sends_one_file(slack, fake_slack):
    proposal_to_draft(slack, fake_slack)
    body = urlencode({"command": "/dispute", "text": "export D-1", "team_id": SAM.team_id,
                      "user_id": SAM.id, "channel_id": CHANNEL, "channel_name": "studio-client",
                      "trigger_id": "13345224609.2.replayed", "response_url": fake_slack.response_url()})
    signed_at = int(time.time())
    for _ in range(3):
        assert slack.post(body, timestamp=signed_at).status == 200
    assert len([u for u in fake_slack.uploads.values() if u["filename"] == "D-1-record.md"]) == 1


def test_a_replayed_click_that_opens_a_form_changes_nothing_and_logs_no_error(slack, fake_slack, caplog):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    value = buttons(card_blocks(fake_slack, CHANNEL, ts))[ids.SHARE_PERSPECTIVE]["value"]
    body, signed_at = click_body(fake_slack, ids.SHARE_PERSPECTIVE, value), int(time.time())
    before = len(fake_slack.calls_to("views.open"))
    for _ in range(2):
        assert slack.post(body, timestamp=signed_at).status == 200
    assert len(fake_slack.calls_to("views.open")) == before + 2  # Slack takes the trigger once …
    assert "took too long" in fake_slack.calls_to("response_url")[-1].args["text"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []


def test_a_form_that_changed_meanwhile_is_left_alone_quietly(slack, fake_slack, caplog):
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    fake_slack.fail_next("views.update", "hash_conflict")  # what Slack says to a stale view hash
    before = len(fake_slack.calls)
    slack.payload({"type": "block_actions", "user": {"id": SAM.id, "team_id": SAM.team_id},
                   "team": {"id": SAM.team_id}, "trigger_id": "13345224609.4.x",
                   "view": {**view, "state": {"values": {}}, "private_metadata": view["private_metadata"]},
                   "actions": [{"type": "button", "action_id": ids.ADD_ITEM_ROW, "block_id": "b",
                                "action_ts": "1700000000.1"}]})
    assert [c.method for c in fake_slack.calls[before:]] == ["views.update"]  # nobody is told anything
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
