"""Text for a terminal: what `parley verify` prints must be exactly one line that says only what
Parley means, whatever a file or a command line put in it.

A file can carry anything: a newline would print a second line that looks like Parley's own, an
escape sequence (ESC [ 2 J) would clear the screen or recolour what follows, a bidi override
(U+202E) would make the line read backwards, a lone surrogate (an undecodable byte in a file
name) would make `print` raise. So every character Python does not call printable goes:
whitespace of any kind (tab, newline, U+2028, no-break space) becomes a plain space, control and
format characters (C0, C1, DEL, U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, …) are dropped, and
anything else that cannot be shown (surrogates, unassigned or private-use code points) becomes
U+FFFD, so the reader sees that something was there."""

from __future__ import annotations

import json
import unicodedata

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"


def one_line(text: str, *, limit: int | None = None) -> str:
    """`text` as one printable line (str.isprintable() holds), cut to `limit` characters."""
    if not text.isprintable():
        text = "".join(_shown(c) for c in text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + ELLIPSIS[:limit]
    return text


def quoted(value: object, *, limit: int = 80) -> str:
    """A value from a file, in double quotes, as one line: a quote or a backslash inside it is
    escaped, so the value cannot seem to end early and let Parley's words follow."""
    return json.dumps(one_line(str(value), limit=limit), ensure_ascii=False)


def _shown(c: str) -> str:
    if c.isprintable():
        return c
    if c.isspace():
        return " "
    if unicodedata.category(c) in ("Cc", "Cf"):
        return ""
    return REPLACEMENT
