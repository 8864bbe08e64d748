"""The agreement certificate as a PDF (bot/records/documents/pdf.py), drawn from the record built in
bot/records/agreement.py and carrying it attached as JSON, so that checking it never depends
on reading the text back.

It reads as a letter to the two organizations: what was agreed, by whom and what happens next,
in plain words, with both organizations named alike. Identifiers, hashes and how to check the
record are on the last page, "Verification", for whoever wants them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bot.blocks.labels import HOW_APPROVED, category_label
from bot.records.agreement import ATTACHMENT, canonical, record_hash
from bot.records.documents.pdf import (
    REPLACEMENT,
    Document,
    drawable,
    long_day,
    long_moment,
    render,
    stamp,
)
from bot.services.vocabulary import format_amount

__all__ = ["REPLACEMENT", "between", "certificate_pdf", "drawable", "joined", "together"]

# What the record's sides mean, for the verification page (no "provider side" in front of people).
_VERSION = re.compile(r"\(v(\d+)\)")  # the timeline's "(v1)"
ROLES = {"provider": "the business that did the work", "client": "its client"}


def certificate_pdf(record: dict[str, Any], *, made_at: datetime | None = None) -> bytes:
    return render(_certificate, record, made_at or datetime.now(UTC))


def joined(names: list[str]) -> str:
    """ "Studio", "Studio and Client Co", "A, B and C"."""
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


def between(record: dict[str, Any]) -> str:
    """ "between Studio and Client Co" (or "within Studio" when all are of one organization)."""
    names = [o["name"] for o in record["organizations"]]
    return f"between {joined(names)}" if len(names) > 1 else f"within {joined(names) or 'Slack'}"


def together(record: dict[str, Any], rule: str | None) -> str:
    """Who approved, said as a whole: the subject of "… approved this exact wording"."""
    count = len(record["organizations"])
    return (
        "Everyone taking part"
        if rule == "everyone" or count < 2
        else "Both organizations"
        if count == 2
        else "Each organization"
    )


def _certificate(record: dict[str, Any], made_at: datetime) -> Document:
    d, a = record["dispute"], record["agreement"]
    orgs = joined([o["name"] for o in record["organizations"]]) or "the parties"
    pdf = Document(f"Parley · {d['reference']} agreement, version {a['version']}")
    pdf.start(f"Agreement {between(record)}: {d['reference']} {d['title']}", made_at)
    _front(pdf, record, orgs)
    _verification(pdf, record)
    pdf.attach(
        canonical(record),
        ATTACHMENT,
        f"The record of agreement v{a['version']} of {d['reference']}, as Parley keeps it",
        made_at,
    )
    return pdf


def _front(pdf: Document, record: dict[str, Any], orgs: str) -> None:
    """What was agreed, by whom, and what happens next."""
    d, a = record["dispute"], record["agreement"]
    heading, para = pdf.heading, pdf.para
    para(f"Agreement {between(record)}", 20, bold=True)
    para(f"Dispute {d['reference']}", 13)
    pdf.quote(d["title"], 12)
    para(f"{category_label(d['category'])} · raised on {long_day(d['opened_at'])}", soft=True)
    pdf.ln(2)
    para(
        f"Agreed on {long_day(a['ratified_at'])}."
        + (f" This is version {a['version']} of the agreement." if a["version"] != 1 else ""),
        11,
        bold=True,
    )
    para(
        f"{together(record, a.get('approvals_rule'))} approved this exact wording; any change "
        "needs new approvals.",
        11,
    )

    heading("What was agreed")
    pdf.quote(a["terms"])
    if a["compensation"]:
        money = a["compensation"]
        pdf.ln(1)
        para(
            "Compensation: " + (format_amount(Decimal(money["amount"]), money["currency"]) or money["amount"])
        )
        if record.get("settled_privately"):
            para(
                "This amount was settled privately: each side's approver entered a limit that nobody "
                "else saw, and it is halfway between the two, rounded.",
                9,
                soft=True,
            )

    heading("What happens next")
    for n, item in enumerate(a["action_items"], 1):
        owner = item["owner"]
        para(f"{n}. {owner['name']} ({owner['organization']}) by {long_day(item['due'])}:", bold=True)
        pdf.quote(item["text"], indent=4)
        pdf.ln(1)
    if not a["action_items"]:
        para("No further steps were agreed beyond the wording above.")
    para(f"Parley will check in with {orgs} as agreed, to see how things are going.", soft=True)

    heading("Who approved")
    for ap in record["approvals"]:
        how = HOW_APPROVED.get(ap.get("how") or "", "")
        para(f"{ap['name']} ({ap['organization']}){how}, {long_moment(ap['at'])}")
    approvers = {(ap["team_id"], ap["user_id"]) for ap in record["approvals"]}
    others = [
        f"{p['name']} ({p['organization']})"
        for p in record["parties"]
        if (p["team_id"], p["user_id"]) not in approvers
    ]
    if others:
        para(f"Also taking part: {joined(others)}.", soft=True)
    for m in record["mediators"]:
        para(f"With the help of {m['name']} ({m['organization']}) as mediator.", soft=True)

    if record.get("evidence"):
        heading("Evidence on record")
        para("On the record when the agreement took effect. Parley keeps its own copy of each.", 9, soft=True)
        for item in record["evidence"]:
            by = item["added_by"]
            para(
                f"{item['item']} · added by {by['name']} of {by['organization']} ({item['side']} side), "
                f"{long_moment(item['added_at'])}",
                9,
                bold=True,
            )
            pdf.quote(item["name"], 9, indent=4)
            if not item["copied"]:
                para(
                    "Not copied: Slack would not give Parley a copy, so it is a link only.",
                    8,
                    soft=True,
                    indent=4,
                )
            pdf.ln(1)

    if record["timeline"]:
        heading("How it got here")
        for step in record["timeline"]:
            what = _VERSION.sub(r"(version \1)", step["what"])
            para(f"{long_moment(step['at'])}: {what}", 9)


def _verification(pdf: Document, record: dict[str, Any]) -> None:
    """Everything needed to check the record, for whoever wants it: Slack's ids, the content
    hashes, the audit trail's head and the record's own fingerprint."""
    d, a = record["dispute"], record["agreement"]
    para = pdf.para
    pdf.last_section("Verification")
    para("For anyone who wants to check this agreement against Parley's own records.", soft=True)

    _part(pdf, "The dispute")
    para(
        f"{d['reference']} of Slack workspace {d['team_id']}, channel {d['channel_id']}, "
        f"opened {stamp(d['opened_at'])}"
    )
    for o in record["organizations"]:
        para(f"{o['name']} · Slack {o['team_id']} · {ROLES.get(o['side'], o['side'])}")

    _part(pdf, "The people (Slack workspace / user)")
    for p in record["parties"]:
        para(f"{p['name']}, {p['organization']} · Slack {p['team_id']} / {p['user_id']}")
    for m in record["mediators"]:
        para(f"Mediator: {m['name']}, {m['organization']} · Slack {m['team_id']} / {m['user_id']}")
    if not record["mediators"]:
        para("No mediator took part.", soft=True)

    _part(pdf, f"The agreement, version {a['version']}")
    rule = "every party" if a.get("approvals_rule") == "everyone" else "one person from each organization"
    para(f"In effect since {stamp(a['ratified_at'])}.")
    para(f"Approvals needed: {rule}, given in Slack with Parley's buttons.")
    para("SHA-256 content hash of its wording, as approved:", 9, soft=True)
    para(a["content_hash"], 8)

    _part(pdf, "The approvals")
    for ap in record["approvals"]:
        para(f"{ap['name']}, {ap['organization']} · Slack {ap['team_id']} / {ap['user_id']}", bold=True)
        para(f"Approved version {ap['version']} at {stamp(ap['at'])}", 9)
        para(f"Content hash of the wording approved: {ap['content_hash']}", 8, soft=True)
        pdf.ln(1.5)

    if record.get("evidence"):
        _part(pdf, "The evidence (SHA-256 of each copy Parley keeps)")
        for item in record["evidence"]:
            para(f"{item['item']} · {item['kind']} · {item.get('size') or 0} bytes", 9, bold=True)
            para(item["sha256"] or "not copied: no fingerprint", 8, soft=not item["sha256"])

    _part(pdf, "This record")
    if record["audit_trail_head"]:
        para(
            f"Audit trail of {d['reference']} when the agreement took effect (the SHA-256 of "
            "its latest event):",
            9,
            soft=True,
        )
        para(record["audit_trail_head"], 8)
    para(f"This record, {ATTACHMENT}, is attached to this PDF. Its SHA-256:", 9, soft=True)
    para(record_hash(record), 8)
    para(
        "Whoever runs Parley can check this file against its database with: parley verify <this file>",
        9,
        soft=True,
    )


def _part(pdf: Document, title: str) -> None:
    pdf.ln(2)
    pdf.para(title, 10, bold=True)
