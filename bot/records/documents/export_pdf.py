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

from bot.blocks.labels import CHECKIN_WORDS, event_words
from bot.i18n import N_, _
from bot.records.agreement import canonical
from bot.records.documents.agreement_pdf import (
    attached_note,
    dispute_heading,
    joined,
    role,
    together,
)
from bot.records.documents.pdf import Document, long_day, long_moment, render, stamp
from bot.records.export import ATTACHMENT, FULL
from bot.services.vocabulary import category, format_amount, remedy, root_cause, status_words

_VERSION = re.compile(r"^v(\d+)$")  # a timeline entry's "v1"
# The dicts below hold English, marked for the catalog: each is shown through `_()` (_words).
STANDING = {  # how a dispute stands, by its status, while it is still going
    "open": N_("Open: each side's account stays private until both have shared theirs."),
    "discussing": N_("Under discussion: nothing has been agreed yet."),
    "agreement_pending": N_("An agreement is waiting for approval."),
    "agreed": N_("Agreed: the agreement below is in effect."),
}
ENDED = {  # how it ended, without and with the day it did
    "resolved": (N_("Resolved."), N_("Resolved on {day}.")),
    "closed": (N_("Closed with both sides' agreement."), N_("Closed with both sides' agreement on {day}.")),
    "withdrawn": (
        N_("Withdrawn by the person who raised it."),
        N_("Withdrawn by the person who raised it on {day}."),
    ),
}
AGREEMENT_STATUS = {
    "ratified": N_("in effect"),
    "pending": N_("waiting for approval"),
    "superseded": N_("replaced by a later version"),
}
PROPOSAL_STATUS = {
    "open": N_("open"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "withdrawn": N_("withdrawn"),
    "superseded": N_("replaced"),
}
ITEM_STATUS = {
    "open": N_("not yet marked done"),
    "done": N_("done"),
    "partly": N_("partly done"),
    "not_yet": N_("not done yet"),
}
CHECKIN_STATUS = {
    "pending": N_("planned"),
    "posting": N_("being sent"),
    "posted": N_("asked, waiting for an answer"),
    "answered": N_("answered"),
    "cancelled": N_("cancelled"),
    "failed": N_("could not be sent"),
}


def export_pdf(record: dict[str, Any]) -> bytes:
    return render(_export, record)


def _export(record: dict[str, Any]) -> Document:
    d = record["dispute"]
    internal = record["scope"] == FULL
    # Translators: the exported record's name, at the foot of each page.
    pdf = Document(_("Parley · {reference} record").format(reference=d["reference"]))
    made_at = record["exported_at"]
    pdf.start(
        _("Record of {reference}: {title}").format(reference=d["reference"], title=d["title"]),
        _moment(made_at),
    )
    current = next((a for a in reversed(record["agreements"]) if a["status"] == "ratified"), None)
    _front(pdf, record, internal, current)
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
        _("The record of {reference} as exported, as Parley keeps it").format(reference=d["reference"]),
        _moment(made_at),
    )
    return pdf


def _front(pdf: Document, record: dict[str, Any], internal: bool, current: dict[str, Any] | None) -> None:
    """What the dispute is about, between whom, how it stands and what was agreed."""
    d, para = record["dispute"], pdf.para
    opener = d["opened_by"]
    para(dispute_heading(record), 20, bold=True)
    para(_("Dispute record · {reference}").format(reference=d["reference"]), 13)
    pdf.quote(d["title"], 12)
    para(
        # Translators: {category} is the dispute's category ("Quality of work"); {day} a date.
        _("{category} · raised on {day} by {person} ({organization})").format(
            category=category(d["category"]),
            day=long_day(d["opened_at"]),
            person=opener["name"],
            organization=opener["organization"],
        ),
        soft=True,
    )
    amount = _amount(d["amount"])
    para(
        _("Amount in question: {amount}").format(amount=amount)
        if amount
        else _("Amount in question: none given"),
        soft=True,
    )
    provider = next((o["name"] for o in record["organizations"] if o["side"] == "provider"), None)
    para(_scope(provider, internal), soft=True)
    para(_("Exported on {moment}.").format(moment=long_moment(record["exported_at"])), soft=True)

    pdf.heading(_("How it stands"))
    para(_standing(d), bold=True)
    if d["ended_reason"] and d["status"] in ("resolved", "closed"):
        _labelled(pdf, _("The reason given"), d["ended_reason"])
    upcoming = sorted(c["due_at"] for c in record["checkins"] if c["status"] == "pending")
    if upcoming:
        names = [o["name"] for o in record["organizations"]]
        day = long_day(upcoming[0])
        para(
            _("Parley will next check in with {organizations} on {day}.").format(
                organizations=joined(names), day=day
            )
            if names
            else _("Parley will next check in with the parties on {day}.").format(day=day)
        )

    pdf.heading(_("What was agreed"))
    if current is None:
        pending = any(a["status"] == "pending" for a in record["agreements"])
        para(
            _("Nothing yet: an agreement is waiting for approval (see Agreements).")
            if pending
            else _("Nothing yet."),
            soft=True,
        )
        return
    para(_("In effect since {day}.").format(day=long_day(current["ratified_at"])), bold=True)
    para(together(record, current["approvals_rule"]))
    _agreement(pdf, current)


