"""The App Home tab: the person's open disputes, what awaits them, and the team's figures."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.labels import category_label, status_label
from bot.blocks.text import context, escape, plain, section, slack_date, truncate
from bot.services.overview import Awaiting, Figures
from models import Dispute


def _line(dispute: Dispute) -> str:
    label = f"{dispute.reference} · {escape(truncate(dispute.title, 120))}"
    return f"<{dispute.permalink}|{label}>" if dispute.permalink else label


def _figures(figures: Figures) -> list[dict[str, Any]]:
    def pct(value: float | None) -> str:
        return f"{value:.0%}" if value is not None else "–"

    median = (f"{figures.median_days_to_agreement:.1f} days"
              if figures.median_days_to_agreement is not None else "–")
    rating = f"{figures.average_satisfaction:.1f} / 5" if figures.average_satisfaction is not None else "–"
    fields = [f"*Open now*\n{figures.open_disputes}", f"*Opened in 90 days*\n{figures.opened}",
              f"*Median time to agreement*\n{median}", f"*Share resolved*\n{pct(figures.share_resolved)}",
              f"*Average satisfaction*\n{rating}"]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Your team, last 90 days")},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    if figures.by_category:
        blocks.append(section("*By category*\n" + " · ".join(
            f"{category_label(k)}: {v}" for k, v in list(figures.by_category.items())[:10])))
    return blocks


def home_view(disputes: list[Dispute], awaiting: Awaiting | None = None,
              figures: Figures | None = None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Parley")},
        section("Parley gives disputes between your team and your clients a calm, shared place in "
                f"Slack. Type `{ids.COMMAND}` in a shared channel to raise one."),
        {"type": "divider"},
    ]
    todo = []
    if awaiting:
        todo += [f"• Share your perspective on {_line(d)}" for d in awaiting.perspective]
        todo += [f"• Review and approve the agreement for {_line(d)}" for d in awaiting.approval]
        todo += [f"• Answer the check-in on {_line(d)}" for d in awaiting.checkin]
    blocks.append(section("*Waiting for you*\n" + ("\n".join(todo[:15]) if todo else "Nothing right now. :sparkles:")))
    blocks.append(section("*Your open disputes*"))
    if not disputes:
        blocks.append(context("You're not part of any open dispute."))
    for dispute in disputes:
        blocks.append(section(
            f"*{_line(dispute)}*\n{status_label(dispute.status, dispute.escalated)} · <#{dispute.channel_id}> · "
            f"opened {slack_date(dispute.created_at)}"))
    if figures is not None:
        blocks += [{"type": "divider"}, *_figures(figures)]
    return {"type": "home", "blocks": blocks[:100]}
