"""`/dispute show D-7`: one dispute, its current agreement and approvals, privately."""

from __future__ import annotations

from typing import Any

from bot.blocks.agreements import ApprovalView
from bot.blocks.labels import category_label, status_label
from bot.blocks.status_card import CardNames
from bot.blocks.text import (
    Mrkdwn,
    channel_link,
    context,
    link,
    md,
    mention,
    section,
    slack_date,
    truncate,
)
from bot.i18n import _
from models import Agreement, Dispute, Side


def show_dispute(
    dispute: Dispute, agreement: Agreement | None, approvals: ApprovalView | None, names: CardNames
) -> list[dict[str, Any]]:
    heading = link(dispute.permalink, f"{dispute.reference} · {truncate(dispute.title, 150)}")
    label = {
        Side.PROVIDER: names.org(Side.PROVIDER),
        Side.CLIENT: names.org(Side.CLIENT),
        Side.MEDIATOR: _("Mediator"),
    }
    parties = Mrkdwn("\n").join(
        md(
            "{side}: {who}",
            side=label[side],
            who=Mrkdwn(", ").join(mention(p.user_id) for p in dispute.parties if p.side == side),
        )
        for side in (Side.PROVIDER, Side.CLIENT, Side.MEDIATOR)
        if any(p.side == side for p in dispute.parties)
    )
    blocks = [
        section(
            md(
                _("*{heading}*\n{status} · {category} · opened {when} by {opener} in {channel}"),
                heading=heading,
                status=status_label(dispute.status, dispute.escalated),
                category=category_label(dispute.category),
                when=slack_date(dispute.created_at),
                opener=mention(dispute.opened_by_user),
                channel=channel_link(dispute.channel_id),
            )
        ),
        section(md(_("*Parties*\n{parties}"), parties=parties)),
    ]
    if agreement is None or approvals is None:
        blocks.append(context(_("No agreement has been drafted yet.")))
        return blocks
    state = {
        "pending": _("awaiting approvals"),
        "superseded": _("superseded"),
        "ratified": _("in effect"),
    }.get(agreement.status, agreement.status)
    done = Mrkdwn("\n").join(
        md("• {who}, {when}", who=who, when=slack_date(at, "{date_short} {time}"))
        for who, at in approvals.approved
    ) or md(_("none yet"))
    # Translators: {label} is the agreement's label ("A2"), {state} its state ("in effect"), {done}
    # a list of who approved, one per line.
    text = md(_("*{label}* ({state})\nApproved by:\n{done}"), label=agreement.label, state=state, done=done)
    if approvals.still_needed and agreement.status == "pending":
        text += Mrkdwn("\n") + md(_("Still needed: {who}"), who=", ".join(approvals.still_needed))
    blocks.append(section(text))
    blocks.append(
        context(_("Approvals are tied to the exact wording approved; any change needs new approvals."))
    )
    return blocks


def show_text(dispute: Dispute) -> Mrkdwn:
    return md("{ref}: {title}", ref=dispute.reference, title=dispute.title)