def _scope(provider: str | None, internal: bool) -> str:
    """Which copy this is, for whom."""
    if provider is None:
        return (
            _("This copy is the team's full record, including its internal notes.")
            if internal
            else _("This copy leaves out the team's internal notes.")
        )
    # Translators: {organization} is the name of the organization that handled the dispute.
    text = (
        _("This copy is {organization}'s full record, including its internal notes.")
        if internal
        else _("This copy leaves out {organization}'s internal notes.")
    )
    return text.format(organization=provider)


def _standing(d: dict[str, Any]) -> str:
    # How a dispute ended stays recorded when it is reopened: only an ended one says it.
    if d["status"] not in ("resolved", "closed"):
        going = STANDING.get(d["status"])
        return _(going) if going else d["status"].replace("_", " ").capitalize() + "."
    ended = ENDED.get(d["ended_how"] or d["status"])
    if ended is None:
        how = status_words(d["status"]).capitalize()
        if d["ended_at"]:
            # Translators: {how} is how the dispute ended ("Closed"); {day} a date.
            return _("{how} on {day}.").format(how=how, day=long_day(d["ended_at"]))
        return f"{how}."
    if d["ended_at"]:
        return _(ended[1]).format(day=long_day(d["ended_at"]))
    return _(ended[0])


def _agreement(pdf: Document, a: dict[str, Any]) -> None:
    """An agreement's wording, compensation, action items and who approved it."""
    pdf.quote(a["terms"])
    if a["compensation"]:
        pdf.para(_("Compensation: {amount}").format(amount=_amount(a["compensation"])))
    _items(pdf, a["action_items"])
    for x in a["approvals"]:
        # A line of Parley's that starts "Approved by" is only ever this one (people's text
        # cannot start one: tests/integration/test_pdf_people_text.py).
        text = (
            _("Approved by {person} ({organization}) on {moment}")
            if x["decision"] == "approved"
            # Translators: {decision} is what the person decided, as it is stored, capitalized.
            else _("{decision} by {person} ({organization}) on {moment}")
        )
        pdf.para(
            text.format(
                decision=x["decision"].replace("_", " ").capitalize(),
                person=x["name"],
                organization=x["organization"],
                moment=long_moment(x["at"]),
            ),
            9,
            indent=4,
        )


def _opened(pdf: Document, record: dict[str, Any]) -> None:
    d = record["dispute"]
    opener = d["opened_by"]
    pdf.heading(_("Who took part"))
    for p in record["parties"]:
        pdf.para(f"{p['name']} ({p['organization']})")
    for m in record["mediators"]:
        pdf.para(
            _("{person} ({organization}), mediator").format(person=m["name"], organization=m["organization"])
        )

    if d["description"] is None:  # the opener's account is their side's view (below)
        return
    pdf.heading(_("What happened, as the dispute was opened"))
    pdf.para(
        _("As {person} ({organization}) described it:").format(
            person=opener["name"], organization=opener["organization"]
        ),
        9,
        soft=True,
    )
    pdf.quote(d["description"])
    if d["desired_outcome"]:
        _labelled(pdf, _("Outcome wanted"), d["desired_outcome"])


def _perspectives(pdf: Document, perspectives: list[dict[str, Any]]) -> None:
    pdf.heading(_("Each side's view"))
    if not perspectives:
        pdf.para(_("None revealed: each side's view stays private until both have shared theirs."), soft=True)
    for p in perspectives:
        a = p["author"]
        text = (
            _("{person} ({organization}), shared {day}")
            if p["version"] == 1
            else _("{person} ({organization}), shared {day} (revised, version {version})")
        )
        pdf.para(
            text.format(
                person=a["name"], organization=a["organization"], day=long_day(p["at"]), version=p["version"]
            ),
            bold=True,
        )
        _labelled(pdf, _("What happened"), p["what_happened"])
        if p["impact"]:  # an opener's account, counted as their view, does not say
            _labelled(pdf, _("How it affected them"), p["impact"])
        _labelled(pdf, _("What would resolve it"), p["resolution"])
        if p["acknowledgement"]:
            _labelled(pdf, _("What they acknowledge"), p["acknowledgement"])
        pdf.ln(2)


