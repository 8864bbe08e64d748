"""Forged, stale and malformed requests; failures inside handlers and from Slack."""

from __future__ import annotations

import io
import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from alembic.script import ScriptDirectory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text

from bot import version
from bot import ids
from bot.db import Database
from bot.http.app import WebApp
from bot.slack.listeners import disputes as listeners
from models import AuditEvent, Dispute, OutboxMessage
from tests.conftest import CORA, SAM
from tests.e2e.helpers import GOOD_ANSWERS, open_modal
from tests.support.databases import ROOT, upgrade
from tests.support.slack_requests import signature

COMMAND = urlencode({"command": "/dispute", "team_id": "T0HOST", "user_id": "U0SAM",
                     "channel_id": "C0SHARED", "trigger_id": "t1", "text": "help",
                     "response_url": "http://127.0.0.1:9/none"})


def count_disputes(db):
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Dispute))


@pytest.mark.parametrize("how", ["unsigned", "wrong secret", "too old", "from the future"])
def test_forged_or_stale_requests_are_refused(slack, fake_slack, how):
    kwargs = {
        "unsigned": {"signed": False},
        "wrong secret": {"secret": "not-the-secret"},
        "too old": {"timestamp": int(time.time()) - 6 * 60},
        "from the future": {"timestamp": int(time.time()) + 6 * 60},
    }[how]
    reply = slack.post(COMMAND, **kwargs)
    assert reply.status == 401
    assert fake_slack.calls == [c for c in fake_slack.calls if c.method == "auth.test"]


def test_a_tampered_body_is_refused(slack):
    ts = str(int(time.time()))
    good = signature(slack.secret, ts, COMMAND.encode())
    request = urllib.request.Request(
        slack.app_url + "/slack/events", data=(COMMAND + "x").encode(), method="POST",
        headers={"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": good,
                 "Content-Type": "application/x-www-form-urlencoded"})
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("accepted a tampered body")
    except urllib.error.HTTPError as error:
        assert error.code == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        (urlencode({"payload": json.dumps({"type": "block_actions"})}), "application/x-www-form-urlencoded"),
        (urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "U1"},
                                           "actions": [{"value": "x"}]})}), "application/x-www-form-urlencoded"),
        (urlencode({"payload": json.dumps({"type": "view_submission", "user": {"id": "U1"},
                                           "view": {"callback_id": ids.OPEN_DISPUTE_MODAL}})}),
         "application/x-www-form-urlencoded"),
        (urlencode({"command": "/dispute", "text": "help"}), "application/x-www-form-urlencoded"),
        ("{\"type\": \"event_callback\"}", "application/json"),
        ("{broken", "application/json"),
        ("[]", "application/json"),
        ("", "application/x-www-form-urlencoded"),
        (b"\xff\xfe payload".decode("latin-1"), "text/plain"),
    ],
)
def test_malformed_bodies_get_a_4xx_and_the_app_keeps_serving(slack, fake_slack, body, content_type):
    reply = slack.post(body.encode("latin-1") if "\xff" in body else body, content_type)
    assert 400 <= reply.status < 500, reply
    assert slack.command(SAM, "help").status == 200
    fake_slack.wait_for("response_url")


def test_unknown_paths_and_methods(slack):
    assert slack.post("x", path="/nope").status == 404
    try:
        urllib.request.urlopen(slack.app_url + "/slack/events", timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 405


def test_healthz_says_the_process_answers(slack):
    with urllib.request.urlopen(slack.app_url + "/healthz", timeout=5) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"ok": True}


def test_readyz_is_200_with_the_database_at_the_migrations_head(slack):
    with urllib.request.urlopen(slack.app_url + "/readyz", timeout=5) as response:
        assert response.status == 200
        found = json.loads(response.read())
    head = ScriptDirectory(str(ROOT / "migrations")).get_current_head()
    assert found == {"ok": True, "version": version(), "database": "up", "schema": f"at head ({head})",
                     "socket_mode": "off"}


def ask(app: WebApp, path: str) -> tuple[str, dict]:
    seen = {}
    body = app({"PATH_INFO": path, "REQUEST_METHOD": "GET"},
               lambda status, headers: seen.setdefault("status", status))
    return seen["status"], json.loads(b"".join(body))


