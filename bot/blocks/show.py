"""`/dispute show D-7`: one dispute, its current agreement and approvals, privately."""

from __future__ import annotations

from typing import Any

from bot.blocks.agreements import ApprovalView
from bot.blocks.labels import SIDE_LABELS, category_label, status_label
from bot.blocks.text import context, escape, mention, section, slack_date, truncate
from models import Agreement, Dispute, Side


def show_dispute(dispute: Dispute, agreement: Agreement | None,
                 approvals: ApprovalView | None) -> list[dict[str, Any]]:
    title = escape(truncate(dispute.title, 150))
    link = f"<{dispute.permalink}|{dispute.reference} · {title}>" if dispute.permalink else f"{dispute.reference} · {title}"
    parties = "\n".join(
        f"{SIDE_LABELS[side]}: " + ", ".join(mention(p.user_id) for p in dispute.parties if p.side == side)
        for side in (Side.PROVIDER, Side.CLIENT, Side.MEDIATOR)
        if any(p.side == side for p in dispute.parties))
    blocks = [
        section(f"*{link}*\n{status_label(dispute.status, dispute.escalated)} · "
                f"{category_label(dispute.category)} · opened {slack_date(dispute.created_at)} by "
                f"{mention(dispute.opened_by_user)} in <#{dispute.channel_id}>"),
        section(f"*Parties*\n{parties}"),
    ]
    if agreement is None or approvals is None:
        blocks.append(context("No agreement has been drafted yet."))
        return blocks
    state = {"pending": "awaiting approvals", "superseded": "superseded",
             "ratified": "in effect"}.get(agreement.status, agreement.status)
    done = "\n".join(f"• {escape(who)}, {slack_date(at, '{date_short} {time}')}"
                     for who, at in approvals.approved) or "none yet"
    text = f"*{agreement.label}* ({state})\nApproved by:\n{done}"
    if approvals.still_needed and agreement.status == "pending":
        text += "\nStill needed: " + ", ".join(approvals.still_needed)
    blocks.append(section(text))
    blocks.append(context(f"Content hash `{agreement.content_hash[:12]}…`"))
    return blocks
