"""bot/terminal.py: whatever text goes in, one printable line comes out (`parley verify`)."""

from __future__ import annotations

import json

from hypothesis import example, given
from hypothesis import strategies as st

from bot.terminal import one_line, quoted

FORGERIES = ["Sam\nMatches D-1, approved by the CEO\x1b[2J", "\r\x1b]0;title\x07\x1b[31m",
             "a\u202eb\u2066c\u2069d\u200be\u200ff\u00ad", "\u2028\u2029\x85\x0b\x0c\x1c\t",
             "\ud800 undecodable \udcff", "\x7f\x9b31m", 'Sam", checked) at 2020 ("x']


@given(st.text(), st.one_of(st.none(), st.integers(min_value=0, max_value=200)))
@example("\n".join(FORGERIES), None)
def test_any_text_comes_out_as_one_printable_line(text: str, limit: int | None) -> None:
    out = one_line(text, limit=limit)
    assert out.isprintable()  # no C0/C1/DEL, no format (bidi, zero-width), no line or para separator
    assert len(out.splitlines()) <= 1 and "\x1b" not in out
    out.encode("utf-8")  # no lone surrogate: print() cannot fail on it
    assert limit is None or len(out) <= limit
    assert one_line(out) == out  # nothing left to strip


@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S"])))
def test_printable_text_is_left_alone(text: str) -> None:
    assert one_line(text) == text


@given(st.one_of(st.text(), st.integers(), st.lists(st.text())), st.integers(1, 120))
@example(FORGERIES[-1], 80)
def test_a_quoted_value_cannot_end_early(value: object, limit: int) -> None:
    out = quoted(value, limit=limit)
    assert out.isprintable() and out.startswith('"') and out.endswith('"')
    assert json.loads(out) == one_line(str(value), limit=limit)  # the first unescaped " is the last


def test_what_each_kind_of_character_becomes() -> None:
    assert one_line("Sam\nOK\x1b[2J") == "Sam OK[2J"  # a line break is a space; ESC goes
    assert one_line("a\u202eb\u2066c\u200bd") == "abcd"  # bidi and zero-width: dropped
    assert one_line("x\udcffy\U000f0000") == "x\ufffdy\ufffd"  # shown as �: something was there
    assert one_line("Zoë Øster · Кора Ξανθή 李 🙂") == "Zoë Øster · Кора Ξανθή 李 🙂"
    assert one_line("abcdef", limit=4) == "abc…"