def test_readyz_is_503_naming_what_is_wrong(parley, tmp_path):
    gone = WebApp(None, Database(create_engine("sqlite:////nonexistent/dir/x.db")), None)
    status, found = ask(gone, "/readyz")
    assert status.startswith("503") and found["ok"] is False and found["database"] == "down"
    assert ask(gone, "/healthz")[0].startswith("200")  # alive all the same

    never_migrated = WebApp(None, Database(create_engine(f"sqlite:///{tmp_path}/empty.db")), None)
    status, found = ask(never_migrated, "/readyz")
    assert status.startswith("503") and found["schema"].startswith("not migrated")

    behind = Database(create_engine(f"sqlite:///{tmp_path}/behind.db"))
    upgrade(behind.engine, "0001")
    status, found = ask(WebApp(None, behind, None), "/readyz")
    assert status.startswith("503") and found["schema"].startswith("at 0001, head is ")

    ahead = Database(create_engine(f"sqlite:///{tmp_path}/ahead.db"))
    upgrade(ahead.engine)
    with ahead.engine.begin() as conn:  # as a newer release's release step leaves it
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    status, found = ask(WebApp(None, ahead, None), "/readyz")
    assert status.startswith("200") and found["schema"].startswith("at 9999, newer than this release")

    socket = WebApp(None, parley.db, None)
    socket.readiness.socket_connected = lambda: False
    status, found = ask(socket, "/readyz")
    assert status.startswith("503") and found["socket_mode"] == "disconnected"
    socket.readiness.socket_connected = lambda: True
    assert ask(socket, "/readyz")[0].startswith("200")


