"""Versioned button values / private_metadata, and the request-shape check."""

from __future__ import annotations

import io
import json
import logging
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import payloads
from bot.http.app import MAX_BODY_BYTES, WebApp, waitress_options
from bot.http.envelope import MAX_DEPTH, Malformed, check
from bot.payloads import (
    AgreementButton,
    AgreementMeta,
    CheckInAnswer,
    DisputeButton,
    OpenDisputeMeta,
    PerspectiveMeta,
    ProposalMeta,
    RaiseButton,
    SettingsMeta,
    decode,
)
from bot.services import proposals
from bot.slack.forms import agreement_form, form_state

ALL_PAYLOADS = [m for m in vars(payloads).values()
                if isinstance(m, type) and issubclass(m, payloads.Payload) and m is not payloads.Payload]
FORM = "application/x-www-form-urlencoded"


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


# ----- bounds on what comes back from Slack -------------------------------------------------

BIGGEST = 2**31 - 1  # PostgreSQL integer


@pytest.mark.parametrize(("model", "raw"), [
    (DisputeButton, {"d": 10**23}),
    (DisputeButton, {"d": BIGGEST + 1}),
    (DisputeButton, {"d": 0}),
    (DisputeButton, {"d": -1}),
    (CheckInAnswer, {"d": 1, "c": 1, "i": 10**23}),
    (CheckInAnswer, {"d": 1, "c": -5, "i": 1}),
    (ProposalMeta, {"d": 1, "rows": 100_000_000}),
    (ProposalMeta, {"d": 1, "rows": 0}),
    (ProposalMeta, {"d": 1, "rows": payloads.MAX_ITEMS + 1}),
    (ProposalMeta, {"d": 1, "counter": 10**23}),
    (ProposalMeta, {"d": 1, "tone": "t" * 65}),
    (AgreementMeta, {"d": 1, "rows": 100_000_000}),
    (AgreementMeta, {"d": 1, "p": BIGGEST + 1}),
    (AgreementButton, {"d": 1, "a": 1, "h": "h"}),
    (AgreementButton, {"d": 1, "a": 1, "h": "A" * 64}),
    (AgreementButton, {"d": 1, "a": 1, "h": "a" * 65}),
    (OpenDisputeMeta, {"channel_id": "not a channel"}),
    (OpenDisputeMeta, {"channel_id": "U0SAM"}),
    (SettingsMeta, {"channel": "C0SHARED\x00"}),
    (PerspectiveMeta, {"d": 1, "tone": "x" * 10_000}),
])
def test_values_that_do_not_fit_are_unreadable(model, raw):
    assert decode(model, json.dumps({"v": 1, **raw})) is None


@pytest.mark.parametrize(("model", "raw"), [
    (DisputeButton, {"d": BIGGEST}),
    (DisputeButton, {"d": 1}),
    (ProposalMeta, {"d": 1, "counter": 2, "rows": payloads.MAX_ITEMS, "tone": "t" * 64}),
    (AgreementMeta, {"d": 1, "p": 3, "rows": 1}),
    (AgreementButton, {"d": 1, "a": 1, "h": "0123456789abcdef" * 4}),
    (OpenDisputeMeta, {"channel_id": "C0SHARED"}),
    (OpenDisputeMeta, {"channel_id": "C1"}),
    (OpenDisputeMeta, {"channel_id": "G0PRIVATE"}),
    (SettingsMeta, {"channel": "D0DM"}),
])
def test_values_within_bounds_are_read(model, raw):
    assert decode(model, json.dumps({"v": 1, **raw})) is not None


def test_max_items_mirrors_the_services_constant():
    assert payloads.MAX_ITEMS == proposals.MAX_ITEMS


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(model=st.sampled_from(ALL_PAYLOADS), raw=st.text() | st.binary().map(lambda b: b.decode("latin-1")))
def test_decode_never_raises_on_any_text(model, raw):
    assert decode(model, raw) is None or isinstance(decode(model, raw), model)


@settings(max_examples=300, deadline=None)
@given(model=st.sampled_from(ALL_PAYLOADS),
       value=st.fixed_dictionaries({"v": st.sampled_from([1, 2, "1", None])},
                                   optional={k: json_values | st.integers() for k in
                                             ("d", "p", "a", "c", "i", "counter", "rows", "h", "tone",
                                              "channel", "channel_id")}))
