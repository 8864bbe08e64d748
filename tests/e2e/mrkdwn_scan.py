"""Reading what Parley sent to the fake Slack the way Slack reads it: which strings Slack parses as
mrkdwn, and which markup tokens (`<…>`) they hold."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tests.fakeslack import FakeSlack

TOKEN = re.compile(r"<([^<>]*)>")
FENCE = re.compile(r"^(`{3,})text\n.*?\n\1$", re.DOTALL | re.MULTILINE)


def texts_in(node: Any, in_attachment: bool = False) -> Iterator[str]:
    """Every string Slack would parse as mrkdwn inside blocks, a view or attachments."""
    if isinstance(node, list):
        for item in node:
            yield from texts_in(item, in_attachment)
    elif isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        if in_attachment:
            yield from (node[k] for k in ("text", "pretext", "fallback") if isinstance(node.get(k), str))
        for key, child in node.items():
            yield from texts_in(child, in_attachment or key == "attachments")


def parsed_texts(fake: FakeSlack) -> list[tuple[str, str]]:
    """(method, text) for every string Slack would parse as mrkdwn, in every call Parley made."""
    found = []
    for call in fake.calls:
        for key in ("text", "initial_comment"):
            if isinstance(call.args.get(key), str):
                found.append((call.method, call.args[key]))
        for key in ("blocks", "view", "attachments"):
            value = call.args.get(key)
            if key == "blocks" and isinstance(value, str):  # files.completeUploadExternal's
                value = json.loads(value)
            found += [(call.method, t) for t in texts_in(value, key == "attachments")]
    return found


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def outside_fences(document: str) -> str:
    """A Markdown file without its fenced (verbatim) blocks."""
    return FENCE.sub("", document)
