"""A dispute's exported record as a PDF (bot/blocks/pdf_doc.py), drawn from the record
bot/services/export_record.py builds, which it carries attached as JSON for `parley verify`."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.blocks.labels import CHECKIN_WORDS, SIDE_LABELS, category_label, event_words
from bot.blocks.pdf_doc import Document, day, render, stamp
from bot.services.certificates import canonical, record_hash
from bot.services.export_record import ATTACHMENT, FULL
from bot.services.vocabulary import REMEDIES, ROOT_CAUSES, format_amount

APPROVALS_RULE = {"everyone": "every party", "one_per_side": "one person from each organization"}


def export_pdf(record: dict[str, Any]) -> bytes:
    return render(_export, record)


def _export(record: dict[str, Any]) -> Document:
    d = record["dispute"]
    internal = record["scope"] == FULL
    pdf = Document(f"Parley · {d['reference']} record")
    made_at = record["exported_at"]
    pdf.start(f"Record of {d['reference']}: {d['title']}", _moment(made_at))
    _front(pdf, record, internal)
    _perspectives(pdf, record["perspectives"])
    _proposals(pdf, record["proposals"])
    _agreements(pdf, record["agreements"])
    _aftercare(pdf, record, internal)
    _timeline(pdf, record["timeline"])

    pdf.heading("Fingerprints (SHA-256)")
    if record["audit_trail_head"]:
        pdf.para(f"Audit trail of {d['reference']} up to the last event this record shows:",
                 9, bold=True)
        pdf.para(record["audit_trail_head"], 8)
    pdf.para(f"This record ({ATTACHMENT}, attached to this PDF):", 9, bold=True)
    pdf.para(record_hash(record), 8)
    pdf.para("Check this file against Parley's database with: parley verify <this file>", 8,
             soft=True)
    pdf.attach(canonical(record), ATTACHMENT,
               f"The record of {d['reference']} as exported, as Parley keeps it", _moment(made_at))
    return pdf


def _front(pdf: Document, record: dict[str, Any], internal: bool) -> None:
    d = record["dispute"]
    para = pdf.para
    para("Dispute record", 20, bold=True)
    para(d["reference"], 13)
    pdf.quote(d["title"], 12)
    para("Full record for the provider side, including the team's internal notes." if internal
         else "Record for the client side and the mediator: the provider team's internal notes "
         "are not included.",
         soft=True)
    between = " and ".join(f"{o['name']} ({SIDE_LABELS.get(o['side'], o['side'])})"
                           for o in record["organizations"])
    opener = d["opened_by"]
    para(f"Between {between}. {category_label(d['category'])}; opened {stamp(d['opened_at'])} "
         f"by {opener['name']} ({opener['organization']}).", soft=True)
    status = d["status"].replace("_", " ").capitalize()
    ended = d["status"] in ("resolved", "closed")  # a dispute reopened keeps how it ended once
    if ended and d["ended_how"] and d["ended_how"] != d["status"]:
        status += f" ({d['ended_how']})"
    if ended and d["ended_at"]:
        status += f" since {stamp(d['ended_at'])}"
    para(f"Status: {status}. Amount in question: {_amount(d['amount']) or 'none given'}. "
         f"Exported {stamp(record['exported_at'])}.", soft=True)

    pdf.heading("Parties")
    for p in record["parties"]:
        para(f"{p['name']}, {p['organization']} ({SIDE_LABELS.get(p['side'], p['side'])}) · "
             f"Slack {p['team_id']} / {p['user_id']}")
    for m in record["mediators"]:
        para(f"Mediator: {m['name']}, {m['organization']} · Slack {m['team_id']} / {m['user_id']}")

    pdf.heading("What happened, as the dispute was opened")
    para(f"As {opener['name']} ({opener['organization']}) described it:", 9, soft=True)
    pdf.quote(d["description"])
    _labelled(pdf, "Outcome wanted", d["desired_outcome"])
    if d["ended_reason"]:
        _labelled(pdf, f"How it ended ({d['ended_how']})", d["ended_reason"])


def _perspectives(pdf: Document, perspectives: list[dict[str, Any]]) -> None:
    pdf.heading("Perspectives")
    if not perspectives:
        pdf.para("None revealed: each side's perspective stays sealed until both have shared "
                 "theirs.", soft=True)
    for p in perspectives:
        a = p["author"]
        pdf.para(f"{a['name']}, {a['organization']} ({SIDE_LABELS.get(a['side'], a['side'])}) · "
                 f"version {p['version']}, shared {stamp(p['at'])}", bold=True)
        _labelled(pdf, "What happened", p["what_happened"])
        _labelled(pdf, "How it affected them", p["impact"])
        _labelled(pdf, "What would resolve it", p["resolution"])
        if p["acknowledgement"]:
            _labelled(pdf, "What they acknowledge", p["acknowledgement"])
        pdf.ln(2)


def _proposals(pdf: Document, proposals: list[dict[str, Any]]) -> None:
    pdf.heading("Proposals")
    if not proposals:
        pdf.para("None made.", soft=True)
    for p in proposals:
        a = p["author"]
        pdf.para(f"P{p['number']} ({p['status']})", bold=True)
        pdf.quote(p["summary"])
        pdf.para(f"By {a['name']} ({a['organization']}), {stamp(p['at'])} · "
                 f"{REMEDIES.get(p['remedy'], p['remedy'])} · compensation "
                 f"{_amount(p['compensation']) or 'none'}", 9, soft=True)
        pdf.quote(p["details"])
        _items(pdf, p["action_items"])
        if p["decline_reason"]:
            _labelled(pdf, "Declined because", p["decline_reason"])
        pdf.ln(2)


def _agreements(pdf: Document, agreements: list[dict[str, Any]]) -> None:
    pdf.heading("Agreements")
    if not agreements:
        pdf.para("None drafted.", soft=True)
    for a in agreements:
        since = ("" if not a["ratified_at"] else
                 f", in effect since {stamp(a['ratified_at'])}" if a["status"] == "ratified" else
                 f", took effect {stamp(a['ratified_at'])}")
        pdf.para(f"Agreement v{a['version']} ({a['status']}{since})", bold=True)
        pdf.para(f"Drafted {stamp(a['drafted_at'])}; to take effect when approved by "
                 f"{APPROVALS_RULE.get(a['approvals_rule'], a['approvals_rule'])}.", 9, soft=True)
        pdf.quote(a["terms"])
        if a["compensation"]:
            pdf.para(f"Compensation: {_amount(a['compensation'])}")
        _items(pdf, a["action_items"])
        for x in a["approvals"]:
            pdf.para(f"{x['decision'].replace('_', ' ').capitalize()} by {x['name']} "
                     f"({x['organization']}, Slack {x['team_id']} / {x['user_id']}) at "
                     f"{stamp(x['at'])}, version {x['version']}", 9, indent=4)
            pdf.para(f"content hash {x['content_hash']}", 7, soft=True, indent=4)
        pdf.para(f"Content hash of v{a['version']}: {a['content_hash']}", 8, soft=True)
        pdf.ln(2)


def _aftercare(pdf: Document, record: dict[str, Any], internal: bool) -> None:
    if record["checkins"]:
        pdf.heading("Check-ins")
        for c in record["checkins"]:
            answer = f", answered {c['answer'].replace('_', ' ')}" if c["answer"] else ""
            pdf.para(f"{stamp(c['due_at'])}  {CHECKIN_WORDS.get(c['kind'], c['kind'])}: "
                     f"{c['status']}{answer}", 9)
    if not internal:
        return
    pdf.heading("Feedback (internal)")
    for f in record["feedback"]:
        pdf.para(f"{f['rating']}/5 from {f['name']} ({f['organization']}), {day(f['at'])}")
        if f["comment"]:
            pdf.quote(f["comment"])
    if not record["feedback"]:
        pdf.para("None given.", soft=True)
    pdf.heading("Lessons learned (internal)")
    for x in record["lessons"]:
        _labelled(pdf, ROOT_CAUSES.get(x["root_cause"], x["root_cause"]), x["what_to_change"])
    if not record["lessons"]:
        pdf.para("None recorded.", soft=True)


def _timeline(pdf: Document, timeline: list[dict[str, Any]]) -> None:
    pdf.heading("Timeline")
    for step in timeline:
        actor = step["actor"]
        by = f" ({actor['name']}, {actor['organization']})" if actor else ""
        detail = f": {step['detail'].replace('_', ' ')}" if step["detail"] else ""
        pdf.para(f"{stamp(step['at'])}  {event_words(step['kind'])}{detail}{by}", 8)


def _items(pdf: Document, items: list[dict[str, Any]]) -> None:
    for n, item in enumerate(items, 1):
        owner = item["owner"]
        moved = (f", moved to {item['due_now']}" if item.get("due_now") not in (None, item["due"])
                 else "")
        done = f" · {item['status'].replace('_', ' ')}" if item.get("status") else ""
        pdf.para(f"Action item {n}: {owner['name']} ({owner['organization']}), due "
                 f"{item['due']}{moved}{done}", 9, indent=4)
        pdf.quote(item["text"], 9, indent=4)


def _labelled(pdf: Document, label: str, text: str) -> None:
    pdf.ln(1)
    pdf.para(label, 9, bold=True, soft=True)
    pdf.quote(text)


def _amount(money: dict[str, Any] | None) -> str | None:
    if not money:
        return None
    return format_amount(Decimal(money["amount"]), money["currency"]) or money["amount"]


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))
