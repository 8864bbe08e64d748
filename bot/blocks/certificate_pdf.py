"""The agreement certificate as a PDF (bot/blocks/pdf_doc.py): who agreed to what and when,
with the record itself attached as JSON (bot/services/certificates.py), so that checking it
never depends on reading the text back."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bot.blocks.labels import SIDE_LABELS, category_label
from bot.blocks.pdf_doc import REPLACEMENT, Document, day, drawable, render, stamp
from bot.services.certificates import ATTACHMENT, canonical, record_hash
from bot.services.vocabulary import format_amount

__all__ = ["REPLACEMENT", "certificate_pdf", "drawable"]


def certificate_pdf(record: dict[str, Any], *, made_at: datetime | None = None) -> bytes:
    return render(_certificate, record, made_at or datetime.now(UTC))


def _certificate(record: dict[str, Any], made_at: datetime) -> Document:
    d, a = record["dispute"], record["agreement"]
    label = f"Agreement v{a['version']}"
    pdf = Document(f"Parley · {d['reference']} {label}")
    pdf.start(f"{label} for {d['reference']}: {d['title']}", made_at)
    heading, para = pdf.heading, pdf.para

    para("Agreement certificate", 20, bold=True)
    para(d["reference"], 13)
    pdf.quote(d["title"], 12)
    orgs = record["organizations"]
    between = " and ".join(f"{o['name']} ({SIDE_LABELS.get(o['side'], o['side'])})" for o in orgs)
    para(f"Between {between}. {category_label(d['category'])}; opened {day(d['opened_at'])}.",
         soft=True)
    who = ("every party" if a.get("approvals_rule") == "everyone"
           else "one person from each organization")
    para(f"{label} has been in effect since {stamp(a['ratified_at'])}, approved by {who} with "
         "Parley's buttons in Slack, each approval bound to the exact text below by its SHA-256 "
         "content hash.", soft=True)

    heading("Parties")
    for p in record["parties"]:
        para(f"{p['name']}, {p['organization']} ({SIDE_LABELS.get(p['side'], p['side'])}) · "
             f"Slack {p['team_id']} / {p['user_id']}")
    if record["mediators"]:
        for m in record["mediators"]:
            para(f"Mediator: {m['name']}, {m['organization']} · Slack {m['team_id']} / "
                 f"{m['user_id']}")
    else:
        para("No mediator took part.", soft=True)

    heading("Terms")
    pdf.quote(a["terms"])
    if a["compensation"]:
        heading("Compensation")
        money = a["compensation"]
        para(format_amount(Decimal(money["amount"]), money["currency"]) or money["amount"])
    if a["action_items"]:
        heading("Action items")
        for n, item in enumerate(a["action_items"], 1):
            owner = item["owner"]
            para(f"Action item {n}: {owner['name']} ({owner['organization']}) · due "
                 f"{item['due']}", 9, bold=True)
            pdf.quote(item["text"])

    heading("Approvals")
    for ap in record["approvals"]:
        para(f"{ap['name']}, {ap['organization']} · Slack {ap['team_id']} / {ap['user_id']}",
             bold=True)
        para(f"Approved version {ap['version']} at {stamp(ap['at'])}", 9)
        para(f"Content hash of the text approved: {ap['content_hash']}", 8, soft=True)
        pdf.ln(1.5)

    if record["timeline"]:
        heading("Timeline")
        for step in record["timeline"]:
            para(f"{stamp(step['at'])}  {step['what']}", 9)

    heading("Fingerprints (SHA-256)")
    para("Agreement (its canonical text, as approved):", 9, bold=True)
    para(a["content_hash"], 8)
    if record["audit_trail_head"]:
        para(f"Audit trail of {d['reference']} when it took effect (also posted in its thread):",
             9, bold=True)
        para(record["audit_trail_head"], 8)
    para(f"This record ({ATTACHMENT}, attached to this PDF):", 9, bold=True)
    para(record_hash(record), 8)
    para("Check this file against Parley's database with: parley verify <this file>", 8,
         soft=True)

    pdf.attach(canonical(record), ATTACHMENT,
               f"The {label} record of {d['reference']}, as Parley keeps it", made_at)
    return pdf