def test_decode_never_raises_on_json_that_looks_right(model, value):
    decode(model, json.dumps(value))


@pytest.mark.parametrize("raw", [
    "[" * 100_000 + "]" * 100_000,
    '{"v":' * 100_000 + "1" + "}" * 100_000,
    '{"v": 1, "d": ' + "9" * 10_000 + "}",
    '{"v": 1, "d": 1e999}',
    '{"v": 1, "d": NaN}',
    '{"v": 1, "channel_id": "\\ud800"}',
    b'{"v": 1, "d": 1}',
    12,
    ["x"],
])
def test_decode_never_raises_on_hostile_input(raw):
    assert decode(DisputeButton, raw) in (None, DisputeButton(d=1))


# ----- reading modal state ---------------------------------------------------------------------

def test_form_state_never_raises_and_reads_only_what_fits():
    values = {"b": {"a": {"value": "a\x00b ", "selected_user": "U0SAM\x00", "selected_date": "2026-13-99x",
                          "selected_users": ["U0SAM", "nobody", 5], "selected_conversation": "C0X",
                          "selected_options": [{"value": "7"}, {"value": 3}, "x"]}},
              "odd": ["not", "a", "dict"], "odder": {"a": "not a dict"}}
    assert form_state.text(values, "b", "a") == "ab"
    assert form_state.user(values, "b", "a") is None
    assert form_state.users(values, "b", "a") == ["U0SAM"]
    assert form_state.date(values, "b", "a") is None
    assert form_state.conversation(values, "b", "a") == "C0X"
    assert form_state.checked(values, "b", "a") == ["7"]
    for read in (form_state.text, form_state.selected, form_state.user, form_state.users,
                 form_state.date, form_state.checked, form_state.conversation):
        for block in ("odd", "odder", "missing"):
            read(values, block, "a")
        read(None, "b", "a")
        read(["x"], "b", "a")


def test_agreement_checkin_days_ignore_what_is_not_a_plain_number():
    from bot import ids

    options = [{"value": v} for v in ("7", "²", "٣", "9" * 5000, "-1", "14")]
    values = {ids.B_AG_CHECKINS: {ids.A_AG_CHECKINS: {"selected_options": options}}}
    assert agreement_form.read_values(values, 1).checkin_days == [7, 14]


# ----- the request envelope --------------------------------------------------------------------

def form(payload):
    return urlencode({"payload": json.dumps(payload)})


USER = {"id": "U0SAM", "team_id": "T0HOST"}
VIEW = {"id": "V1", "type": "modal", "callback_id": "c", "hash": "h", "private_metadata": "",
        "state": {"values": {"b": {"a": {"type": "plain_text_input", "value": "x"}}}}}
COMMAND = {"command": "/dispute", "team_id": "T0HOST", "user_id": "U0SAM", "channel_id": "C0SHARED",
           "trigger_id": "t", "response_url": "https://hooks.slack.com/x", "text": "help"}
EVENT = {"type": "event_callback", "event_id": "Ev1", "team_id": "T0HOST",
         "event": {"type": "app_home_opened", "user": "U0SAM", "tab": "home"},
         "authorizations": [{"team_id": "T0HOST", "user_id": "U0PARLEY", "enterprise_id": None,
                             "is_bot": True, "is_enterprise_install": False}]}
ACTIONS = {"type": "block_actions", "user": USER, "team": {"id": "T0HOST"}, "trigger_id": "t",
           "actions": [{"action_id": "a", "value": "v"}], "channel": {"id": "C0SHARED"},
           "container": {"type": "message", "channel_id": "C0SHARED"},
           "message": {"ts": "1.2", "user": "U0PARLEY", "team": "T0HOST"},
           "response_url": "https://hooks.slack.com/x"}
SUBMISSION = {"type": "view_submission", "user": USER, "team": {"id": "T0HOST"}, "trigger_id": "t",
              "view": {**VIEW, "app_installed_team_id": "T0HOST"}, "response_urls": []}


