"""`/dispute export D-7`: the record as one Markdown document, for one side.

The provider side's record is complete. The client side's record leaves out what is internal to
the provider's team: lessons learned, the feedback the team asked for (the feedback form promises
that only the team sees it), and their timeline entries. People's text is escaped (see
bot/records/documents/markdown.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.blocks.labels import PARTY_ROLE, category_label
from bot.blocks.mrkdwn import Mrkdwn, md
from bot.records.documents.markdown import inline, verbatim
from bot.records.export_access import INTERNAL_EVENTS
from bot.records.history import Record
from bot.services.opening import account_given
from bot.services.vocabulary import REMEDIES, ROOT_CAUSES, format_amount
from models import Dispute


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def export_markdown(
    dispute: Dispute,
    record: Record,
    *,
    internal: bool,
    name: Callable[[str, str], str],
    provider: str | None = None,
) -> str:
    """`name(team_id, user_id)` gives "Name (Organization)"; `internal` is the provider side's
    full record. Sealed perspectives that were never revealed are left out: the record must not
    show what the other side was never shown."""

    def who(team_id: str, user_id: str) -> str:
        return inline(name(team_id, user_id))

    team = inline(provider) if provider else "the team that handled it"
    scope = (
        f"This copy is {team}'s full record, including its internal notes."
        if internal
        else f"This copy leaves out {team}'s internal notes."
    )
    out = [
        f"# {dispute.reference}: {inline(dispute.title)}",
        "",
        f"_{scope}_",
        "",
        f"- Status: {dispute.status.replace('_', ' ')}"
        + (f" ({dispute.ended_how})" if dispute.ended_how else ""),
        f"- Category: {category_label(dispute.category)}",
        f"- Opened: {_when(dispute.created_at)} by {who(dispute.opened_by_team, dispute.opened_by_user)}",
        f"- Amount in question: {format_amount(dispute.amount, dispute.currency) or '-'}",
        "",
        "## Parties",
        *[f"- {who(p.team_id, p.user_id)}{PARTY_ROLE.get(p.side, '')}" for p in dispute.parties],
        "",
    ]
    if not account_given([e.payload or {} for e in record.events if e.kind == "dispute.opened"]):
        out += [
            "## What happened (as opened)",
            verbatim(dispute.description),
            "",
            "## Outcome wanted",
            verbatim(dispute.desired_outcome),
            "",
        ]
    if dispute.ended_reason:
        out += [f"## How it ended ({dispute.ended_how})", verbatim(dispute.ended_reason), ""]
    out += ["## Perspectives", ""]
    for p in record.perspectives:
        if not p.released_at:
            continue
        out += [
            f"### {who(p.party.team_id, p.party.user_id)}, version {p.version} ({_when(p.created_at)})",
            "What happened:",
            verbatim(p.what_happened),
            *(["How it affected them:", verbatim(p.impact)] if p.impact else []),
            "What would resolve it:",
            verbatim(p.resolution),
        ]
        if p.acknowledgement:
            out += ["What they acknowledge:", verbatim(p.acknowledgement)]
        out.append("")
    out += ["## Proposals", ""]
    for pr in record.proposals:
        out += [
            f"### {pr.label}: {inline(pr.summary)} ({pr.status})",
            f"- By {who(pr.author.team_id, pr.author.user_id)} at {_when(pr.created_at)}",
            f"- Remedy: {REMEDIES.get(pr.remedy, pr.remedy)}; compensation: "
            f"{format_amount(pr.amount, pr.currency) or '-'}",
            "",
            "Details:",
            verbatim(pr.details),
            "",
        ]
        out += [
            f"- Action item: {inline(i.text)} ({who(i.owner_team, i.owner_user)}, due {i.due_date})"
            for i in pr.items
        ]
        if pr.decline_reason:
            out += ["Declined because:", verbatim(pr.decline_reason)]
        out.append("")
    out += ["## Agreements", ""]
    for a in record.agreements:
        out += [f"### {a.label} ({a.status}), content hash `{a.content_hash}`", verbatim(a.terms), ""]
        out += [
            f"- Action item: {inline(i.text)} ({who(i.owner_team, i.owner_user)}, due {i.due_as_agreed}"
            + (f", moved to {i.due_date}" if i.due_date != i.due_as_agreed else "")
            + f", {i.status})"
            for i in a.items
        ]
        out += [
            f"- Approved by {who(x.team_id, x.user_id)} at {_when(x.at)} (hash `{x.content_hash[:12]}…`)"
            for x in a.approvals
        ]
        out.append("")
    out += (
        ["## Check-ins", ""]
        + [
            f"- {_when(c.due_at)}: {c.kind}, {c.status}" + (f", answer {c.answer}" if c.answer else "")
            for c in record.checkins
        ]
        + [""]
    )
    if internal:
        out += (
            ["## Feedback (internal)", ""]
            + [
                f"- {f.rating}/5 from {who(f.team_id, f.user_id)}"
                + (f": {inline(f.comment)}" if f.comment else "")
                for f in record.feedback
            ]
            + [""]
        )
        out += (
            ["## Lessons learned (internal)", ""]
            + [
                f"- {ROOT_CAUSES.get(x.root_cause, x.root_cause)}: {inline(x.what_to_change)}"
                for x in record.lessons
            ]
            + [""]
        )
    events = [e for e in record.events if internal or e.kind not in INTERNAL_EVENTS]
    out += (
        ["## Timeline", ""]
        + [
            f"- {_when(e.at)}: {e.kind}"
            + (f" ({who(e.actor_team, e.actor_user)})" if e.actor_team and e.actor_user else "")
            for e in events
        ]
        + [""]
    )
    return "\n".join(out)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    pdf_filename: str
    title: str
    comment: Mrkdwn
    where: Mrkdwn  # the private answer to the command


def export_file(dispute: Dispute, internal: bool, evidence: int = 0) -> ExportFile:
    """`evidence`: how many evidence files go in the export's bundle (none: no bundle)."""
    which = "full record" if internal else "record"
    return ExportFile(
        f"{dispute.reference}-record.md",
        f"{dispute.reference}-record.pdf",
        f"{dispute.reference}: {which}",
        md(
            "The {which} of {ref}, for you only: as a PDF, and as Markdown.",
            which=which,
            ref=dispute.reference,
        )
        if not evidence
        else md(
            "The {which} of {ref}, for you only: as a PDF, as Markdown, and as a ZIP bundle with "
            "the record and the {n} evidence file{s} as Parley keeps them.",
            which=which,
            ref=dispute.reference,
            n=evidence,
            s="" if evidence == 1 else "s",
        ),
        md(
            "The {which} of {ref} is in your direct messages with Parley.", which=which, ref=dispute.reference
        ),
    )
