"""Reading evidence from Slack: which message links Parley understands, where it sends its bot
token, and how a file's name is kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.services.evidence import NAME_MAX, clean_name
from bot.slack.evidence_fetch import parse_link, trusted

API = "https://slack.com/api/"


def test_message_links_as_slack_copies_them():
    plain = parse_link("https://acme.slack.com/archives/C0123ABC/p1700000000123456")
    assert plain is not None and (plain.channel_id, plain.ts, plain.thread_ts) == ("C0123ABC", "1700000000.123456", None)
    reply = parse_link("https://acme.slack.com/archives/C0123ABC/p1700000001000200"
                       "?thread_ts=1700000000.123456&cid=C0123ABC")
    assert reply is not None and (reply.ts, reply.thread_ts) == ("1700000001.000200", "1700000000.123456")
    for wrong in ("https://acme.slack.com.evil.example/archives/C0123ABC/p1700000000123456",
                  "http://acme.slack.com/archives/C0123ABC/p1700000000123456",
                  "https://acme.slack.com/archives/c0123abc/p1700000000123456",
                  "https://acme.slack.com/archives/C0123ABC/p17000000001234", "not a link", ""):
        assert parse_link(wrong) is None, wrong


def test_the_bot_token_goes_only_to_slack_s_file_hosts_or_the_configured_api():
    assert trusted("https://files.slack.com/files-pri/T1-F1/download/a.pdf", API)
    assert trusted("https://files.slack-gov.com/files-pri/T1-F1/a.pdf", API)
    assert trusted("http://127.0.0.1:5000/files-pri/T1-F1/a.pdf", "http://127.0.0.1:5000/api/")
    for wrong in ("http://files.slack.com/files-pri/T1-F1/a.pdf",  # not over HTTPS
                  "https://files.slack.com.evil.example/a.pdf", "https://evil.example/?files.slack.com",
                  "http://127.0.0.1:5001/a.pdf", "file:///etc/passwd", "ftp://files.slack.com/a"):
        assert not trusted(wrong, "http://127.0.0.1:5000/api/"), wrong


@given(st.text(max_size=2000))
def test_a_kept_file_name_is_one_bounded_line_without_a_path(name):
    kept = clean_name(name)
    assert 1 <= len(kept) <= NAME_MAX and "/" not in kept and "\\" not in kept and kept not in (".", "..")
    assert "\n" not in kept and not any(c in kept for c in "\u202e\u2066\x00")
