"""A dispute's exported record as a PDF (bot/records/documents/pdf.py), drawn from the record
bot/records/export.py builds, which it carries attached as JSON for `parley verify`.

It opens in plain words: what the dispute is about, between whom, how it stands and what was
agreed; then the whole story (each side's view, proposals, agreements, check-ins, timeline).
Slack's ids, content hashes and the record's fingerprints are on the last pages, "Verification"."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.blocks.labels import CHECKIN_WORDS, category_label, event_words
from bot.records.agreement import canonical, record_hash
from bot.records.documents.agreement_pdf import ROLES, between, joined, together
from bot.records.documents.pdf import Document, long_day, long_moment, render, stamp
from bot.records.export import ATTACHMENT, FULL
from bot.services.vocabulary import REMEDIES, ROOT_CAUSES, format_amount

_VERSION = re.compile(r"^v(\d+)$")  # a timeline entry's "v1"
APPROVALS_RULE = {"everyone": "every party", "one_per_side": "one person from each organization"}
STANDING = {  # how a dispute stands, by its status, while it is still going
    "open": "Open: each side's account stays private until both have shared theirs.",
    "discussing": "Under discussion: nothing has been agreed yet.",
    "agreement_pending": "An agreement is waiting for approval.",
    "agreed": "Agreed: the agreement below is in effect.",
}
ENDED = {
    "resolved": "Resolved",
    "closed": "Closed with both sides' agreement",
    "withdrawn": "Withdrawn by the person who raised it",
}
AGREEMENT_STATUS = {
    "ratified": "in effect",
    "pending": "waiting for approval",
    "superseded": "replaced by a later version",
}
PROPOSAL_STATUS = {"superseded": "replaced"}
ITEM_STATUS = {"open": "not yet marked done", "partly": "partly done", "not_yet": "not done yet"}
CHECKIN_STATUS = {
    "pending": "planned",
    "posting": "being sent",
    "posted": "asked, waiting for an answer",
    "failed": "could not be sent",
}


def export_pdf(record: dict[str, Any]) -> bytes:
    return render(_export, record)


def _export(record: dict[str, Any]) -> Document:
    d = record["dispute"]
    internal = record["scope"] == FULL
    orgs = joined([o["name"] for o in record["organizations"]]) or "the parties"
    pdf = Document(f"Parley · {d['reference']} record")
    made_at = record["exported_at"]
    pdf.start(f"Record of {d['reference']}: {d['title']}", _moment(made_at))
    current = next((a for a in reversed(record["agreements"]) if a["status"] == "ratified"), None)
    _front(pdf, record, orgs, internal, current)
    _opened(pdf, record)
    _perspectives(pdf, record["perspectives"])
    _proposals(pdf, record["proposals"])
    _agreements(pdf, record["agreements"], current)
    _aftercare(pdf, record, internal)
    _timeline(pdf, record["timeline"])
    _verification(pdf, record)
    pdf.attach(
        canonical(record),
        ATTACHMENT,
        f"The record of {d['reference']} as exported, as Parley keeps it",
        _moment(made_at),
    )
    return pdf


def _front(
    pdf: Document, record: dict[str, Any], orgs: str, internal: bool, current: dict[str, Any] | None
) -> None:
    """What the dispute is about, between whom, how it stands and what was agreed."""
    d, para = record["dispute"], pdf.para
    opener = d["opened_by"]
    para(f"Dispute {between(record)}", 20, bold=True)
    para(f"Dispute record · {d['reference']}", 13)
    pdf.quote(d["title"], 12)
    para(
        f"{category_label(d['category'])} · raised on {long_day(d['opened_at'])} by "
        f"{opener['name']} ({opener['organization']})",
        soft=True,
    )
    para(f"Amount in question: {_amount(d['amount']) or 'none given'}", soft=True)
    provider = next((o["name"] for o in record["organizations"] if o["side"] == "provider"), "the team")
    para(
        f"This copy is {provider}'s full record, including its internal notes."
        if internal
        else f"This copy leaves out {provider}'s internal notes.",
        soft=True,
    )
    para(f"Exported on {long_moment(record['exported_at'])}.", soft=True)

    pdf.heading("How it stands")
    para(_standing(d), bold=True)
    if d["ended_reason"] and d["status"] in ("resolved", "closed"):
        _labelled(pdf, "The reason given", d["ended_reason"])
    upcoming = sorted(c["due_at"] for c in record["checkins"] if c["status"] == "pending")
    if upcoming:
        para(f"Parley will next check in with {orgs} on {long_day(upcoming[0])}.")

    pdf.heading("What was agreed")
    if current is None:
        pending = any(a["status"] == "pending" for a in record["agreements"])
        para(
            "Nothing yet: an agreement is waiting for approval (see Agreements)."
            if pending
            else "Nothing yet.",
            soft=True,
        )
        return
    para(f"In effect since {long_day(current['ratified_at'])}.", bold=True)
    para(
        f"{together(record, current['approvals_rule'])} approved this exact wording; any change "
        "needs new approvals."
    )
    _agreement(pdf, current)


def _standing(d: dict[str, Any]) -> str:
    # How a dispute ended stays recorded when it is reopened: only an ended one says it.
    if d["status"] not in ("resolved", "closed"):
        return STANDING.get(d["status"], d["status"].replace("_", " ").capitalize() + ".")
    how = ENDED.get(d["ended_how"] or d["status"], d["status"].capitalize())
    return f"{how} on {long_day(d['ended_at'])}." if d["ended_at"] else f"{how}."


def _agreement(pdf: Document, a: dict[str, Any]) -> None:
    """An agreement's wording, compensation, action items and who approved it."""
    pdf.quote(a["terms"])
    if a["compensation"]:
        pdf.para(f"Compensation: {_amount(a['compensation'])}")
    _items(pdf, a["action_items"])
    for x in a["approvals"]:
        # A line of Parley's that starts "Approved by" is only ever this one (people's text
        # cannot start one: tests/integration/test_pdf_people_text.py).
        pdf.para(
            f"{x['decision'].replace('_', ' ').capitalize()} by {x['name']} "
            f"({x['organization']}) on {long_moment(x['at'])}",
            9,
            indent=4,
        )