def _proposals(pdf: Document, proposals: list[dict[str, Any]]) -> None:
    pdf.heading(_("Proposals"))
    if not proposals:
        pdf.para(_("None made."), soft=True)
    for p in proposals:
        a = p["author"]
        pdf.para(f"P{p['number']} ({_words(PROPOSAL_STATUS, p['status'])})", bold=True)
        pdf.quote(p["summary"])
        amount = _amount(p["compensation"])
        text = (
            # Translators: {remedy} is the kind of remedy proposed ("Discount"); {amount} the compensation.
            _("By {person} ({organization}) on {moment} · {remedy} · compensation {amount}")
            if amount
            # Translators: {remedy} is the kind of remedy proposed ("Discount").
            else _("By {person} ({organization}) on {moment} · {remedy} · compensation none")
        )
        pdf.para(
            text.format(
                person=a["name"],
                organization=a["organization"],
                moment=long_moment(p["at"]),
                remedy=remedy(p["remedy"]),
                amount=amount,
            ),
            9,
            soft=True,
        )
        pdf.quote(p["details"])
        _items(pdf, p["action_items"])
        if p["decline_reason"]:
            _labelled(pdf, _("Declined because"), p["decline_reason"])
        pdf.ln(2)


def _agreements(pdf: Document, agreements: list[dict[str, Any]], current: dict[str, Any] | None) -> None:
    pdf.heading(_("Agreements"))
    if not agreements:
        pdf.para(_("None drafted."), soft=True)
    for a in agreements:
        status = _words(AGREEMENT_STATUS, a["status"])
        if not a["ratified_at"]:
            line = _("Version {version}: {status}").format(version=a["version"], status=status)
        elif a["status"] == "ratified":
            # Translators: {status} is how the agreement stands ("in effect").
            line = _("Version {version}: {status} since {moment}").format(
                version=a["version"], status=status, moment=long_moment(a["ratified_at"])
            )
        else:
            line = _("Version {version}: {status}, after taking effect on {day}").format(
                version=a["version"], status=status, day=long_day(a["ratified_at"])
            )
        pdf.para(line, bold=True)
        if a is current:  # on the first page already: said once
            pdf.para(
                _('Its wording, action items and approvals are under "What was agreed" above.'), 9, soft=True
            )
            continue
        drafted = long_moment(a["drafted_at"])
        pdf.para(
            _("Drafted {moment}; to take effect when approved by every party.").format(moment=drafted)
            if a["approvals_rule"] == "everyone"
            else _(
                "Drafted {moment}; to take effect when approved by one person from each organization."
            ).format(moment=drafted),
            9,
            soft=True,
        )
        _agreement(pdf, a)
        pdf.ln(2)


def _aftercare(pdf: Document, record: dict[str, Any], internal: bool) -> None:
    if record["checkins"]:
        pdf.heading(_("Check-ins"))
        for c in record["checkins"]:
            status = _words(CHECKIN_STATUS, c["status"])
            answer = f" ({_words(ITEM_STATUS, c['answer'])})" if c["answer"] else ""
            pdf.para(f"{long_day(c['due_at'])}  {_words(CHECKIN_WORDS, c['kind'])}: {status}{answer}", 9)
    if not internal:
        return
    pdf.heading(_("Feedback (internal)"))
    for f in record["feedback"]:
        pdf.para(
            # Translators: a rating out of 5, who gave it and the day they did.
            _("{rating}/5 from {person} ({organization}), {day}").format(
                rating=f["rating"], person=f["name"], organization=f["organization"], day=long_day(f["at"])
            )
        )
        if f["comment"]:
            pdf.quote(f["comment"])
    if not record["feedback"]:
        pdf.para(_("None given."), soft=True)
    pdf.heading(_("Lessons learned (internal)"))
    for x in record["lessons"]:
        _labelled(pdf, root_cause(x["root_cause"]), x["what_to_change"])
    if not record["lessons"]:
        pdf.para(_("None recorded."), soft=True)


def _timeline(pdf: Document, timeline: list[dict[str, Any]]) -> None:
    pdf.heading(_("Timeline"))
    for step in timeline:
        actor = step["actor"]
        by = f" ({actor['name']}, {actor['organization']})" if actor else ""
        said = _detail(step["kind"], step["detail"])
        detail = f": {said}" if said else ""
        pdf.para(f"{long_moment(step['at'])}  {event_words(step['kind'])}{detail}{by}", 8)


