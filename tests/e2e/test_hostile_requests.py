"""Signed but hostile bodies: never a 5xx, never a traceback, nothing written, and the app keeps
serving. (A signed body can still be malformed: a bug, a replay tool, a leaked signing secret.)"""

from __future__ import annotations

import json
import logging
import socket
import time
from urllib.parse import quote, urlencode, urlsplit

import pytest

from bot import ids
from bot.http.app import MAX_BODY_BYTES
from bot.services.people import Person
from tests.conftest import CORA, SAM
from tests.e2e.hostile import lines_about_requests, problems_in, table_counts
from tests.support.scenarios import ratified_dispute
from tests.support.slack_requests import new_trigger, signature

JSON = "application/json"
DEEP_OBJECT = '{"a":' * 10_000 + "1" + "}" * 10_000
DEEP_LIST = "[" * 10_000 + "]" * 10_000
STALE = "no longer works"


def actions_body(user=SAM, **fields):
    body = {
        "type": "block_actions",
        "user": {"id": user.id, "username": user.name, "team_id": user.team_id},
        "team": {"id": user.team_id, "domain": "x"},
        "api_app_id": "A0PARLEY", "trigger_id": new_trigger(),
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C0SHARED"},
        "channel": {"id": "C0SHARED", "name": "studio-client"},
        "actions": [{"type": "button", "action_id": ids.PROPOSE, "block_id": "b",
                     "value": json.dumps({"v": 1, "d": 1})}],
    }
    return {**body, **fields}


def submission_body(callback_id, metadata, user=SAM, **view_fields):
    return {
        "type": "view_submission",
        "user": {"id": user.id, "username": user.name, "team_id": user.team_id},
        "team": {"id": user.team_id, "domain": "x"},
        "api_app_id": "A0PARLEY", "trigger_id": new_trigger(),
        "view": {"id": "V1", "type": "modal", "team_id": user.team_id,
                 "app_installed_team_id": "T0HOST", "callback_id": callback_id,
                 "private_metadata": metadata, "state": {"values": {}}, "hash": "1.abc",
                 **view_fields},
    }


def payload_form(payload) -> str:
    return urlencode({"payload": json.dumps(payload)})


MALFORMED = {
    "JSON nested 10,000 deep, as a body": (DEEP_OBJECT, JSON),
    "JSON nested 10,000 deep, as payload=": ("payload=" + quote(DEEP_LIST), "application/x-www-form-urlencoded"),
    "JSON nested 100 deep (within Python's limit)": ('{"type": "event_callback", "x": ' + "[" * 100 + "]" * 100 + "}", JSON),
    "block_actions with no actions": (payload_form(actions_body(actions=[])), ""),
    "block_actions whose action is not an object": (payload_form(actions_body(actions=["x"])), ""),
    "block_actions without a trigger_id": (payload_form(actions_body(trigger_id=None)), ""),
    "view_submission whose view has no type": (
        payload_form({**submission_body(ids.PROPOSAL_MODAL, ""), "view": {
            k: v for k, v in submission_body(ids.PROPOSAL_MODAL, "")["view"].items() if k != "type"}}), ""),
    "view_submission of a workflow step": (payload_form(submission_body(ids.PROPOSAL_MODAL, "", type="workflow_step")), ""),
    "view_submission whose state is not a dict of dicts": (
        payload_form(submission_body(ids.PROPOSAL_MODAL, "", state={"values": {"b": "x"}})), ""),
    "team given as a string": (payload_form(actions_body(team="T0HOST")), ""),
    "enterprise given as a number": (payload_form(actions_body(enterprise=5)), ""),
    "authorizations of the wrong type": (payload_form(actions_body(authorizations=[1])), ""),
    "response_url that is not a URL": (payload_form(actions_body(response_url="not a url")), ""),
    "a kind Parley does not handle": (payload_form({"type": "shortcut", "callback_id": "x"}), ""),
    "event_callback with no event": (json.dumps({"type": "event_callback", "event_id": "Ev1",
                                                 "team_id": "T0HOST"}), JSON),
    "app_home_opened without a user": (json.dumps({"type": "event_callback", "event_id": "Ev1", "team_id": "T0HOST",
                                                   "event": {"type": "app_home_opened"}}), JSON),
    "text that is not valid Unicode": (payload_form(actions_body(x="\ud800")), ""),
    "a command whose channel is not a channel": (urlencode({
        "command": "/dispute", "team_id": "T0HOST", "user_id": "U0SAM", "channel_id": "nope",
        "trigger_id": "t", "response_url": "http://127.0.0.1:9/x"}), "application/x-www-form-urlencoded"),
    "a command as JSON with a number for text": (json.dumps({
        "command": "/dispute", "team_id": "T0HOST", "user_id": "U0SAM", "channel_id": "C0SHARED",
        "trigger_id": "t", "response_url": "http://127.0.0.1:9/x", "text": 5}), JSON),
}


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def still_serving(slack, fake_slack):
    before = len(fake_slack.calls_to("response_url"))
    assert slack.command(SAM, "help").status == 200
    fake_slack.wait_for("response_url", before + 1)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_signed_bodies_get_a_400_and_one_log_line(slack, fake_slack, db, logs, case):
    body, content_type = MALFORMED[case]
    before = table_counts(db)
    logs.clear()
    reply = slack.post(body, content_type)
    assert reply.status == 400, reply
    assert len(reply.body) < 300
    assert problems_in(logs.records) == []
    lines = lines_about_requests(logs.records)
    assert len(lines) == 1 and "malformed" in lines[0].lower(), lines
    assert table_counts(db) == before
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
    still_serving(slack, fake_slack)


