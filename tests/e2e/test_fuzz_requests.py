"""Property-based: whatever a signed body holds, Parley answers below 500, logs no traceback and
no error, and writes nothing for it. Three families of bodies, each over signed HTTP against the
real app: (a) arbitrary JSON; (b) Slack-shaped bodies of every kind Parley handles, with fields
deleted or replaced by the wrong type or a huge number; (c) well-formed clicks and submissions on
Parley's real action and callback ids, carrying generated button values and private_metadata,
from people who are not parties to the dispute."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import ids
from bot.services.people import Person
from tests.conftest import CLIENT_TEAM, CORA, SAM
from tests.e2e.hostile import problems_in, table_counts
from tests.fakeslack.server import BOT_USER, HOST_TEAM
from tests.support.scenarios import ratified_dispute
from tests.support.slack_requests import User, new_trigger

STRANGER = User("U0STRANGER", HOST_TEAM, "stranger")  # host workspace, party to nothing
OUTSIDER = User("U0OUTSIDER", CLIENT_TEAM, "outsider")  # connected org, party to nothing
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

FUZZ = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

ACTION_IDS = sorted({v for k, v in vars(ids).items() if isinstance(v, str) and k.isupper()
                     and not k.startswith(("B_", "A_")) and k != "COMMAND"
                     and not v.endswith("_submit") and v != ids.OPEN_DISPUTE_MODAL})
CALLBACK_IDS = sorted({v for v in vars(ids).values() if isinstance(v, str) and v.endswith("_submit")}
                      | {ids.OPEN_DISPUTE_MODAL})
BLOCK_IDS = sorted({v for k, v in vars(ids).items() if k.startswith("B_") and isinstance(v, str)}
                   - {ids.B_PARTIES})  # a valid "Raise a dispute" form would rightly open one
KEYS = ["type", "command", "user", "team", "channel", "enterprise", "actions", "view", "event",
        "authorizations", "trigger_id", "response_url", "response_urls", "container", "message",
        "team_id", "user_id", "channel_id", "event_id", "challenge", "state", "values", "id",
        "callback_id", "private_metadata", "hash", "action_id", "value", "is_enterprise_install",
        "thread_ts", "text", "function_execution_id", "item", "ssl_check", "payload"]
TYPES = ["block_actions", "view_submission", "view_closed", "event_callback", "url_verification",
         "shortcut", "message_action", "block_suggestion", "interactive_message", "ssl_check"]


# ----- strategies --------------------------------------------------------------------------------

def json_of(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda inner: (st.lists(inner, max_size=4)
                       | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), inner, max_size=5)),
        max_leaves=25,
    )


valid_scalars = (st.none() | st.booleans() | st.integers() | st.sampled_from([10**23, -(2**63), 2**31])
                 | st.floats() | st.text(max_size=20) | st.sampled_from(["\x00", "U0SAM\x00"]))
scalars = valid_scalars | st.just("\ud800")  # a lone surrogate: JSON can carry it, UTF-8 cannot
json_values = json_of(scalars)
slack_like = st.fixed_dictionaries(
    {}, optional={"type": st.sampled_from(TYPES) | scalars, "user": json_values,
                  "actions": json_values, "view": json_values, "event": json_values,
                  "command": st.just("/dispute") | scalars}
).flatmap(lambda known: st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), json_values,
                                        max_size=4).map(lambda extra: {**extra, **known}))
form_fields = st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6),
                              st.text(max_size=30) | st.sampled_from(["1", "/dispute", "block_actions"]),
                              max_size=8)
wrong = json_values | st.sampled_from([None, True, 0, -1, 1.5, 10**23, 2**31, "", "x", [], {}, [1],
                                       {"id": 5}, "\x00", "9" * 5000, [{}], {"type": 5}])


def dumps(value: Any) -> str:
    return json.dumps(value)  # ensure_ascii: lone surrogates travel as \ud800 escapes


@st.composite
def arbitrary_bodies(draw) -> tuple[str, str | None]:
    how = draw(st.sampled_from(["json", "payload", "form", "text"]))
    if how == "json":
        return dumps(draw(json_values | slack_like)), draw(st.sampled_from([JSON, FORM, ""]))
    if how == "payload":
        return urlencode({"payload": dumps(draw(json_values | slack_like))}), FORM
    if how == "form":
        return urlencode(draw(form_fields)), draw(st.sampled_from([FORM, "", "text/plain"]))
    return draw(st.text(max_size=200)), draw(st.sampled_from([JSON, FORM, "", "text/plain"]))


# Slack-shaped bodies of each kind Parley handles, as Slack would send them.

def _user(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.name, "name": user.name, "team_id": user.team_id}


def _view(callback_id: str, metadata: str) -> dict[str, Any]:
    return {"id": "V0FUZZ", "type": "modal", "team_id": HOST_TEAM, "app_installed_team_id": HOST_TEAM,
            "callback_id": callback_id, "private_metadata": metadata, "hash": "1.fuzz",
            "state": {"values": {}}, "root_view_id": "V0FUZZ", "previous_view_id": None}


def command(user: User, text: str, response_url: str) -> dict[str, Any]:
    return {"token": "legacy", "team_id": user.team_id, "team_domain": "studio", "channel_id": "C0SHARED",
            "channel_name": "studio-client", "user_id": user.id, "user_name": user.name,
            "command": "/dispute", "text": text, "api_app_id": "A0PARLEY", "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": new_trigger()}


def block_actions(user: User, action_id: str, value: str, response_url: str,
                  view: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "block_actions", "user": _user(user), "api_app_id": "A0PARLEY", "token": "legacy",
        "team": {"id": user.team_id, "domain": "x"}, "enterprise": None, "is_enterprise_install": False,
        "trigger_id": new_trigger(), "response_url": response_url,
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value,
                     "text": {"type": "plain_text", "text": "Go"}, "action_ts": "1700000000.1"}],
    }
    if view is None:
        body["container"] = {"type": "message", "message_ts": "1700000000.000001",
                             "channel_id": "C0SHARED", "is_ephemeral": False}
        body["channel"] = {"id": "C0SHARED", "name": "studio-client"}
        body["message"] = {"type": "message", "ts": "1700000000.000001", "user": BOT_USER,
                           "team": HOST_TEAM, "bot_id": "B0PARLEY", "text": "…", "blocks": []}
    else:
        body["container"] = {"type": "view", "view_id": view["id"]}
        body["view"] = view
    return body


def view_submission(user: User, callback_id: str, metadata: str,
                    values: dict[str, Any] | None = None) -> dict[str, Any]:
    view = _view(callback_id, metadata)
    view["state"] = {"values": values or {}}
    return {"type": "view_submission", "user": _user(user), "api_app_id": "A0PARLEY", "token": "legacy",
            "team": {"id": user.team_id, "domain": "x"}, "enterprise": None, "is_enterprise_install": False,
            "trigger_id": new_trigger(), "view": view, "response_urls": []}


def event(inner: dict[str, Any]) -> dict[str, Any]:
    return {"token": "legacy", "team_id": HOST_TEAM, "api_app_id": "A0PARLEY", "type": "event_callback",
            "event_id": f"Ev{new_trigger()}", "event_time": 1700000000, "event": inner,
            "is_ext_shared_channel": False, "event_context": "4-abc",
            "authorizations": [{"enterprise_id": None, "team_id": HOST_TEAM, "user_id": BOT_USER,
                                "is_bot": True, "is_enterprise_install": False}]}


def templates(dispute: int, response_url: str) -> dict[str, Callable[[], dict[str, Any]]]:
    button = dumps({"v": 1, "d": dispute})
    meta = dumps({"v": 1, "d": dispute, "rows": 1})
    return {
        "command": lambda: command(STRANGER, "list", response_url),
        "block_actions": lambda: block_actions(STRANGER, ids.PROPOSE, button, response_url),
        "block_actions in a modal": lambda: block_actions(
            STRANGER, ids.ADD_ITEM_ROW, "add", response_url, _view(ids.PROPOSAL_MODAL, meta)),
        "view_submission": lambda: view_submission(STRANGER, ids.PROPOSAL_MODAL, meta),
        "view_closed": lambda: {**view_submission(STRANGER, ids.PROPOSAL_MODAL, meta), "type": "view_closed",
                                "is_cleared": False},
        "app_home_opened": lambda: event({"type": "app_home_opened", "user": STRANGER.id,
                                          "channel": "D0STRANGER", "tab": "home", "event_ts": "1.2"}),
        "member_joined_channel": lambda: event({"type": "member_joined_channel", "user": STRANGER.id,
                                                "channel": "C0SHARED", "channel_type": "C",
                                                "team": HOST_TEAM, "event_ts": "1.2"}),
        "reaction_added": lambda: event({"type": "reaction_added", "user": STRANGER.id, "reaction": "eyes",
                                         "item": {"type": "message", "channel": "C0SHARED", "ts": "1.1"},
                                         "event_ts": "1.2"}),
        "url_verification": lambda: {"token": "legacy", "challenge": "abc", "type": "url_verification"},
    }


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def mutate(body: dict[str, Any], path: tuple[Any, ...], new: Any, delete: bool) -> None:
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = new


def encoded(body: dict[str, Any]) -> tuple[str, str]:
    if "command" in body and all(isinstance(v, str) for v in body.values()):
        return urlencode(body, errors="surrogatepass"), FORM  # a lone surrogate: bytes that are not UTF-8
    if body.get("type") in ("block_actions", "view_submission", "view_closed") and "command" not in body:
        return urlencode({"payload": dumps(body)}), FORM
    return dumps(body), JSON


# Values a button or a modal's private_metadata might carry back: mostly valid-looking.

def ids_near(dispute: int) -> st.SearchStrategy[int]:
    return st.integers() | st.sampled_from([dispute, dispute + 1, 0, -1, 2**31 - 1, 2**31, 10**23])


def carried_values(dispute: int) -> st.SearchStrategy[str]:
    near = ids_near(dispute)
    looks_right = st.fixed_dictionaries(
        {"v": st.sampled_from([1, 1, 1, 2, "1", None])},
        optional={"d": near, "p": near, "a": near, "c": near, "i": near, "counter": near,
                  "rows": st.integers() | st.sampled_from([1, 5, 6, 100_000_000]),
                  "h": st.text(max_size=70) | st.text("0123456789abcdef", min_size=64, max_size=64),
                  "tone": st.text(max_size=80), "channel_id": st.sampled_from(["C0SHARED", "C0INTERNAL", "x"]),
                  "channel": st.sampled_from(["C0SHARED", "C0INTERNAL", "x"])},
    ).map(dumps)
    return looks_right | json_of(valid_scalars).map(dumps) | st.text(max_size=40)


state_values = st.dictionaries(
    st.sampled_from(BLOCK_IDS) | st.text(max_size=6),
    st.dictionaries(st.text(max_size=20) | st.sampled_from([v for k, v in vars(ids).items()
                                                            if k.startswith("A_") and isinstance(v, str)]),
                    st.dictionaries(st.sampled_from(["type", "value", "selected_option", "selected_user",
                                                     "selected_users", "selected_date", "selected_options",
                                                     "selected_conversation"]),
                                    json_of(valid_scalars), max_size=3),
                    max_size=2),
    max_size=4)


# ----- the app under test, and the checks made after every example --------------------------------

@pytest.fixture
def world(slack, fake_slack, db, caplog):
    """A ratified dispute between Sam and Cora, two people who are party to nothing, and a
    `send` that posts one signed body and checks everything that must hold after it."""
    fake_slack.add_user(STRANGER.id, STRANGER.team_id, name=STRANGER.name)
    fake_slack.add_user(OUTSIDER.id, OUTSIDER.team_id, name=OUTSIDER.name)
    dispute = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id))
    baseline = table_counts(db)
    caplog.set_level(logging.INFO)

    def send(body: str, content_type: str | None) -> int:
        caplog.clear()
        reply = slack.post(body, content_type or "")
        assert reply.status < 500, reply
        assert problems_in(caplog.records) == []
        assert table_counts(db) == baseline
        return reply.status

    return dispute, send, fake_slack.response_url()


@FUZZ
@given(body=arbitrary_bodies())
def test_arbitrary_json_and_forms(world, body):
    _, send, _ = world
    send(*body)


@FUZZ
@given(data=st.data())
def test_slack_shaped_bodies_with_wrong_fields(world, data):
    dispute, send, response_url = world
    kinds = templates(dispute, response_url)
    body = kinds[data.draw(st.sampled_from(sorted(kinds)), label="kind")]()
    for _ in range(data.draw(st.integers(0, 3), label="changes")):
        found = paths(body)
        if not found:
            break
        path = data.draw(st.sampled_from(found), label="path")
        new = copy.deepcopy(data.draw(wrong, label="new value"))  # sampled_from shares its objects
        mutate(body, path, new, data.draw(st.booleans(), label="delete"))
    send(*encoded(body))


@FUZZ
@given(data=st.data())
def test_real_buttons_and_forms_with_generated_values_from_non_parties(world, data):
    dispute, send, response_url = world
    user = data.draw(st.sampled_from([STRANGER, OUTSIDER]), label="user")
    value = data.draw(carried_values(dispute), label="value")
    if data.draw(st.booleans(), label="click"):
        action = data.draw(st.sampled_from(ACTION_IDS), label="action_id")
        view = None
        if data.draw(st.booleans(), label="in a modal"):
            callback = data.draw(st.sampled_from(CALLBACK_IDS), label="callback_id")
            view = _view(callback, data.draw(carried_values(dispute), label="private_metadata"))
        body = block_actions(user, action, value, response_url, view)
    else:
        callback = data.draw(st.sampled_from(CALLBACK_IDS), label="callback_id")
        body = view_submission(user, callback, value, data.draw(state_values, label="state"))
    status = send(*encoded(body))
    if len(value) <= 2000:  # well formed: answered (politely; 404 where nobody listens), not refused
        assert status in (200, 404)
