"""Versioned button values / private_metadata, and the request-shape check."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from bot.payloads import OpenDisputeMeta, RaiseButton, decode
from bot.slack.envelope import Malformed, check


def test_payloads_round_trip_and_are_small():
    meta = OpenDisputeMeta(channel_id="C123")
    assert decode(OpenDisputeMeta, meta.encode()) == meta
    assert len(RaiseButton().encode()) < 20


@pytest.mark.parametrize("raw", [None, "", "nonsense", "[]", '{"v": 2, "channel_id": "C"}', '{"v": 1}'])
def test_unknown_or_old_payloads_decode_to_none(raw):
    assert decode(OpenDisputeMeta, raw) is None


def test_oversized_payloads_are_refused_when_built():
    with pytest.raises(ValueError):
        OpenDisputeMeta(channel_id="C" * 3001).encode()


def form(payload):
    return urlencode({"payload": json.dumps(payload)})


def test_good_shapes_pass():
    check(urlencode({"command": "/dispute", "team_id": "T", "user_id": "U", "channel_id": "C",
                     "trigger_id": "t", "response_url": "https://x"}), "application/x-www-form-urlencoded")
    check(form({"type": "block_actions", "user": {"id": "U"}, "actions": [{"action_id": "a"}]}), "")
    check(json.dumps({"type": "event_callback", "event": {"type": "app_home_opened"}}), "application/json")
    check(form({"type": "shortcut", "callback_id": "x"}), "")  # not ours: Bolt will 404 it


@pytest.mark.parametrize("body", [
    "payload=%7B",
    form({"type": "view_submission", "user": {"id": "U"}, "view": {"callback_id": "c", "state": {}}}),
    form({"type": "block_actions", "user": {}, "actions": []}),
    form({"no": "type"}),
    json.dumps({"type": "event_callback", "event": "x"}),
    "{",
])
def test_bad_shapes_are_malformed(body):
    with pytest.raises(Malformed):
        check(body, "application/json" if body.startswith("{") else "application/x-www-form-urlencoded")
