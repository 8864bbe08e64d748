"""Slack mrkdwn that Parley wrote, and the one way to put people's text into it.

Slack treats `&`, `<` and `>` as control characters wherever it parses mrkdwn (a message's `text`,
mrkdwn text objects in blocks, a file's comment): `<!channel>` pages a whole channel, `<@U…>`
mentions someone, `<https://…|label>` is a link whose target the reader does not see. Text typed
by people must show those literally, so it is escaped by construction:

- `Mrkdwn` is a `str` that Parley vouches for. Anything else meeting it is escaped:
  `md("{who} accepted {label}", who=name, label=...)` escapes every value that is not `Mrkdwn`
  (the template is Parley's own copy, a string literal: a test checks every call);
  `Mrkdwn + str`, `str + Mrkdwn` and `Mrkdwn(", ").join(parts)` escape the plain parts.
- The only markup tokens are made here: `mention`, `mentions`, `channel_link`, `slack_date`,
  `link`. Each checks its ids, so not even a forged id can break out of its token.
- The block builders (bot/blocks/text.py) escape any plain `str` they are given, and so does the
  Web API client (bot/slack/outgoing.py) for anything that reaches Slack unmarked.

Plain-text fields (`plain_text` objects: headers, buttons, modal titles, input values) are shown
by Slack exactly as sent and never parsed for mentions or links, so they are not escaped.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from datetime import datetime
from typing import Any, SupportsIndex

from bot.services.people_text import flat, many_lines, one_line

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_USER_ID = re.compile(r"[UW][A-Z0-9]{1,30}")
_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{1,30}")
_DATE_TOKEN = re.compile(r"[{}a-z_ ,:.-]{1,80}")
_URL = re.compile(r"https?://[^\s<>|]+")


class Mrkdwn(str):
    """Slack mrkdwn that is safe to send as it is."""

    __slots__ = ()

    def __add__(self, other: str) -> Mrkdwn:
        if not isinstance(other, str):
            return NotImplemented
        return Mrkdwn(str.__add__(self, escape(other)))

    def __radd__(self, other: str) -> Mrkdwn:
        if not isinstance(other, str):
            return NotImplemented
        return Mrkdwn(str.__add__(escape(other), self))

    def join(self, parts: Iterable[str]) -> Mrkdwn:
        return Mrkdwn(str.join(self, [escape(p) for p in parts]))

    def format(self, *args: Any, **kwargs: Any) -> Mrkdwn:
        # A Mrkdwn may hold people's (escaped) text, whose braces str.format would read as fields.
        raise TypeError("fill a template with md(), whose template is a literal")

    def __mul__(self, count: SupportsIndex) -> Mrkdwn:
        return Mrkdwn(str.__mul__(self, count))

    def __repr__(self) -> str:
        return f"Mrkdwn({str.__repr__(self)})"


def escape(text: str) -> Mrkdwn:
    """Text as it should read, made safe for mrkdwn (`Mrkdwn` is returned as it is)."""
    if isinstance(text, Mrkdwn):
        return text
    return Mrkdwn(str(text).translate(_ESCAPES))


def unescape(text: str) -> str:
    """What Slack shows for escaped text (for tests and for reading Slack's own payloads)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class _Escaping(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Mrkdwn):
            if format_spec:  # "{m:.3}" could cut a token or an entity in two
                raise ValueError("a Mrkdwn value takes no format spec; use truncate()")
            return value
        # A plain value stays inside the line the template puts it on: people's text that
        # should keep its lines is quoted() first.
        return escape(flat(format(value, format_spec)))


_FORMATTER = _Escaping()


def md(template: str, /, *args: Any, **values: Any) -> Mrkdwn:
    """Fill Parley's own template; every value that is not `Mrkdwn` is escaped and kept on one
    line (a line break in it becomes a space), so that nobody's text can start a line that would
    read as Parley's. Multi-line text of people's goes in as `quoted(text)`.

    `template` must be a string literal (tests/unit/test_mrkdwn_sources.py checks every call): an
    f-string would put values in unescaped."""
    return Mrkdwn(_FORMATTER.vformat(template, args, values))


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis; `Mrkdwn` stays `Mrkdwn` and is never cut
    inside an entity (`&amp;`) or a token (`<@U1>`)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rstrip()
    if not isinstance(text, Mrkdwn):
        return cut + "…"
    opened = cut.rfind("<")
    if opened > cut.rfind(">"):
        cut = cut[:opened]
    amp = cut.rfind("&")
    if amp > cut.rfind(";") and len(cut) - amp < 8:
        cut = cut[:amp]
    return Mrkdwn(cut.rstrip() + "…")


def quoted(text: str, limit: int | None = None) -> Mrkdwn:
    """People's words as a block quote: every line is quoted (escaped; `>` typed by them can't
    start or end a quote), so none of them can pass for a line of Parley's. `limit`: at most
    that many characters of theirs."""
    if not isinstance(text, Mrkdwn):
        text = many_lines(text)
        text = truncate(text, limit) if limit else text
    return Mrkdwn("\n".join(">" + line for line in str(escape(text)).split("\n")))


def inline(text: str | None, limit: int | None = None) -> Mrkdwn:
    """People's one-line text (a title, a summary) inside a line of Parley's: escaped, on one
    line, at most `limit` characters."""
    shown = one_line(text)
    return escape(truncate(shown, limit) if limit else shown)


# ----- the markup tokens Parley makes ----------------------------------------------------------


def mention(user_id: str) -> Mrkdwn:
    """A real mention of a person (only for a well-formed user id)."""
    return Mrkdwn(f"<@{user_id}>") if _USER_ID.fullmatch(user_id) else escape(user_id)


def mentions(user_ids: Iterable[str]) -> Mrkdwn:
    """ "<@A>", "<@A> and <@B>", "<@A>, <@B> and <@C>"."""
    tokens = [mention(u) for u in user_ids]
    if len(tokens) <= 1:
        return Mrkdwn("").join(tokens)
    return Mrkdwn(", ").join(tokens[:-1]) + Mrkdwn(" and ") + tokens[-1]


def channel_link(channel_id: str) -> Mrkdwn:
    return Mrkdwn(f"<#{channel_id}>") if _CHANNEL_ID.fullmatch(channel_id) else escape(channel_id)


def slack_date(moment: datetime, token: str = "{date_short_pretty}") -> Mrkdwn:
    """A date Slack renders in each reader's own time zone, with a UTC fallback."""
    if not _DATE_TOKEN.fullmatch(token):
        raise ValueError(f"not a Slack date token: {token!r}")
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC")
    return Mrkdwn(f"<!date^{int(moment.timestamp())}^{token}|{fallback}>")


def link(url: str | None, label: str) -> Mrkdwn:
    """A link with a label (escaped); just the label when the URL is not a plain http(s) URL."""
    if url and _URL.fullmatch(url):
        return Mrkdwn(f"<{url.replace('&', '&amp;')}|") + escape(label) + Mrkdwn(">")
    return escape(label)