def test_good_shapes_pass():
    check(urlencode(COMMAND), FORM)
    check(json.dumps(COMMAND), "application/json")  # Bolt takes a JSON body for a command too
    check(form(ACTIONS), "")
    check(form({**ACTIONS, "view": VIEW, "channel": None}), "")  # a button in a modal
    check(form(SUBMISSION), FORM)
    check(form({"type": "view_closed", "user": USER, "view": VIEW}), FORM)
    check(json.dumps(EVENT), "application/json")
    check(json.dumps({**EVENT, "event": {"type": "member_joined_channel", "user": "U0PARLEY",
                                         "channel": "C0SHARED"}}), "application/json")
    check(json.dumps({**EVENT, "event": {"type": "reaction_added", "user": "U0SAM",
                                         "item": {"channel": "C0SHARED"}}}), "application/json")
    check(json.dumps({"type": "url_verification", "challenge": "abc", "token": "x"}), "application/json")


# An Enterprise Grid org-wide installation's own events: its organization, no workspace
# (bolt-python's tests/scenario_tests/test_events_token_revocations.py).
ORG_WIDE = {"token": "verification-token", "enterprise_id": "E111", "api_app_id": "A111",
            "event": {"type": "app_uninstalled"}, "type": "event_callback", "event_id": "Ev111",
            "event_time": 1606805974}
REVOKED = {"type": "tokens_revoked", "tokens": {"oauth": ["W111"], "bot": ["W222"]}}


def test_an_org_wide_installation_s_uninstall_and_revocation_name_its_organization_only():
    for body in (ORG_WIDE, {**ORG_WIDE, "event": REVOKED},
                 {**ORG_WIDE, "team_id": None, "is_enterprise_install": True,
                  "authorizations": [{"enterprise_id": "E111", "team_id": None, "user_id": "W222",
                                      "is_bot": True, "is_enterprise_install": True}]},
                 {**EVENT, "event": REVOKED}):  # a workspace's
        check(json.dumps(body), "application/json")


@pytest.mark.parametrize(("body", "message"), [
    ({k: v for k, v in ORG_WIDE.items() if k != "enterprise_id"}, "body: team_id required"),
    ({**ORG_WIDE, "enterprise_id": None, "team_id": None}, "body: team_id required"),
    ({**ORG_WIDE, "event": {"type": "app_home_opened", "user": "U0SAM"}},
     "body: team_id required"),
    ({**ORG_WIDE, "event": {"type": "member_joined_channel", "user": "U0SAM",
                            "channel": "C0SHARED"}}, "body: team_id required"),  # in a workspace
    ({**ORG_WIDE, "enterprise_id": 5}, "enterprise_id: Input should be a valid string"),
    ({**ORG_WIDE, "enterprise_id": "e-lower"}, "enterprise_id: String should match pattern"),
    ({**ORG_WIDE, "event": {"type": "tokens_revoked", "tokens": "x"}}, "event.tokens"),
    ({**ORG_WIDE, "event": {"type": "tokens_revoked", "tokens": {"bot": "W222"}}},
     "event.tokens.bot"),
    ({**ORG_WIDE, "event": {"type": "tokens_revoked", "tokens": {"oauth": [5]}}},
     "event.tokens.oauth.0"),
])
def test_an_event_must_name_its_workspace_or_for_an_installation_s_own_events_its_organization(
        body, message):
    with pytest.raises(Malformed) as caught:
        check(json.dumps(body), "application/json")
    assert f"malformed event_callback: {message}" in str(caught.value)


def test_the_body_is_parsed_as_bolt_parses_it():
    # Bolt takes a body that starts with "{" as JSON whatever its content type...
    assert check(json.dumps(EVENT), FORM)["event_id"] == "Ev1"
    # ...and a body with "payload" anywhere in it as a form with a payload field (here, none).
    with pytest.raises(Malformed, match="no type"):
        check(urlencode({**COMMAND, "text": "payload"}), FORM)
    # Only exactly application/json (without parameters, split off by the caller) means JSON.
    with pytest.raises(Malformed):
        check(" " + json.dumps(EVENT), "application/json; charset=utf-8")


@pytest.mark.parametrize(("body", "message"), [
    (form({"type": "block_actions", "user": USER, "trigger_id": "t", "actions": []}),
     "malformed block_actions: actions: List should have at least 1 item"),
    (form({**SUBMISSION, "view": {k: v for k, v in VIEW.items() if k != "type"}}),
     "malformed view_submission: view.type: Field required"),
    (form({"type": "shortcut", "callback_id": "x"}), "unsupported request type"),
    (form({"no": "type"}), "unknown request: no type"),
    ("payload=%7B", "not valid JSON"),
    ("payload=" + "%5B" * 100_000, "nested"),
    (json.dumps({"type": "event_callback", "event": "x"}), "malformed event_callback"),
    ("{", "not valid JSON"),
    ("[1]", "JSON object"),
    ("", "no type"),
])
def test_bad_shapes_are_malformed_with_a_short_message(body, message):
    with pytest.raises(Malformed) as caught:
        check(body, "application/json" if body[:1] in "{[" else FORM)
    assert message in str(caught.value)
    assert len(str(caught.value)) < 300