def test_unexpected_error_gives_a_ref_logs_once_and_writes_nothing(slack, fake_slack, db, caplog,
                                                                   monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(listeners.service, "open_dispute", explode)
    view = open_modal(slack, fake_slack, SAM)
    with caplog.at_level(logging.ERROR):
        reply = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
        assert reply.status == 200
        dm = fake_slack.wait_for("chat.postMessage", 1)[-1].args
    assert dm["channel"] == SAM.id
    assert "something went wrong" in dm["text"]
    ref = dm["text"].split("ref `")[1].split("`")[0]
    records = [r for r in caplog.records if ref in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info is not None
    assert count_disputes(db) == 0


def test_failure_inside_the_transaction_rolls_everything_back(slack, fake_slack, db, monkeypatch):
    """The dispute is written, then saving its messages fails: nothing of it stays, nothing is
    posted in the channel."""
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(listeners.outbox, "say", explode)
    view = open_modal(slack, fake_slack, SAM)
    slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    dm = fake_slack.wait_for("chat.postMessage", 1)[-1].args  # the private "went wrong"
    assert dm["channel"] == SAM.id and "something went wrong" in dm["text"]
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Dispute)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_expired_trigger_is_explained_privately(slack, fake_slack):
    slack.command(SAM, "", trigger_id="expired-123")
    answer = fake_slack.wait_for("response_url")[-1].args
    assert "took too long" in answer["text"] and answer["response_type"] == "ephemeral"


def test_welcome_failure_keeps_the_dispute(slack, fake_slack, db):
    view = open_modal(slack, fake_slack, SAM)
    fake_slack.fail_next("chat.getPermalink", "internal_error")
    slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    fake_slack.wait_for("chat.postMessage", 2)
    with db.transaction() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert dispute.thread_ts and dispute.permalink is None


def test_a_non_numeric_timestamp_is_refused(slack):
    request = urllib.request.Request(
        slack.app_url + "/slack/events", data=COMMAND.encode(), method="POST",
        headers={"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=abc"})
    try:
        urllib.request.urlopen(request, timeout=5)
        raise AssertionError("accepted")
    except urllib.error.HTTPError as error:
        assert error.code == 401


def test_socket_mode_serves_health_but_not_http_events(settings, engine):
    from bot.application import create_app

    parley = create_app(settings.model_copy(update={"slack_app_token": "xapp-1-test"}), engine=engine)
    try:
        seen = {}

        def start(status, headers):
            seen["status"] = status

        parley.wsgi({"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST",
                     "CONTENT_LENGTH": "0", "wsgi.input": None}, start)
        assert seen["status"].startswith("404")
        parley.wsgi({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, start)
        assert seen["status"].startswith("200")
    finally:
        parley.close()


def test_an_uninstall_in_single_workspace_mode_is_answered_and_logged(slack, caplog):
    reply = slack.event({"type": "app_uninstalled"})
    assert reply.status == 200  # answered: Slack does not send it again
    assert any("SLACK_BOT_TOKEN no longer works" in r.getMessage() for r in caplog.records)


# ----- issue 25: a forged timestamp is a 401, never a 500 -----------------------------------------

BAD_SIGNATURE = "v0=" + "0" * 64
WEIRD_TIMESTAMPS = ["9" * 400, "-" + "9" * 400, "9" * 5000, "1e400", "inf", "-inf", "nan", "-1",
                    "1700000000.5", "0x6553f100", "", "²", "1" * 13]


@pytest.mark.parametrize("timestamp", WEIRD_TIMESTAMPS,
                         ids=lambda t: (t if len(t) <= 13 else f"{t[:3]}…{len(t)} chars") or "empty")
def test_a_forged_timestamp_of_any_shape_is_a_401(slack, fake_slack, caplog, timestamp):
    """A 400-digit timestamp used to overflow slack_sdk's float arithmetic: a 500 and a traceback."""
    reply = slack.post(COMMAND, signed=False, headers={
        "X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": BAD_SIGNATURE})
    assert reply.status == 401, reply
    assert [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []
    assert fake_slack.calls == [c for c in fake_slack.calls if c.method == "auth.test"]


# ("000{now}": 13 digits, and no Slack timestamp has more than 10 before the year 2286.)
@pytest.mark.parametrize("shape", ["+{now}", "000{now}", "{now:_}"])
def test_a_timestamp_unlike_slacks_is_refused_even_when_signed(slack, shape):
    """Slack sends Unix seconds as plain digits; int() would also take these, and slack_sdk then
    checked the signature over them. (Spaces around a header's value do not reach the app.)"""
    timestamp = shape.format(now=int(time.time()))
    body = COMMAND.encode()
    reply = slack.post(body, signed=False, headers={
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(slack.secret, timestamp, body)})
    assert reply.status == 401, (timestamp, reply)


def call_in_process(parley, timestamp: str, signature_header: str | None) -> str:
    """The app itself (no HTTP server between): a header value can hold any text here, such as
    digits of other scripts, which HTTP (latin-1 on the wire) cannot carry as such."""
    body = COMMAND.encode()
    environ = {"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST",
               "CONTENT_TYPE": "application/x-www-form-urlencoded",
               "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp}
    if signature_header is not None:
        environ["HTTP_X_SLACK_SIGNATURE"] = signature_header
    seen: list[str] = []
    b"".join(parley.wsgi(environ, lambda status, headers: seen.append(status)))
    return seen[0]


timestamps = st.one_of(
    st.integers(min_value=-(10**1000), max_value=10**1000).map(str),
    st.floats().map(str),
    st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=30),
    st.integers(min_value=0, max_value=10**30).map(lambda n: f"{n:_}"),
    st.text(max_size=40),
    st.sampled_from(WEIRD_TIMESTAMPS + ["١٧٠٠٠٠٠٠٠٠", "\x00", "1700000000\x00"]),
)


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(timestamp=timestamps,
       signature_header=st.none() | st.just(BAD_SIGNATURE) | st.text(max_size=80))
def test_no_timestamp_header_gets_an_unsigned_request_past_401(parley, caplog, timestamp,
                                                               signature_header):
    assert call_in_process(parley, timestamp, signature_header).startswith("401 ")
    assert [r for r in caplog.records if r.exc_info] == []


# ----- issue 25: Slack refusing a trigger_id it does not know ------------------------------------

def test_an_invalid_trigger_is_explained_privately_not_logged_as_an_error(slack, fake_slack, caplog):
    """views.open answers invalid_trigger_id (a replayed or hand-made request): the person is
    told, privately, that the form could not open and to try again, as for an expired trigger;
    it is no "something went wrong (ref …)" and no error in the log."""
    fake_slack.fail_next("views.open", "invalid_trigger_id")
    with caplog.at_level(logging.INFO):
        assert slack.command(SAM, "").status == 200
        answer = fake_slack.wait_for("response_url")[-1].args
    assert "took too long" in answer["text"] and "try again" in answer["text"]
    assert answer["response_type"] == "ephemeral" and "ref" not in answer["text"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert "a form was not opened: invalid_trigger_id" in [r.getMessage() for r in caplog.records]
    # Trying again, with a trigger Slack takes, opens the form.
    assert slack.command(SAM, "").status == 200
    assert fake_slack.wait_for("views.open", 2)[-1].args["view"]["callback_id"] == ids.OPEN_DISPUTE_MODAL
