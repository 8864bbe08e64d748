"""The written agreement as a Markdown document, uploaded to the thread when it takes effect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.blocks.labels import EVENT_WORDS
from bot.i18n import _, ngettext
from bot.records.documents.markdown import inline, verbatim
from bot.services.vocabulary import category, format_amount
from models import Agreement, Approval, AuditEvent, Dispute, Side

# English, as bot/blocks/labels.py has them: shown through `_()`.
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

    def party(team_id: str, user_id: str, side: str) -> str:
        if side == Side.MEDIATOR:
            # Translators: {person} is "Name (Organization)".
            return _("{person}, mediator").format(person=who(team_id, user_id))
        return who(team_id, user_id)

    lines = [
        "# "
        # Translators: the document's title: the agreement's version, the dispute's reference (D-7)
        # and its title.
        + _("Agreement v{version}: {reference} {title}").format(
            version=agreement.version, reference=dispute.reference, title=inline(dispute.title)
        ),
        "",
        "- "
        + _("Dispute: {reference} ({category})").format(
            reference=dispute.reference, category=category(dispute.category)
        ),
        "- "
        + _("In effect since: {moment}").format(
            moment=_when(agreement.ratified_at) if agreement.ratified_at else _("not yet")
        ),
        "- " + _("Content hash (SHA-256): `{hash}`").format(hash=agreement.content_hash),
        "",
        "## " + _("Parties"),
        *[f"- {party(p.team_id, p.user_id, p.side)}" for p in dispute.parties],
        "",
        "## " + _("Terms"),
        verbatim(agreement.terms),
        "",
    ]
    amount = format_amount(agreement.amount, agreement.currency)
    if amount:
        lines += ["## " + _("Compensation"), amount, ""]
    if agreement.items:
        lines += [
            "## " + _("Action items"),
            "",
            # Translators: the heads of a table's columns: what is to be done, by whom, by when.
            "| {what} | {owner} | {due} |".format(what=_("What"), owner=_("Owner"), due=_("Due")),
            "|---|---|---|",
        ]
        lines += [
            f"| {inline(i.text)} | {who(i.owner_team, i.owner_user)} | {i.due_as_agreed.isoformat()} |"
            for i in agreement.items
        ]
        lines.append("")
    plan = [
        ngettext("{n} day after it takes effect", "{n} days after it takes effect", d).format(n=d)
        for d in agreement.checkin_days
    ]
    if agreement.checkin_on_due_dates and agreement.items:
        plan.append(_("on each action item's due date"))
    lines += ["## " + _("Check-ins"), ", ".join(plan) or _("none"), ""]
    lines += ["## " + _("Approvals"), ""]
    lines += [
        "- "
        # Translators: {person} is "Name (Organization)"; {hash} the start of the content hash.
        + _("{person} approved version {version} at {moment} (hash `{hash}…`)").format(
            person=who(a.team_id, a.user_id), version=a.version, moment=_when(a.at), hash=a.content_hash[:12]
        )
        for a in approvals
    ]
    lines += ["", "## " + _("Timeline"), ""]
    lines += [
        f"- {_when(e.at)}: {_(TIMELINE_WORDS[e.kind])}"
        + (f" ({who(e.actor_team, e.actor_user)})" if e.actor_user and e.actor_team else "")
        for e in events
        if e.kind in TIMELINE_WORDS
    ]
    lines += ["", "_" + _("Recorded by Parley. Approvals are bound to the content hash above.") + "_", ""]
    return "\n".join(lines)