@pytest.mark.parametrize("value", [
    {"v": 1, "d": 10**23},  # beyond any database integer: SQLite raised OverflowError
    {"v": 1, "d": 2**31},  # beyond PostgreSQL's integer
    {"v": 1, "d": 0},
    {"v": 1, "d": -7},
    {"v": 1, "d": "9" * 1000},
])
def test_an_id_that_does_not_fit_is_a_stale_button(slack, fake_slack, db, logs, value):
    before = table_counts(db)
    reply = slack.block_action(SAM, ids.PROPOSE, json.dumps(value))
    assert reply.status == 200
    answer = fake_slack.wait_for("response_url")[-1].args
    assert STALE in answer["text"] and answer["response_type"] == "ephemeral"
    assert problems_in(logs.records) == []
    assert table_counts(db) == before
    still_serving(slack, fake_slack)


def test_a_huge_row_count_in_proposal_metadata_is_refused_at_once(slack, fake_slack, db, logs):
    dispute = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id))
    before = table_counts(db)
    meta = json.dumps({"v": 1, "d": dispute, "rows": 100_000_000})
    reply = slack.payload(submission_body(ids.PROPOSAL_MODAL, meta))
    assert reply.status == 200  # (before the bound, it never came: the ack built 100,000,000 rows)
    assert reply.json()["response_action"] == "errors"
    assert "out of date" in json.dumps(reply.json()["errors"])
    assert problems_in(logs.records) == []
    assert table_counts(db) == before


@pytest.mark.parametrize(("action", "model"), [
    (ids.ADD_ITEM_ROW, "proposal"),
    (ids.ADD_AGREEMENT_ITEM_ROW, "agreement"),
])
def test_a_huge_row_count_behind_an_add_row_button_is_a_stale_button(slack, fake_slack, db, logs,
                                                                    action, model):
    dispute = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id))
    before = table_counts(db)
    view = submission_body(ids.PROPOSAL_MODAL, json.dumps({"v": 1, "d": dispute, "rows": 100_000_000}))["view"]
    reply = slack.payload(actions_body(
        view=view, response_url=fake_slack.response_url(),
        actions=[{"type": "button", "action_id": action, "block_id": "b", "value": "add"}]))
    assert reply.status == 200
    assert STALE in fake_slack.wait_for("response_url")[-1].args["text"]
    assert fake_slack.calls_to("views.update") == []
    assert problems_in(logs.records) == []
    assert table_counts(db) == before


def test_a_huge_row_count_in_agreement_metadata_is_refused_at_once(slack, fake_slack, db, logs):
    dispute = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id))
    before = table_counts(db)
    meta = json.dumps({"v": 1, "d": dispute, "rows": 100_000_000})
    reply = slack.payload(submission_body(ids.AGREEMENT_MODAL, meta))
    assert reply.status == 200
    assert reply.json()["response_action"] == "errors"
    assert problems_in(logs.records) == []
    assert table_counts(db) == before


