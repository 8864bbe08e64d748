"""`/dispute export D-7`: the full record as one Markdown document."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.blocks.labels import SIDE_LABELS, category_label
from bot.services.vocabulary import REMEDIES, ROOT_CAUSES, format_amount
from models import (
    Agreement,
    AuditEvent,
    CheckIn,
    Dispute,
    Feedback,
    LessonLearned,
    Perspective,
    Proposal,
)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def export_markdown(dispute: Dispute, *, events: list[AuditEvent], perspectives: list[Perspective],
                    proposals: list[Proposal], agreements: list[Agreement], checkins: list[CheckIn],
                    feedback: list[Feedback], lessons: list[LessonLearned],
                    name: Callable[[str, str], str]) -> str:
    """`name(team_id, user_id)` gives "Name (Organization)". Sealed perspectives that were never
    revealed are left out: the record must not show what the other side was never shown."""
    out = [f"# {dispute.reference}: {dispute.title}", "",
           f"- Status: {dispute.status.replace('_', ' ')}" + (f" ({dispute.ended_how})" if dispute.ended_how else ""),
           f"- Category: {category_label(dispute.category)}",
           f"- Opened: {_when(dispute.created_at)} by {name(dispute.opened_by_team, dispute.opened_by_user)}",
           f"- Amount in question: {format_amount(dispute.amount, dispute.currency) or '-'}", "",
           "## Parties", *[f"- {name(p.team_id, p.user_id)}: {SIDE_LABELS.get(p.side, p.side)}"
                           for p in dispute.parties], "",
           "## What happened (as opened)", dispute.description, "", "## Outcome wanted", dispute.desired_outcome, ""]
    out += ["## Perspectives", ""]
    for p in perspectives:
        if not p.posted_ts:
            continue
        out += [f"### {name(p.party.team_id, p.party.user_id)}, version {p.version} ({_when(p.created_at)})",
                f"- What happened: {p.what_happened}", f"- How it affected them: {p.impact}",
                f"- What would resolve it: {p.resolution}"]
        if p.acknowledgement:
            out.append(f"- What they acknowledge: {p.acknowledgement}")
        out.append("")
    out += ["## Proposals", ""]
    for p in proposals:
        out += [f"### {p.label}: {p.summary} ({p.status})",
                f"- By {name(p.author.team_id, p.author.user_id)} at {_when(p.created_at)}",
                f"- Remedy: {REMEDIES.get(p.remedy, p.remedy)}; compensation: "
                f"{format_amount(p.amount, p.currency) or '-'}", f"- Details: {p.details}"]
        out += [f"- Action item: {i.text} ({name(i.owner_team, i.owner_user)}, due {i.due_date})" for i in p.items]
        if p.decline_reason:
            out.append(f"- Declined because: {p.decline_reason}")
        out.append("")
    out += ["## Agreements", ""]
    for a in agreements:
        out += [f"### {a.label} ({a.status}), content hash `{a.content_hash}`", a.terms, ""]
        out += [f"- Action item: {i.text} ({name(i.owner_team, i.owner_user)}, due {i.due_date}, {i.status})"
                for i in a.items]
        out += [f"- Approved by {name(x.team_id, x.user_id)} at {_when(x.at)} (hash `{x.content_hash[:12]}…`)"
                for x in a.approvals]
        out.append("")
    out += ["## Check-ins", ""] + [f"- {_when(c.due_at)}: {c.kind}, {c.status}" + (f", answer {c.answer}" if c.answer else "")
                                   for c in checkins] + [""]
    out += ["## Feedback", ""] + [f"- {f.rating}/5 from {name(f.team_id, f.user_id)}" + (f": {f.comment}" if f.comment else "")
                                  for f in feedback] + [""]
    out += ["## Lessons learned (internal)", ""] + [
        f"- {ROOT_CAUSES.get(x.root_cause, x.root_cause)}: {x.what_to_change}" for x in lessons] + [""]
    out += ["## Timeline", ""] + [f"- {_when(e.at)}: {e.kind}" + (f" ({name(e.actor_team, e.actor_user)})"
                                  if e.actor_team and e.actor_user else "") for e in events] + [""]
    return "\n".join(out)
