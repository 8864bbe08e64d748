"""bot/services/people_text.py: one-line fields stay on one line and multi-line ones keep only
their lines, whatever a crafted submission carries."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.services.people_text import flat, many_lines, one_line

# Text weighted towards what could start a line or turn text around.
crafted = st.text(alphabet=st.sampled_from("\n\r\t\x0b\x0c\x00\x1b\x85\u2028\u2029\u202e\u2066\u200f"
                                           " *:>ab") | st.characters(), max_size=200)
LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
TURNING = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


@given(crafted)
def test_a_one_line_field_has_no_line_break_and_nothing_invisible(text):
    line = one_line(text)
    assert not any(c in LINE_BREAKS or c in TURNING for c in line)
    assert not any(unicodedata.category(c) == "Cc" for c in line)
    assert line == line.strip() and "  " not in line
    assert one_line(line) == line


@given(crafted)
def test_a_multi_line_field_keeps_plain_line_breaks_only(text):
    kept = many_lines(text)
    assert not any(c in TURNING or c in "\r\x0b\x0c\x85\u2028\u2029\x00\x1b" for c in kept)
    assert many_lines(kept) == kept
    assert kept.count("\n") <= sum(text.count(c) for c in LINE_BREAKS)


@given(crafted)
def test_a_value_inside_parleys_line_stays_on_it(text):
    assert not any(c in LINE_BREAKS or c in TURNING for c in flat(text))


def test_examples():
    assert one_line("Late\n:handshake: *Agreed*") == "Late :handshake: *Agreed*"
    assert one_line("  two\t\tspaces \u2028 ") == "two spaces"
    assert many_lines("a\r\nb\rc\u2029d\x00\u202e") == "a\nb\nc\nd"
    assert flat(", ") == ", " and flat("a\nb") == "a b"