def _opened(pdf: Document, record: dict[str, Any]) -> None:
    d = record["dispute"]
    opener = d["opened_by"]
    pdf.heading("Who took part")
    for p in record["parties"]:
        pdf.para(f"{p['name']} ({p['organization']})")
    for m in record["mediators"]:
        pdf.para(f"{m['name']} ({m['organization']}), mediator")

    if d["description"] is None:  # the opener's account is their side's view (below)
        return
    pdf.heading("What happened, as the dispute was opened")
    pdf.para(f"As {opener['name']} ({opener['organization']}) described it:", 9, soft=True)
    pdf.quote(d["description"])
    if d["desired_outcome"]:
        _labelled(pdf, "Outcome wanted", d["desired_outcome"])


def _perspectives(pdf: Document, perspectives: list[dict[str, Any]]) -> None:
    pdf.heading("Each side's view")
    if not perspectives:
        pdf.para("None revealed: each side's view stays private until both have shared theirs.", soft=True)
    for p in perspectives:
        a = p["author"]
        revised = f" (revised, version {p['version']})" if p["version"] != 1 else ""
        pdf.para(f"{a['name']} ({a['organization']}), shared {long_day(p['at'])}{revised}", bold=True)
        _labelled(pdf, "What happened", p["what_happened"])
        if p["impact"]:  # an opener's account, counted as their view, does not say
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
        pdf.para(f"P{p['number']} ({PROPOSAL_STATUS.get(p['status'], p['status'])})", bold=True)
        pdf.quote(p["summary"])
        pdf.para(
            f"By {a['name']} ({a['organization']}) on {long_moment(p['at'])} · "
            f"{REMEDIES.get(p['remedy'], p['remedy'])} · compensation "
            f"{_amount(p['compensation']) or 'none'}",
            9,
            soft=True,
        )
        pdf.quote(p["details"])
        _items(pdf, p["action_items"])
        if p["decline_reason"]:
            _labelled(pdf, "Declined because", p["decline_reason"])
        pdf.ln(2)


