"""The fake Slack's message metadata, conversations.history/replies, lost answers and outages."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.client import RemoteDisconnected

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.web_client import KeepAliveWebClient
from tests.fakeslack import FakeSlack

TOKEN = "xoxb-test-token"
META = {"event_type": "parley_post", "event_payload": {"dispute": 7, "kind": "welcome"}}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=TOKEN).start()
    fake.add_channel("C1")
    fake.add_channel("C2")
    yield fake
    fake.stop()
    assert fake.violations == []


def client_for(fake: FakeSlack, **kwargs: object) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_ts_follow_the_wall_clock_and_always_increase(fake: FakeSlack):
    client = client_for(fake)
    before = time.time()
    stamps = [client.chat_postMessage(channel="C1", text=str(n))["ts"] for n in range(20)]
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)
    assert [float(ts) for ts in stamps] == sorted({float(ts) for ts in stamps})
    assert before - 1 < float(stamps[0]) < time.time() + 1


def test_metadata_json_and_form_encoded_is_kept_and_shown_only_when_asked(fake: FakeSlack):
    client = client_for(fake)
    answer = client.chat_postMessage(channel="C1", text="json", metadata=META)  # JSON body
    assert answer["message"]["metadata"] == META
    form = client.api_call("chat.postMessage", data={"channel": "C1", "text": "form",
                                                     "metadata": '{"event_type": "x", "event_payload": {"a": 1}}'})
    assert form["message"]["metadata"] == {"event_type": "x", "event_payload": {"a": 1}}
    assert [m["metadata"] for m in fake.messages_in("C1")] == [META, {"event_type": "x", "event_payload": {"a": 1}}]
    plain = client.conversations_history(channel="C1")["messages"]
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [m.get("metadata") for m in full] == [{"event_type": "x", "event_payload": {"a": 1}}, META]
    replies = client.conversations_replies(channel="C1", ts=answer["ts"], include_all_metadata="true")
    assert replies["messages"][0]["metadata"] == META


def test_malformed_metadata_is_refused_like_slack(fake: FakeSlack):
    client = client_for(fake)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="x", metadata={"event_payload": {}})
    assert raised.value.response["error"] == "invalid_metadata_format"
    assert fake.messages_in("C1") == []
    fake.violations.clear()


def test_replies_are_the_root_then_its_replies_in_order_with_pages(fake: FakeSlack):
    client = client_for(fake)
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    client.chat_postMessage(channel="C1", text="elsewhere")
    replies = [client.chat_postMessage(channel="C1", text=f"r{n}", thread_ts=root)["ts"] for n in range(4)]
    whole = client.conversations_replies(channel="C1", ts=root)
    assert [m["ts"] for m in whole["messages"]] == [root, *replies]
    assert whole["messages"][0]["reply_count"] == 4 and whole["has_more"] is False
    assert whole["response_metadata"]["next_cursor"] == ""
    seen, cursor = [], None
    while True:
        page = client.conversations_replies(channel="C1", ts=root, limit=2, cursor=cursor)
        seen += [m["text"] for m in page["messages"]]
        cursor = page["response_metadata"]["next_cursor"]
        assert page["has_more"] == bool(cursor)
        if not cursor:
            break
    assert seen == ["root", "r0", "r1", "r2", "r3"]
    by_reply = client.conversations_replies(channel="C1", ts=replies[2])  # a reply's ts: its thread
    assert [m["ts"] for m in by_reply["messages"]] == [root, *replies]
    assert [m["ts"] for m in fake.messages_in("C1", root)] == replies


def test_history_is_top_level_newest_first_within_the_window(fake: FakeSlack):
    client = client_for(fake)
    first = client.chat_postMessage(channel="C1", text="first")["ts"]
    client.chat_postMessage(channel="C1", text="reply", thread_ts=first)
    client.chat_postMessage(channel="C2", text="other channel")
    middle = time.time()
    second = client.chat_postMessage(channel="C1", text="second")["ts"]
    third = client.chat_postMessage(channel="C1", text="third")["ts"]
    messages = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in messages] == ["third", "second", "first"]
    assert messages[2]["thread_ts"] == first and messages[2]["reply_count"] == 1
    assert [m["ts"] for m in client.conversations_history(channel="C1", oldest=str(middle))["messages"]] == [third, second]
    assert [m["ts"] for m in client.conversations_history(channel="C1", oldest=second)["messages"]] == [third]
    inclusive = client.conversations_history(channel="C1", oldest=second, latest=third, inclusive=True)
    assert [m["ts"] for m in inclusive["messages"]] == [third, second]
    assert client.conversations_history(channel="C1", latest=second)["messages"][0]["ts"] == first
    page = client.conversations_history(channel="C1", limit=2)
    assert page["has_more"] and len(page["messages"]) == 2
    rest = client.conversations_history(channel="C1", limit=2, cursor=page["response_metadata"]["next_cursor"])
    assert [m["ts"] for m in rest["messages"]] == [first] and not rest["has_more"]
    assert [m["text"] for m in fake.messages_in("C1")] == ["first", "second", "third"]


def test_unknown_channel_and_thread(fake: FakeSlack):
    client = client_for(fake)
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    for call in (lambda: client.conversations_history(channel="C404"),
                 lambda: client.conversations_replies(channel="C404", ts=root)):
        with pytest.raises(SlackApiError) as raised:
            call()
        assert raised.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as raised:
        client.conversations_replies(channel="C1", ts="1.000001")
    assert raised.value.response["error"] == "thread_not_found"
    with pytest.raises(SlackApiError) as raised:
        client.conversations_replies(channel="C2", ts=root)
    assert raised.value.response["error"] == "thread_not_found"


def test_a_seeded_root_can_be_read_back(fake: FakeSlack):
    client = client_for(fake)
    client.chat_postMessage(channel="C1", text="reply", thread_ts="1700000500.000001")
    fake.add_message("C1", "seeded root", ts="1700000500.000001")
    thread = client.conversations_replies(channel="C1", ts="1700000500.000001")["messages"]
    assert [m["text"] for m in thread] == ["seeded root", "reply"]


def test_a_lost_answer_does_the_work_and_drops_the_connection(fake: FakeSlack, capfd: pytest.CaptureFixture[str]):
    client = client_for(fake, retry_handlers=[])
    fake.fail_next("chat.postMessage", lost=True)
    with pytest.raises(RemoteDisconnected):
        client.chat_postMessage(channel="C1", text="hello", metadata=META)
    [call] = fake.calls_to("chat.postMessage")
    assert call.args["_accepted"] and call.args["_lost"]
    [stored] = fake.messages_in("C1")
    assert stored["text"] == "hello" and stored["metadata"] == META
    assert client.chat_postMessage(channel="C1", text="again")["ok"]  # the next call is answered
    assert "Traceback" not in capfd.readouterr().err


def test_a_lost_answer_on_a_kept_alive_connection_and_a_retry_duplicates(fake: FakeSlack):
    client = KeepAliveWebClient(token=TOKEN, base_url=fake.base_url, timeout=5)  # default retries
    assert client.auth_test()["ok"]
    fake.fail_next("chat.postMessage", lost=True)
    assert client.chat_postMessage(channel="C1", text="once")["ok"]  # retried after the lost answer
    assert [m["text"] for m in fake.messages_in("C1")] == ["once", "once"]
    assert sum(1 for c in fake.calls_to("chat.postMessage") if c.args.get("_accepted")) == 2


def test_fail_next_works_for_the_read_methods(fake: FakeSlack):
    client = client_for(fake, retry_handlers=[])
    root = client.chat_postMessage(channel="C1", text="root")["ts"]
    fake.fail_next("conversations.history", "internal_error")
    fake.fail_next("conversations.replies", status=503)
    with pytest.raises(SlackApiError) as raised:
        client.conversations_history(channel="C1")
    assert raised.value.response["error"] == "internal_error"
    with pytest.raises(SlackApiError) as raised:
        client.conversations_replies(channel="C1", ts=root)
    assert raised.value.response.status_code == 503
    fake.fail_next("conversations.history", lost=True)
    with pytest.raises(RemoteDisconnected):
        client.conversations_history(channel="C1")
    assert client.conversations_history(channel="C1")["messages"][0]["ts"] == root


def test_an_outage_refuses_everything_but_auth_test_until_up(fake: FakeSlack):
    client = client_for(fake, retry_handlers=[])
    fake.down()
    assert client.auth_test()["ok"]
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="during")
    assert raised.value.response.status_code == 503
    assert raised.value.response["error"] == "fatal_error"
    with pytest.raises(SlackApiError):
        client.conversations_history(channel="C1")
    fake.down(status=500)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="during")
    assert raised.value.response.status_code == 500
    assert fake.messages_in("C1") == []
    fake.up()
    assert client.chat_postMessage(channel="C1", text="after")["ok"]
    posts = fake.calls_to("chat.postMessage")
    assert [c.args.get("_refused", False) for c in posts] == [True, True, False]
    assert [c.args["text"] for c in posts if c.args.get("_accepted")] == ["after"]
    assert [m["text"] for m in fake.messages_in("C1")] == ["after"]