def _detail(kind: str, detail: str | None) -> str:
    """What a timeline entry names besides its kind (bot/records/export.py's event_detail): an
    agreement's version, a proposal (P2), a new status."""
    if not detail:
        return ""
    version = _VERSION.match(detail)
    if version:
        # Translators: after a timeline entry ("Agreement in effect: version 1").
        return _("version {version}").format(version=version.group(1))
    if kind == "dispute.status_changed":
        return status_words(detail)
    return detail.replace("_", " ")


def _verification(pdf: Document, record: dict[str, Any]) -> None:
    """Everything needed to check the record, for whoever wants it: Slack's ids, the exact
    moments, the content hashes, the audit trail's head and the record's own fingerprint."""
    d, para = record["dispute"], pdf.para
    pdf.last_section(_("Verification"))
    para(_("For anyone who wants to check this record against Parley's own records."), soft=True)

    _part(pdf, _("The dispute"))
    para(
        # Translators: {team} and {channel} are Slack's ids (T0123, C0456); {moment} a UTC time.
        _("{reference} of Slack workspace {team}, channel {channel}, opened {moment}").format(
            reference=d["reference"], team=d["team_id"], channel=d["channel_id"], moment=stamp(d["opened_at"])
        )
    )
    exported = stamp(record["exported_at"])
    para(
        _("This copy: the full record, exported {moment}").format(moment=exported)
        if record["scope"] == FULL
        else _("This copy: the record without internal notes, exported {moment}").format(moment=exported)
    )
    for o in record["organizations"]:
        para(
            _("{organization} · Slack {team} · {role}").format(
                organization=o["name"], team=o["team_id"], role=role(o["side"])
            )
        )

    _part(pdf, _("The people (Slack workspace / user)"))
    for p in record["parties"]:
        para(
            _("{person}, {organization} · Slack {team} / {user}").format(
                person=p["name"], organization=p["organization"], team=p["team_id"], user=p["user_id"]
            )
        )
    for m in record["mediators"]:
        para(
            _("Mediator: {person}, {organization} · Slack {team} / {user}").format(
                person=m["name"], organization=m["organization"], team=m["team_id"], user=m["user_id"]
            )
        )

    for a in record["agreements"]:
        _part(pdf, _("Agreement version {version}").format(version=a["version"]))
        para(_("SHA-256 content hash of its wording: {hash}").format(hash=a["content_hash"]), 8)
        for x in a["approvals"]:
            text = (
                # Translators: a person, their organization and Slack's ids, then what they decided.
                _("{person} ({organization}, Slack {team} / {user}): approved version {version} at {moment}")
                if x["decision"] == "approved"
                else _(
                    "{person} ({organization}, Slack {team} / {user}): {decision} version {version} "
                    "at {moment}"
                )
            )
            para(
                text.format(
                    person=x["name"],
                    organization=x["organization"],
                    team=x["team_id"],
                    user=x["user_id"],
                    decision=x["decision"].replace("_", " "),
                    version=x["version"],
                    moment=stamp(x["at"]),
                ),
                9,
            )
            para(_("content hash {hash}").format(hash=x["content_hash"]), 7, soft=True, indent=4)

    _part(pdf, _("This record"))
    if record["audit_trail_head"]:
        para(
            _(
                "Audit trail of {reference} up to the last event this record shows "
                "(the SHA-256 of that event):"
            ).format(reference=d["reference"]),
            9,
            soft=True,
        )
        para(record["audit_trail_head"], 8)
    attached_note(pdf, record)


def _part(pdf: Document, title: str) -> None:
    pdf.ln(2)
    pdf.para(title, 10, bold=True)


def _items(pdf: Document, items: list[dict[str, Any]]) -> None:
    for n, item in enumerate(items, 1):
        owner = item["owner"]
        moved = item.get("due_now") not in (None, item["due"])
        text = (
            # Translators: an action item: its number, who carries it out, the date it was due by as
            # agreed, and the date it was moved to.
            _("{number}. {person} ({organization}) by {day}, moved to {moved}")
            if moved
            # Translators: an action item: its number, who carries it out, and the date it is due by.
            else _("{number}. {person} ({organization}) by {day}")
        ).format(
            number=n,
            person=owner["name"],
            organization=owner["organization"],
            day=long_day(item["due"]),
            moved=long_day(item.get("due_now")),
        )
        done = f" · {_words(ITEM_STATUS, item['status'])}" if item.get("status") else ""
        pdf.para(text + done, 9, indent=4)
        pdf.quote(item["text"], 9, indent=4)


def _words(words: dict[str, str], value: str) -> str:
    """A stored value as words, in the language in use (as it is stored, if it has none)."""
    found = words.get(value)
    return _(found) if found else value.replace("_", " ")


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
