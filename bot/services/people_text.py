"""The shape of what people type, whatever a crafted submission carries.

Two kinds of field: one-line fields (a dispute's title, a proposal's summary, an action item)
and multi-line ones (what happened, terms, reasons). A one-line field never holds a line break,
whatever Slack's form allowed or a hand-made request sent: otherwise a title could start a line
of its own on the card and read as Parley's. Neither kind keeps characters that are not text:
control characters, and the bidirectional overrides and isolates that make text display in an
order other than the one it is stored in (they could turn Parley's own words around it)."""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the
# left-to-right and right-to-left marks, and the line and paragraph separators.
_INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_SEPARATORS = frozenset("\u2028\u2029\x85\r")
_SPACES = re.compile(r"\s+")


def _kept(char: str, *, newlines: bool) -> str:
    if char == "\n" or char in _SEPARATORS:
        return "\n" if newlines else " "
    if char in "\t\v\f":
        return " "
    if char in _INVISIBLE or unicodedata.category(char) == "Cc":
        return ""
    return char


def one_line(text: str | None) -> str:
    """A one-line field as it is kept and shown: any line break or run of white space becomes
    one space, control and direction-changing characters go, and the ends are trimmed."""
    if not text:
        return ""
    kept = "".join(_kept(c, newlines=False) for c in text)
    return _SPACES.sub(" ", kept).strip()


def flat(text: str) -> str:
    """Text put inside a line of Parley's own (bot/blocks/mrkdwn.py's md()): line breaks become
    spaces and control and direction-changing characters go; nothing else changes (a value of
    Parley's own, such as ", ", stays exactly as it is)."""
    if text.isprintable():
        return text
    return "".join(_kept(c, newlines=False) for c in text)


def many_lines(text: str | None) -> str:
    """A multi-line field as it is kept: line breaks stay (Windows' and Unicode's become plain
    ones), other control and direction-changing characters go, and the ends are trimmed."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(_kept(c, newlines=True) for c in text).strip()
