"""The App Home tab: the person's open disputes, what awaits them, and the team's figures."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.labels import category_label, status_label
from bot.blocks.text import (
    Mrkdwn,
    channel_link,
    context,
    fields,
    link,
    md,
    plain,
    section,
    slack_date,
    truncate,
)
from bot.i18n import _, formats, ngettext
from bot.services.overview import Awaiting, Figures
from models import Dispute


def _line(dispute: Dispute) -> Mrkdwn:
    return link(dispute.permalink, f"{dispute.reference} · {truncate(dispute.title, 120)}")


def _figures(figures: Figures) -> list[dict[str, Any]]:
    def pct(value: float | None) -> str:
        return formats.percent(value) if value is not None else "–"

    median = (
        # Translators: a median number of days, with one decimal ("4.5 days").
        _("{days} days").format(days=formats.one_decimal(figures.median_days_to_agreement))
        if figures.median_days_to_agreement is not None
        else "–"
    )
    rating = (
        # Translators: an average rating out of 5, with one decimal ("4.2 / 5").
        _("{rating} / 5").format(rating=formats.one_decimal(figures.average_satisfaction))
        if figures.average_satisfaction is not None
        else "–"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(_("Your team, last 90 days"))},
        fields(
            md(_("*Open now*\n{n}"), n=figures.open_disputes),
            md(_("*Opened in 90 days*\n{n}"), n=figures.opened),
            md(_("*Median time to agreement*\n{median}"), median=median),
            md(_("*Share resolved*\n{share}"), share=pct(figures.share_resolved)),
            md(_("*Average satisfaction*\n{rating}"), rating=rating),
        ),
    ]
    if figures.by_category:
        blocks.append(
            section(
                md(
                    _("*By category*\n{counts}"),
                    counts=Mrkdwn(" · ").join(
                        md("{category}: {n}", category=category_label(k), n=v)
                        for k, v in list(figures.by_category.items())[:10]
                    ),
                )
            )
        )
    return blocks


def _pace(pace: list[tuple[str, float, int]]) -> list[dict[str, Any]]:
    """Each organization's average time per turn: the same measure for both sides."""
    lines = [
        md(
            # Translators: {org} is an organization; {days} a number with one decimal ("1.5").
            ngettext(
                "*{org}*: {days} working days a turn, over {n} turn",
                "*{org}*: {days} working days a turn, over {n} turns",
                turns,
            ),
            org=org,
            days=formats.one_decimal(days),
            n=turns,
        )
        for org, days, turns in pace[:10]
    ]
    return [
        {"type": "header", "text": plain(_("How long each side takes"))},
        section(Mrkdwn("\n").join(lines)),
        context(
            _(
                "A turn is the time a dispute waited on one side alone: to tell its side, answer a "
                "proposal or approve an agreement, counted in that organization's own working days."
            )
        ),
    ]


def home_view(
    disputes: list[Dispute],
    awaiting: Awaiting | None = None,
    figures: Figures | None = None,
    attention: list[Mrkdwn] | None = None,
    *,
    version: str = "",
    pace: list[tuple[str, float, int]] | None = None,
) -> dict[str, Any]:
    """`pace`: (organization, working days a turn, turns) for the disputes the person's
    organization is in."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain("Parley")},
        section(
            md(
                # Translators: {command} is the slash command, "/dispute".
                _(
                    "Parley gives a dispute between two organizations a calm, shared place in "
                    "Slack. Type `{command}` in a shared channel to raise one."
                ),
                command=ids.COMMAND,
            )
        ),
        {"type": "divider"},
    ]
    if attention:
        blocks += [
            section(md(_(":warning: *Needs attention*\n{lines}"), lines=Mrkdwn("\n").join(attention))),
            context(
                _(
                    "Parley keeps what happened; invite @Parley back to the channel, or "
                    "ask an admin, and it can carry on there."
                )
            ),
            {"type": "divider"},
        ]
    todo: list[Mrkdwn] = []
    if awaiting:
        # Translators: {d} is a link to a dispute, "D-12 · Its title".
        todo += [md(_("• Tell your side of {d}"), d=_line(d)) for d in awaiting.perspective]
        # Translators: {d} is a link to a dispute, "D-12 · Its title".
        todo += [md(_("• Review and approve the agreement for {d}"), d=_line(d)) for d in awaiting.approval]
        # Translators: {d} is a link to a dispute, "D-12 · Its title".
        todo += [md(_("• Answer the check-in on {d}"), d=_line(d)) for d in awaiting.checkin]
    blocks.append(
        section(
            md(
                _("*Waiting for you*\n{todo}"),
                todo=Mrkdwn("\n").join(todo[:15]) if todo else _("Nothing right now. :sparkles:"),
            )
        )
    )
    blocks.append(section(_("*Your open disputes*")))
    if not disputes:
        blocks.append(context(_("You're not part of any open dispute.")))
    for dispute in disputes:
        blocks.append(
            section(
                md(
                    # Translators: {status} is the dispute's status; {when} a date.
                    _("*{line}*\n{status} · {channel} · opened {when}"),
                    line=_line(dispute),
                    status=status_label(dispute.status, dispute.escalated),
                    channel=channel_link(dispute.channel_id),
                    when=slack_date(dispute.created_at),
                )
            )
        )
    if pace:
        blocks += [{"type": "divider"}, *_pace(pace)]
    if figures is not None:
        blocks += [{"type": "divider"}, *_figures(figures)]
    blocks = blocks[:99]
    if version:  # the footer: which release this workspace runs (for whoever reports a problem)
        blocks.append(context(md("Parley {version}", version=version)))
    return {"type": "home", "blocks": blocks}
