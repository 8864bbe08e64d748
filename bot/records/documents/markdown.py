"""People's text inside Parley's Markdown files (the written agreement, the exported record).

A Markdown viewer would turn typed `<https://…>`, `[label](url)`, raw HTML, or a line such as
`## Approvals` into links, images or headings that look like Parley's own, which in a record
meant as evidence would let one side forge structure. So in the files:

- `inline(text)`: one line (line breaks become spaces); every character Markdown or HTML could act
  on is backslash-escaped, so any Markdown viewer shows exactly what was typed.
- `verbatim(text)`: several lines inside a fenced block whose fence is longer than any run of
  backticks in the text: shown exactly as typed, never interpreted.

Slack never parses a file's content for mentions; only its comment, which is mrkdwn.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]{}<>&|~#!])")
_BACKTICKS = re.compile(r"`+")


def inline(text: str) -> str:
    one_line = " ".join(str(text).split())
    return _SPECIAL.sub(r"\\\1", one_line)


def verbatim(text: str) -> str:
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"
