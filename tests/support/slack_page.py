"""What a dispute's thread looks like in Slack, near enough to read it as the two people would: the
fake Slack's stored messages (as last updated) drawn as an HTML page, and a screenshot of it taken
with the Chromium the browser tests use. For looking at copy and layout (docs/screenshots), not
for asserting on; Slack's own rendering differs in its details.

    from tests.support.slack_page import screenshot
    screenshot(fake_slack, "C0SHARED", thread_ts, Path("docs/screenshots/thread.png"))"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("PARLEY_CHROMIUM", "/usr/bin/chromium")
EMOJI = {"handshake": "🤝", "busts_in_silhouette": "👥", "white_check_mark": "✅", "x": "❌",
         "lock": "🔒", "unlock": "🔓", "rotating_light": "🚨", "hourglass_flowing_sand": "⏳",
         "memo": "📝", "warning": "⚠️", "arrows_counterclockwise": "🔄", "wave": "👋",
         "leftwards_arrow_with_hook": "↩️", "bell": "🔔", "tada": "🎉", "scales": "⚖️",
         "speech_balloon": "💬"}
STYLE = """
body { font: 15px/1.45 -apple-system, 'Segoe UI', 'DejaVu Sans', sans-serif; color: #1d1c1d;
       margin: 0; padding: 16px 24px; background: #fff; width: 760px; }
.msg { display: flex; gap: 10px; padding: 8px 0; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff;
          font-weight: 700; display: flex; align-items: center; justify-content: center; }
.who { font-weight: 700; } .app { font-size: 10px; background: #e8e8e8; padding: 1px 4px;
       border-radius: 3px; margin-left: 4px; color: #616061; }
.thread { margin-left: 46px; border-left: 2px solid #e8e8e8; padding-left: 12px; }
h3 { margin: 4px 0; font-size: 17px; } .section { margin: 4px 0; white-space: pre-wrap; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin: 4px 0; }
.context { color: #616061; font-size: 12.5px; margin: 4px 0; white-space: pre-wrap; }
blockquote { border-left: 4px solid #dddddd; margin: 2px 0; padding: 0 10px; }
.btn { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px;
       margin: 4px 6px 4px 0; font-weight: 600; font-size: 13px; }
.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.file { border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; margin: 6px 0;
        width: 320px; font-weight: 600; }
code { background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; padding: 0 3px; }
"""


def mrkdwn(text: str, names: dict[str, str]) -> str:
    """Slack mrkdwn as HTML. The text is Slack's (its &, < and > already entities where they
    are text), so the only tags are the markup tokens Slack itself would read."""
    def token(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith("@"):
            return f'<span class="mention">@{html.escape(names.get(inner[1:], inner[1:]))}</span>'
        if inner.startswith("#"):
            return f'<span class="mention">#{html.escape(inner[1:].split("|")[-1].lower())}</span>'
        if inner.startswith("!date^"):
            return html.escape(inner.split("|", 1)[-1])
        if inner.startswith("!"):
            return f'<span class="mention">@{html.escape(inner[1:])}</span>'
        url, _, label = inner.partition("|")
        return f'<a href="{html.escape(url)}">{label or html.escape(url)}</a>'

    lines, out, quote = text.split("\n"), [], []
    for line in lines + [""]:
        if line.startswith(">"):
            quote.append(line[1:])
            continue
        if quote:
            out.append("<blockquote>" + "<br>".join(quote) + "</blockquote>")
            quote = []
        out.append(line)
    body = "\n".join(out[:-1]).replace("</blockquote>\n", "</blockquote>")
    body = re.sub(r"<([@#!][^<>]*|https?://[^<>]*)>", token, body)
    body = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", body)
    body = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"<i>\1</i>", body)
    body = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", body)
    return re.sub(r":([a-z0-9_+-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), body)


def blocks_html(blocks: list[dict[str, Any]], names: dict[str, str]) -> str:
    parts = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            parts.append(f"<h3>{html.escape(block['text']['text'])}</h3>")
        elif kind == "section":
            if block.get("text"):
                parts.append(f'<div class="section">{_text(block["text"], names)}</div>')
            if block.get("fields"):
                cells = "".join(f"<div>{_text(f, names)}</div>" for f in block["fields"])
                parts.append(f'<div class="fields">{cells}</div>')
        elif kind == "context":
            parts.append('<div class="context">' + " ".join(_text(e, names) for e in block["elements"]
                                                            if "text" in e) + "</div>")
        elif kind == "actions":
            parts.append("<div>" + "".join(
                f'<span class="btn {e.get("style", "")}">{html.escape(e["text"]["text"])}</span>'
                if e.get("type") == "button" else '<span class="btn">⋯</span>'
                for e in block["elements"]) + "</div>")
        elif kind == "divider":
            parts.append("<hr>")
    return "".join(parts)


def _text(obj: dict[str, Any], names: dict[str, str]) -> str:
    if obj.get("type") == "plain_text":
        return html.escape(obj["text"])
    return mrkdwn(obj["text"], names)


def message_html(message: dict[str, Any], names: dict[str, str]) -> str:
    inner = (blocks_html(message["blocks"], names) if message.get("blocks")
             else f'<div class="section">{mrkdwn(message.get("text") or "", names)}</div>')
    for name in message.get("file_names", []):  # a file shared with the message
        inner += f'<div class="file">📄 {html.escape(name)}<br><small>PDF</small></div>'

    return ('<div class="msg"><div class="avatar">P</div><div><span class="who">Parley</span>'
            f'<span class="app">APP</span>{inner}</div></div>')


def thread_page(fake: Any, channel: str, thread_ts: str) -> str:
    names = {u["id"]: u["real_name"] for u in fake.users.values()}
    root = fake.messages[(channel, thread_ts)]

    def with_files(message: dict[str, Any]) -> dict[str, Any]:
        return {**message, "file_names": [fake.uploads[f]["filename"]
                                          for f in message.get("files", [])]}

    replies = "".join(message_html(with_files(m), names)
                      for m in fake.messages_in(channel, thread_ts))
    return (f"<!doctype html><meta charset=utf-8><style>{STYLE}</style>"
            f"{message_html(root, names)}<div class='thread'>{replies}</div>")


def screenshot(fake: Any, channel: str, thread_ts: str, path: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 810, "height": 400})
            page.set_content(thread_page(fake, channel, thread_ts))
            page.screenshot(path=str(path), full_page=True)
        finally:
            browser.close()
