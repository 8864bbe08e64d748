"""`/dispute export D-7`: the record as one Markdown document, for one side.

The provider side's record is complete. The client side's record leaves out what is internal to
the provider's team: lessons learned, the feedback the team asked for (the feedback form promises
that only the team sees it), and their timeline entries. People's text is escaped (see
bot/records/documents/markdown.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.blocks.mrkdwn import Mrkdwn, md
from bot.i18n import _, ngettext, pgettext
from bot.records.documents.markdown import inline, verbatim
from bot.records.export_access import INTERNAL_EVENTS
from bot.records.history import Record
from bot.services.opening import account_given
from bot.services.vocabulary import category, format_amount, remedy, root_cause, status_words
from models import Dispute, Side


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _ended(how: str) -> str:
    """How a dispute ended ("withdrawn"), as a word."""
    words = {
        "resolved": pgettext("how a dispute ended", "resolved"),
        "closed": pgettext("how a dispute ended", "closed"),
        "withdrawn": pgettext("how a dispute ended", "withdrawn"),
    }
    return words.get(how) or how


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

    def party(team_id: str, user_id: str, side: str) -> str:
        if side == Side.MEDIATOR:
            # Translators: {person} is "Name (Organization)".
            return _("{person}, mediator").format(person=who(team_id, user_id))
        return who(team_id, user_id)

    if provider:
        scope = (
            # Translators: {organization} is the name of the organization that handled the dispute.
            _("This copy is {organization}'s full record, including its internal notes.")
            if internal
            else _("This copy leaves out {organization}'s internal notes.")
        ).format(organization=inline(provider))
    else:
        scope = (
            _("This copy is the full record of the team that handled it, including its internal notes.")
            if internal
            else _("This copy leaves out the internal notes of the team that handled it.")
        )
    status = status_words(dispute.status)
    out = [
        f"# {dispute.reference}: {inline(dispute.title)}",
        "",
        f"_{scope}_",
        "",
        "- "
        + (
            # Translators: {status} is the dispute's status ("closed"); {how} how it ended ("withdrawn").
            _("Status: {status} ({how})").format(status=status, how=_ended(dispute.ended_how))
            if dispute.ended_how
            else _("Status: {status}").format(status=status)
        ),
        "- " + _("Category: {category}").format(category=category(dispute.category)),
        "- "
        # Translators: {moment} is when the dispute was opened; {person} "Name (Organization)".
        + _("Opened: {moment} by {person}").format(
            moment=_when(dispute.created_at), person=who(dispute.opened_by_team, dispute.opened_by_user)
        ),
        "- "
        + _("Amount in question: {amount}").format(
            amount=format_amount(dispute.amount, dispute.currency) or "-"
        ),
        "",
        "## " + _("Parties"),
        *[f"- {party(p.team_id, p.user_id, p.side)}" for p in dispute.parties],
        "",
    ]
    if not account_given([e.payload or {} for e in record.events if e.kind == "dispute.opened"]):
        out += [
            "## " + _("What happened (as opened)"),
            verbatim(dispute.description),
            "",
            "## " + _("Outcome wanted"),
            verbatim(dispute.desired_outcome),
            "",
        ]
    if dispute.ended_reason:
        out += [
            "## " + _("How it ended ({how})").format(how=_ended(dispute.ended_how or "")),
            verbatim(dispute.ended_reason),
            "",
        ]
    out += ["## " + _("Perspectives"), ""]
    for p in record.perspectives:
        if not p.released_at:
            continue
        out += [
            "### "
            # Translators: {person} is "Name (Organization)"; {moment} when they shared this version.
            + _("{person}, version {version} ({moment})").format(
                person=who(p.party.team_id, p.party.user_id), version=p.version, moment=_when(p.created_at)
            ),
            _("What happened:"),
            verbatim(p.what_happened),
            *([_("How it affected them:"), verbatim(p.impact)] if p.impact else []),
            _("What would resolve it:"),
            verbatim(p.resolution),
        ]
        if p.acknowledgement:
            out += [_("What they acknowledge:"), verbatim(p.acknowledgement)]
        out.append("")
    out += ["## " + _("Proposals"), ""]
    for pr in record.proposals:
        out += [
            f"### {pr.label}: {inline(pr.summary)} ({pr.status})",
            "- "
            + _("By {person} at {moment}").format(
                person=who(pr.author.team_id, pr.author.user_id), moment=_when(pr.created_at)
            ),
            "- "
            + _("Remedy: {remedy}; compensation: {amount}").format(
                remedy=remedy(pr.remedy), amount=format_amount(pr.amount, pr.currency) or "-"
            ),
            "",
            _("Details:"),
            verbatim(pr.details),
            "",
        ]
        out += [
            "- "
            # Translators: {person} is "Name (Organization)"; {day} the date it is due.
            + _("Action item: {text} ({person}, due {day})").format(
                text=inline(i.text), person=who(i.owner_team, i.owner_user), day=i.due_date
            )
            for i in pr.items
        ]
        if pr.decline_reason:
            out += [_("Declined because:"), verbatim(pr.decline_reason)]
        out.append("")
    out += ["## " + _("Agreements"), ""]
    for a in record.agreements:
        out += [
            "### "
            # Translators: {status} is the agreement's status as stored ("ratified").
            + _("Agreement v{version} ({status}), content hash `{hash}`").format(
                version=a.version, status=a.status, hash=a.content_hash
            ),
            verbatim(a.terms),
            "",
        ]
        out += [
            "- "
            + (
                # Translators: {person} is "Name (Organization)"; {status} the item's as stored ("open").
                _("Action item: {text} ({person}, due {day}, {status})")
                if i.due_date == i.due_as_agreed
                else _("Action item: {text} ({person}, due {day}, moved to {moved}, {status})")
            ).format(
                text=inline(i.text),
                person=who(i.owner_team, i.owner_user),
                day=i.due_as_agreed,
                moved=i.due_date,
                status=i.status,
            )
            for i in a.items
        ]
        out += [
            "- "
            + _("Approved by {person} at {moment} (hash `{hash}…`)").format(
                person=who(x.team_id, x.user_id), moment=_when(x.at), hash=x.content_hash[:12]
            )
            for x in a.approvals
        ]
        out.append("")
    out += (
        ["## " + _("Check-ins"), ""]
        + [
            f"- {_when(c.due_at)}: {c.kind}, {c.status}"
            # Translators: after a check-in's kind and status; {answer} is the answer as stored ("partly").
            + (", " + _("answer {answer}").format(answer=c.answer) if c.answer else "")
            for c in record.checkins
        ]
        + [""]
    )
    if internal:
        out += (
            ["## " + _("Feedback (internal)"), ""]
            + [
                "- "
                + (
                    # Translators: a rating out of 5, who gave it ("Name (Organization)") and their comment.
                    _("{rating}/5 from {person}: {comment}") if f.comment else _("{rating}/5 from {person}")
                ).format(rating=f.rating, person=who(f.team_id, f.user_id), comment=inline(f.comment or ""))
                for f in record.feedback
            ]
            + [""]
        )
        out += (
            ["## " + _("Lessons learned (internal)"), ""]
            + [f"- {root_cause(x.root_cause)}: {inline(x.what_to_change)}" for x in record.lessons]
            + [""]
        )
    events = [e for e in record.events if internal or e.kind not in INTERNAL_EVENTS]
    out += (
        ["## " + _("Timeline"), ""]
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
    ref = dispute.reference
    if internal:
        title = _("{ref}: full record").format(ref=ref)
        comment = (
            md(_("The full record of {ref}, for you only: as a PDF, and as Markdown."), ref=ref)
            if not evidence
            else md(
                ngettext(
                    "The full record of {ref}, for you only: as a PDF, as Markdown, and as a ZIP bundle "
                    "with the record and the {n} evidence file as Parley keeps them.",
                    "The full record of {ref}, for you only: as a PDF, as Markdown, and as a ZIP bundle "
                    "with the record and the {n} evidence files as Parley keeps them.",
                    evidence,
                ),
                ref=ref,
                n=evidence,
            )
        )
        where = md(_("The full record of {ref} is in your direct messages with Parley."), ref=ref)
    else:
        title = _("{ref}: record").format(ref=ref)
        comment = (
            md(_("The record of {ref}, for you only: as a PDF, and as Markdown."), ref=ref)
            if not evidence
            else md(
                ngettext(
                    "The record of {ref}, for you only: as a PDF, as Markdown, and as a ZIP bundle "
                    "with the record and the {n} evidence file as Parley keeps them.",
                    "The record of {ref}, for you only: as a PDF, as Markdown, and as a ZIP bundle "
                    "with the record and the {n} evidence files as Parley keeps them.",
                    evidence,
                ),
                ref=ref,
                n=evidence,
            )
        )
        where = md(_("The record of {ref} is in your direct messages with Parley."), ref=ref)
    return ExportFile(f"{ref}-record.md", f"{ref}-record.pdf", title, comment, where)