def nested(depth):
    value = {"x": 1}
    for _ in range(depth - 1):
        value = {"x": value}
    return value


@pytest.mark.parametrize("body", [
    # Bolt's build_context and payload helpers
    {**ACTIONS, "actions": [{"value": "x"}]},
    {**ACTIONS, "actions": ["not a dict"]},
    {**ACTIONS, "actions": {"action_id": "a"}},
    {**ACTIONS, "enterprise": 5},
    {**ACTIONS, "enterprise": ["id"]},
    {**ACTIONS, "team": "T0HOST"},  # Parley's actor_from_body reads team as an object
    {**ACTIONS, "user": "U0SAM"},
    {**ACTIONS, "user": {"id": 5}},
    {**ACTIONS, "channel": "C0SHARED"},
    {**ACTIONS, "channel": {"id": "U0SAM"}},
    {**ACTIONS, "authorizations": [5]},
    {**ACTIONS, "authorizations": {"team_id": "T"}},
    {**ACTIONS, "authorizations": [{"team_id": "T", "is_enterprise_install": "yes"}]},
    {**ACTIONS, "authorizations": [{"team_id": "T", "authorizations": [{"team_id": 5}]}]},
    {**ACTIONS, "event": "x"},
    {**ACTIONS, "response_url": 5},
    {**ACTIONS, "response_url": "not a url"},
    {**ACTIONS, "response_url": "http://[::1"},
    {**ACTIONS, "response_url": "https://x:99999999/"},
    {**ACTIONS, "response_url": "https://a..b/x"},  # UnicodeError (a ValueError) from the socket layer
    {**ACTIONS, "response_url": "https://" + "x" * 64 + ".com/"},
    {**ACTIONS, "response_urls": [{"response_url": None}]},
    {**ACTIONS, "message": {"user": 5}},
    {**ACTIONS, "thread_ts": 5},
    {**ACTIONS, "function_execution_id": 5},
    # what Parley's listeners read
    {**ACTIONS, "trigger_id": None},
    {k: v for k, v in ACTIONS.items() if k != "trigger_id"},
    {**ACTIONS, "view": {**VIEW, "id": None}},
    {**ACTIONS, "view": {**VIEW, "state": {"values": {"b": ["x"]}}}},
    {**ACTIONS, "view": {**VIEW, "private_metadata": 5}},
    {**ACTIONS, "actions": [{"action_id": "a", "value": 5}]},
    {**ACTIONS, "actions": [{"action_id": "a" * 256}]},
    {**ACTIONS, "container": {"channel_id": "not a channel"}},
    {**SUBMISSION, "view": {**VIEW, "type": "workflow_step"}},
    {**SUBMISSION, "view": {**VIEW, "state": {"values": {"b": {"a": "x"}}}}},
    {**SUBMISSION, "view": {**VIEW, "state": None}},
    {**SUBMISSION, "view": {**VIEW, "hash": 5}},
    {**SUBMISSION, "view": {**VIEW, "callback_id": ["x"]}},
    {**SUBMISSION, "view": {**VIEW, "app_installed_team_id": 5}},
    {**SUBMISSION, "user": {"id": "U0SAM\x00"}},
    {**SUBMISSION, "user": {"id": "U0SAM", "team_id": "t-lower"}},
    {**SUBMISSION, "trigger_id": 5},
    {**SUBMISSION, "deep": nested(MAX_DEPTH)},
    {**SUBMISSION, "text": "\ud800"},
    {**SUBMISSION, "\udfff": "key"},
    {**EVENT, "event": {"type": "app_home_opened"}},
    {**EVENT, "event": {"type": "app_home_opened", "user": {"id": "U0SAM"}}},
    {**EVENT, "event": {"type": "app_home_opened", "user": "U0SAM", "tab": 5}},
    {**EVENT, "event": {"type": "member_joined_channel", "user": "U0SAM"}},
    {**EVENT, "event": {"type": "member_joined_channel", "user": "U0SAM", "channel": 5}},
    {**EVENT, "event": {"type": 5}},
    {**EVENT, "event": {"type": "message", "message": "x"}},
    {**EVENT, "event": {"type": "message", "item": {"channel": 5}}},
    {**EVENT, "event": {"type": "message", "bot_id": 5}},
    {**EVENT, "event_id": None},
    {**EVENT, "team_id": 5},
    {**EVENT, "user": "U0SAM"},
    {**EVENT, "is_ext_shared_channel": "yes"},
    {"type": "url_verification"},
    {"type": "url_verification", "challenge": {"x": 1}},
    {**COMMAND, "text": None},
    {**COMMAND, "text": 5},
    {**COMMAND, "channel_name": None},
    {**COMMAND, "channel_id": "U0SAM"},
    {**COMMAND, "team_id": ""},
    {**COMMAND, "user_team_id": 5},
    {**COMMAND, "response_url": "javascript:alert(1)"},
    {**COMMAND, "event": "x"},
    {**COMMAND, "view": "x"},
])
def test_shapes_that_would_trip_bolt_or_parley_are_malformed(body):
    with pytest.raises(Malformed):
        check(form(body), FORM)
    with pytest.raises(Malformed):
        check(json.dumps(body), "application/json")


