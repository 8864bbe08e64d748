"""The written agreement as a Markdown document, uploaded to the thread when it takes effect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.blocks.labels import EVENT_WORDS, PARTY_ROLE, category_label
from bot.records.documents.markdown import inline, verbatim
from bot.services.vocabulary import format_amount
from models import Agreement, Approval, AuditEvent, Dispute

TIMELINE_WORDS = {
    kind: EVENT_WORDS[kind]
    for kind in (
        "dispute.opened",
        "perspective.shared",
        "perspectives.revealed",
        "proposal.made",
        "proposal.accepted",
        "proposal.declined",
        "proposal.withdrawn",
        "agreement.drafted",
        "agreement.changes_requested",
        "agreement.approved",
        "agreement.ratified",
    )
}


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def agreement_markdown(
    dispute: Dispute,
    agreement: Agreement,
    approvals: list[Approval],
    events: list[AuditEvent],
    name: Callable[[str, str], str],
) -> str:
    """`name(team_id, user_id)` gives "Name (Organization)". People's text is escaped (see
    bot/records/documents/markdown.py)."""

    def who(team_id: str, user_id: str) -> str:
        return inline(name(team_id, user_id))

    lines = [
        f"# {agreement.label}: {dispute.reference} {inline(dispute.title)}",
        "",
        f"- Dispute: {dispute.reference} ({category_label(dispute.category)})",
        f"- In effect since: {_when(agreement.ratified_at) if agreement.ratified_at else 'not yet'}",
        f"- Content hash (SHA-256): `{agreement.content_hash}`",
        "",
        "## Parties",
        *[f"- {who(p.team_id, p.user_id)}{PARTY_ROLE.get(p.side, '')}" for p in dispute.parties],
        "",
        "## Terms",
        verbatim(agreement.terms),
        "",
    ]
    amount = format_amount(agreement.amount, agreement.currency)
    if amount:
        lines += ["## Compensation", amount, ""]
    if agreement.items:
        lines += ["## Action items", "", "| What | Owner | Due |", "|---|---|---|"]
        lines += [
            f"| {inline(i.text)} | {who(i.owner_team, i.owner_user)} | {i.due_as_agreed.isoformat()} |"
            for i in agreement.items
        ]
        lines.append("")
    plan = [f"{d} days after it takes effect" for d in agreement.checkin_days]
    if agreement.checkin_on_due_dates and agreement.items:
        plan.append("on each action item's due date")
    lines += ["## Check-ins", ", ".join(plan) or "none", ""]
    lines += ["## Approvals", ""]
    lines += [
        f"- {who(a.team_id, a.user_id)} approved version {a.version} at {_when(a.at)} "
        f"(hash `{a.content_hash[:12]}…`)"
        for a in approvals
    ]
    lines += ["", "## Timeline", ""]
    lines += [
        f"- {_when(e.at)}: {TIMELINE_WORDS[e.kind]}"
        + (f" ({who(e.actor_team, e.actor_user)})" if e.actor_user and e.actor_team else "")
        for e in events
        if e.kind in TIMELINE_WORDS
    ]
    lines += ["", "_Recorded by Parley. Approvals are bound to the content hash above._", ""]
    return "\n".join(lines)