def _agreements(pdf: Document, agreements: list[dict[str, Any]], current: dict[str, Any] | None) -> None:
    pdf.heading("Agreements")
    if not agreements:
        pdf.para("None drafted.", soft=True)
    for a in agreements:
        status = AGREEMENT_STATUS.get(a["status"], a["status"])
        since = (
            ""
            if not a["ratified_at"]
            else f" since {long_moment(a['ratified_at'])}"
            if a["status"] == "ratified"
            else f", after taking effect on {long_day(a['ratified_at'])}"
        )
        pdf.para(f"Version {a['version']}: {status}{since}", bold=True)
        if a is current:  # on the first page already: said once
            pdf.para(
                'Its wording, action items and approvals are under "What was agreed" above.', 9, soft=True
            )
            continue
        pdf.para(
            f"Drafted {long_moment(a['drafted_at'])}; to take effect when approved by "
            f"{APPROVALS_RULE.get(a['approvals_rule'], a['approvals_rule'])}.",
            9,
            soft=True,
        )
        _agreement(pdf, a)
        pdf.ln(2)


def _aftercare(pdf: Document, record: dict[str, Any], internal: bool) -> None:
    if record["checkins"]:
        pdf.heading("Check-ins")
        for c in record["checkins"]:
            status = CHECKIN_STATUS.get(c["status"], c["status"])
            answer = f" ({_words(ITEM_STATUS, c['answer'])})" if c["answer"] else ""
            pdf.para(
                f"{long_day(c['due_at'])}  {CHECKIN_WORDS.get(c['kind'], c['kind'])}: {status}{answer}", 9
            )
    if not internal:
        return
    pdf.heading("Feedback (internal)")
    for f in record["feedback"]:
        pdf.para(f"{f['rating']}/5 from {f['name']} ({f['organization']}), {long_day(f['at'])}")
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
        said = _VERSION.sub(r"version \1", step["detail"] or "").replace("_", " ")
        detail = f": {said}" if said else ""
        pdf.para(f"{long_moment(step['at'])}  {event_words(step['kind'])}{detail}{by}", 8)


def _verification(pdf: Document, record: dict[str, Any]) -> None:
    """Everything needed to check the record, for whoever wants it: Slack's ids, the exact
    moments, the content hashes, the audit trail's head and the record's own fingerprint."""
    d, para = record["dispute"], pdf.para
    pdf.last_section("Verification")
    para("For anyone who wants to check this record against Parley's own records.", soft=True)

    _part(pdf, "The dispute")
    scope = "the full record" if record["scope"] == FULL else "the record without internal notes"
    para(
        f"{d['reference']} of Slack workspace {d['team_id']}, channel {d['channel_id']}, "
        f"opened {stamp(d['opened_at'])}"
    )
    para(f"This copy: {scope}, exported {stamp(record['exported_at'])}")
    for o in record["organizations"]:
        para(f"{o['name']} · Slack {o['team_id']} · {ROLES.get(o['side'], o['side'])}")

    _part(pdf, "The people (Slack workspace / user)")
    for p in record["parties"]:
        para(f"{p['name']}, {p['organization']} · Slack {p['team_id']} / {p['user_id']}")
    for m in record["mediators"]:
        para(f"Mediator: {m['name']}, {m['organization']} · Slack {m['team_id']} / {m['user_id']}")

    for a in record["agreements"]:
        _part(pdf, f"Agreement version {a['version']}")
        para(f"SHA-256 content hash of its wording: {a['content_hash']}", 8)
        for x in a["approvals"]:
            para(
                f"{x['name']} ({x['organization']}, Slack {x['team_id']} / {x['user_id']}): "
                f"{x['decision'].replace('_', ' ')} version {x['version']} at {stamp(x['at'])}",
                9,
            )
            para(f"content hash {x['content_hash']}", 7, soft=True, indent=4)

    _part(pdf, "This record")
    if record["audit_trail_head"]:
        para(
            f"Audit trail of {d['reference']} up to the last event this record shows "
            "(the SHA-256 of that event):",
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


def _items(pdf: Document, items: list[dict[str, Any]]) -> None:
    for n, item in enumerate(items, 1):
        owner = item["owner"]
        moved = (
            f", moved to {long_day(item['due_now'])}"
            if item.get("due_now") not in (None, item["due"])
            else ""
        )
        done = f" · {_words(ITEM_STATUS, item['status'])}" if item.get("status") else ""
        pdf.para(
            f"{n}. {owner['name']} ({owner['organization']}) by {long_day(item['due'])}{moved}{done}",
            9,
            indent=4,
        )
        pdf.quote(item["text"], 9, indent=4)


def _words(words: dict[str, str], value: str) -> str:
    return words.get(value) or value.replace("_", " ")


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