def test_a_form_command_with_fields_of_other_kinds_is_malformed():
    with pytest.raises(Malformed):
        check(urlencode({**COMMAND, "event": "x"}), FORM)
    with pytest.raises(Malformed):
        check(urlencode({**COMMAND, "user": "U0SAM"}), FORM)


def test_nesting_is_allowed_up_to_the_limit():
    check(json.dumps({**EVENT, "deep": nested(MAX_DEPTH - 1)}), "application/json")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.text() | json_values.map(json.dumps) | json_values.map(lambda v: form(v)),
       content_type=st.sampled_from(["application/json", FORM, "", None, "text/plain"]))
def test_check_raises_only_malformed(body, content_type):
    try:
        check(body, content_type)
    except Malformed:
        pass


# ----- the WSGI layer: size limits before the body is read ------------------------------------------

class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")


def call(environ):
    app = WebApp(bolt=object(), db=None, signing_secret="secret")  # type: ignore[arg-type]
    seen = {}
    body = b"".join(app({"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST", **environ},
                        lambda status, headers: seen.setdefault("status", status)))
    return int(seen["status"].split()[0]), body


def test_a_body_without_content_length_is_411():
    assert call({"wsgi.input": Unreadable()})[0] == 411
    assert call({"wsgi.input": Unreadable(), "CONTENT_LENGTH": ""})[0] == 411


@pytest.mark.parametrize("length", [MAX_BODY_BYTES + 1, 2 * 1024 * 1024, 10**12, "9" * 5000])
def test_a_body_over_the_limit_is_413_without_being_read(length):
    assert call({"wsgi.input": Unreadable(), "CONTENT_LENGTH": str(length)})[0] == 413


@pytest.mark.parametrize("length", ["-1", "x", "1e3", "1_0", "+1", " 1", "١"])
def test_a_bad_content_length_is_400(length):
    assert call({"wsgi.input": Unreadable(), "CONTENT_LENGTH": length})[0] == 400


def test_exactly_content_length_bytes_are_read():
    stream = io.BytesIO(b"ssl_check=1&token=x" + b"&more" * 1000)
    assert call({"wsgi.input": stream, "CONTENT_LENGTH": "19"}) == (200, b"")
    assert stream.tell() == 19
    assert call({"wsgi.input": io.BytesIO(b"short"), "CONTENT_LENGTH": "50"})[0] == 400


def test_the_limit_is_one_mebibyte_in_the_app_and_in_waitress():
    assert MAX_BODY_BYTES == 1_048_576
    # waitress refuses a body of max_request_body_size bytes *or more*
    assert waitress_options(4)["max_request_body_size"] == MAX_BODY_BYTES + 1
    assert waitress_options(4)["threads"] == 4


def test_ssl_check_is_answered_before_the_signature_check(caplog):
    with caplog.at_level(logging.DEBUG):
        assert call({"wsgi.input": io.BytesIO(b"ssl_check=1&token=x"), "CONTENT_LENGTH": "19"}) == (200, b"")
    for body in (b"ssl_check=1&command=%2Fdispute", b"ssl_check=1&payload=%7B%7D", b'{"ssl_check": "1"}',
                 b"ssl_check=0"):
        assert call({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})[0] == 401
