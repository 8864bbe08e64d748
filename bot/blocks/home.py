"""The App Home tab."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.labels import status_label
from bot.blocks.text import context, escape, plain, section, slack_date, truncate
from models import Dispute


def home_view(disputes: list[Dispute]) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Parley")},
        section(
            "Parley gives disputes between your team and your clients a calm, shared place in "
            f"Slack. Type `{ids.COMMAND}` in a shared channel to raise one."
        ),
        {"type": "divider"},
        section("*Your open disputes*"),
    ]
    if not disputes:
        blocks.append(context("You're not part of any open dispute. :sparkles:"))
    for dispute in disputes:
        label = f"{dispute.reference} · {escape(truncate(dispute.title, 120))}"
        link = f"<{dispute.permalink}|{label}>" if dispute.permalink else label
        blocks.append(section(
            f"*{link}*\n{status_label(dispute.status, dispute.escalated)} · <#{dispute.channel_id}> · "
            f"opened {slack_date(dispute.created_at)}"
        ))
    return {"type": "home", "blocks": blocks}