@pytest.mark.parametrize("signed", [True, False])
def test_ssl_check_is_answered_200(slack, fake_slack, logs, signed):
    reply = slack.post("ssl_check=1&token=legacy", signed=signed)
    assert (reply.status, reply.body) == (200, "")
    assert problems_in(logs.records) == []
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


def raw_request(app_url: str, head: str, body: bytes = b"") -> bytes:
    """Send a request by hand and return what came back (up to the server closing or 8 KiB)."""
    address = urlsplit(app_url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        received = b""
        while b"\r\n\r\n" not in received and len(received) < 8192:
            chunk = conn.recv(8192)
            if not chunk:
                break
            received += chunk
        return received


def test_a_body_over_one_mebibyte_is_refused_before_it_is_sent(slack, logs):
    head = ("POST /slack/events HTTP/1.1\nHost: parley\n"
            "Content-Type: application/x-www-form-urlencoded\n"
            f"Content-Length: {2 * 1024 * 1024}\n")
    answer = raw_request(slack.app_url, head)  # the headers only: not one byte of the body
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert problems_in(logs.records) == []
    still_serving(slack, slack.fake)


def test_one_mebibyte_is_the_limit_exactly(slack):
    exactly = b"x=" + b"a" * (MAX_BODY_BYTES - 2)
    assert slack.post(exactly).status == 400  # read, signed, then refused for its shape
    head = f"POST /slack/events HTTP/1.1\nHost: parley\nContent-Length: {MAX_BODY_BYTES + 1}\n"
    assert raw_request(slack.app_url, head).startswith(b"HTTP/1.1 413")


def test_a_chunked_body_over_the_limit_is_refused(slack):
    head = ("POST /slack/events HTTP/1.1\nHost: parley\n"
            "Content-Type: application/x-www-form-urlencoded\nTransfer-Encoding: chunked\n")
    chunk = b"a" * 65536
    chunks = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 16 + b"1\r\na\r\n"  # 1 MiB + 1 byte
    assert raw_request(slack.app_url, head, chunks).startswith(b"HTTP/1.1 413")


def test_a_body_without_content_length_gets_411(slack, logs):
    ts = str(int(time.time()))
    head = ("POST /slack/events HTTP/1.1\nHost: parley\nConnection: close\n"
            "Content-Type: application/x-www-form-urlencoded\n"
            f"X-Slack-Request-Timestamp: {ts}\n"
            f"X-Slack-Signature: {signature(slack.secret, ts, b'')}\n")
    assert raw_request(slack.app_url, head).startswith(b"HTTP/1.1 411")
    assert problems_in(logs.records) == []


@pytest.mark.parametrize("where", ["dispatch", "request"])
def test_if_bolt_fails_anyway_the_answer_is_400_and_one_warning(slack, fake_slack, parley, logs,
                                                                monkeypatch, where):
    def explode(*args, **kwargs):
        raise KeyError("workflow_step")

    if where == "dispatch":
        monkeypatch.setattr(parley.bolt, "dispatch", explode)
    else:
        monkeypatch.setattr("bot.http.app.BoltRequest", explode)
    logs.clear()
    reply = slack.command(SAM, "help")
    assert reply.status == 400
    assert [r.exc_info for r in logs.records] == [None]
    (record,) = logs.records
    assert record.levelno == logging.WARNING and "KeyError" in record.getMessage()
    assert "help" not in record.getMessage() and "U0SAM" not in record.getMessage()


@pytest.mark.parametrize("text", ["show D-99999999999999999999999", "export D-2147483648",
                                  "show D-0000000000000000000000000000001"])
def test_a_reference_beyond_any_integer_is_not_found_politely(slack, fake_slack, db, logs, text):
    before = table_counts(db)
    assert slack.command(SAM, text).status == 200
    assert "no dispute" in fake_slack.wait_for("response_url")[-1].args["text"].lower()
    assert problems_in(logs.records) == []
    assert table_counts(db) == before
