"""bot/blocks/mrkdwn.py: people's text can never become markup; Parley's own tokens stay tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.blocks.mrkdwn import (
    Mrkdwn,
    channel_link,
    escape,
    link,
    md,
    mention,
    quoted,
    slack_date,
    truncate,
    unescape,
)
from bot.blocks.text import context, mrkdwn, section
from bot.services.people_text import flat
from bot.slack.outgoing import guard

# Text people could type, weighted towards what Slack treats specially.
typed = st.text(alphabet=st.sampled_from("<>&|!@#^:/ \n*_~`abcUCW0123") | st.characters(), max_size=200)


@given(typed)
def test_escaped_text_has_no_markup_and_reads_as_typed(text):
    safe = escape(text)
    assert "<" not in safe and ">" not in safe
    assert re.search(r"&(?!amp;|lt;|gt;)", safe) is None
    assert unescape(safe) == text


@given(typed, typed)
def test_values_in_a_template_are_escaped_and_the_template_is_kept(who, what):
    text = md("{who} says “{what}” to {someone}", who=who, what=what, someone=mention("U0SAM"))
    assert isinstance(text, Mrkdwn)
    assert re.findall(r"<[^<>]*>", text) == ["<@U0SAM>"]
    assert unescape(text) == f"{flat(who)} says “{flat(what)}” to <@U0SAM>"
    assert "\n" not in text  # a value never starts a line of its own


@given(typed)
def test_quoted_text_is_theirs_on_every_line(text):
    shown = md("{who} said:\n{what}", who="Cora", what=quoted(text))
    lines = shown.split("\n")
    assert lines[0] == "Cora said:"
    assert all(line.startswith(">") for line in lines[1:])
    assert re.findall(r"<[^<>]*>", shown) == []


@given(typed, typed)
def test_joining_and_adding_plain_text_escapes_it(a, b):
    for joined in (Mrkdwn(" · ").join([a, mention("U1"), b]), a + mention("U1") + b,
                   mention("U1") + a):
        assert isinstance(joined, Mrkdwn)
        assert re.findall(r"<[^<>]*>", joined) == ["<@U1>"]


@given(typed, st.integers(min_value=2, max_value=60))
def test_truncating_never_cuts_an_entity_or_a_token(text, limit):
    cut = truncate(md("{a} {me} {b}", a=text, me=mention("U0SAM"), b=text), limit)
    assert isinstance(cut, Mrkdwn) and len(cut) <= limit
    assert re.search(r"&(?!amp;|lt;|gt;)", cut) is None
    assert all(token == "@U0SAM" for token in re.findall(r"<([^<>]*)>", cut))
    assert "<" not in re.sub(r"<@U0SAM>", "", cut)


def test_tokens_check_their_ids():
    assert mention("U0SAM") == "<@U0SAM>" and mention("W123") == "<@W123>"
    assert mention("U1>|<!channel") == "U1&gt;|&lt;!channel"
    assert channel_link("C0SHARED") == "<#C0SHARED>" and channel_link("<!here>") == "&lt;!here&gt;"
    assert link("https://x.slack.com/archives/C1/p1?thread_ts=1&cid=C1", "D-1 · <b>") == (
        "<https://x.slack.com/archives/C1/p1?thread_ts=1&amp;cid=C1|D-1 · &lt;b&gt;>")
    assert link("javascript:alert(1)", "x") == "x" and link(None, "<x>") == "&lt;x&gt;"
    assert slack_date(datetime(2026, 3, 3, 9, 30, tzinfo=UTC)).startswith("<!date^1772530200^")


def test_quotes_every_line():
    assert quoted("one\n> two <!here>") == ">one\n>&gt; two &lt;!here&gt;"


def test_builders_escape_plain_text_and_keep_mrkdwn():
    assert section("<!channel>")["text"]["text"] == "&lt;!channel&gt;"
    assert context(mention("U1"))["elements"][0]["text"] == "<@U1>"
    assert mrkdwn("a & b")["text"] == "a &amp; b"


def test_the_way_out_escapes_unmarked_text_and_says_where(caplog):
    args = {"text": "<!channel> hi", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@U9>"}},
                                                {"type": "context", "elements": [{"type": "mrkdwn", "text": md("{x}", x="<")}]}],
            "attachments": [{"text": "<!here>", "fields": [{"value": "<!everyone>"}]}]}
    guard("chat.postMessage", args)
    assert args["text"] == "&lt;!channel&gt; hi"
    assert args["blocks"][0]["text"]["text"] == "&lt;@U9&gt;"
    assert args["blocks"][1]["elements"][0]["text"] == "&lt;"  # already Mrkdwn: left as it is
    assert args["attachments"][0]["text"] == "&lt;!here&gt;"
    assert args["attachments"][0]["fields"][0]["value"] == "&lt;!everyone&gt;"
    warned = [r.getMessage() for r in caplog.records if r.name == "parley.outgoing"]
    assert warned and all("<" not in w for w in warned)  # names the field, never the text
    caplog.clear()  # (the autouse check would fail this test for the warnings it provoked)
