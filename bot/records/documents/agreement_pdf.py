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

from bot.i18n import N_, _, ngettext, pgettext
from bot.records.agreement import ATTACHMENT, TIMELINE_KINDS, canonical, record_hash
from bot.records.documents.pdf import (
    REPLACEMENT,
    Document,
    drawable,
    long_day,
    long_moment,
    render,
    stamp,
)
from bot.services.vocabulary import category, format_amount

__all__ = [
    "REPLACEMENT",
    "agreement_heading",
    "attached_note",
    "certificate_pdf",
    "check_in_with",
    "dispute_heading",
    "drawable",
    "joined",
    "role",
    "together",
]

_STEP = re.compile(r"(.+) \(v(\d+)\)")  # the timeline's "Agreement approved (v1)"
# What the record's sides mean, for the verification page (no "provider side" in front of people).
ROLES = {"provider": N_("the business that did the work"), "client": N_("its client")}


def certificate_pdf(record: dict[str, Any], *, made_at: datetime | None = None) -> bytes:
    return render(_certificate, record, made_at or datetime.now(UTC))


def joined(names: list[str]) -> str:
    """ "Studio", "Studio and Client Co", "A, B and C"."""
    if len(names) < 2:
        return "".join(names)
    # Translators: the end of a list of names ("Studio and Client Co", "A, B and C"); {names}
    # is all but the last, separated by commas.
    return _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])


def _organizations(record: dict[str, Any]) -> list[str]:
    return [o["name"] for o in record["organizations"]]


def agreement_heading(record: dict[str, Any]) -> str:
    """ "Agreement between Studio and Client Co" (or "Agreement within Studio" when all are of
    one organization)."""
    names = _organizations(record)
    if len(names) > 1:
        return _("Agreement between {organizations}").format(organizations=joined(names))
    return _("Agreement within {organization}").format(organization=joined(names) or "Slack")


def dispute_heading(record: dict[str, Any]) -> str:
    """ "Dispute between Studio and Client Co" (or "Dispute within Studio")."""
    names = _organizations(record)
    if len(names) > 1:
        return _("Dispute between {organizations}").format(organizations=joined(names))
    return _("Dispute within {organization}").format(organization=joined(names) or "Slack")


def together(record: dict[str, Any], rule: str | None) -> str:
    """Who approved, said as a whole, and that the wording is bound."""
    count = len(record["organizations"])
    if rule == "everyone" or count < 2:
        return _("Everyone taking part approved this exact wording; any change needs new approvals.")
    if count == 2:
        return _("Both organizations approved this exact wording; any change needs new approvals.")
    return _("Each organization approved this exact wording; any change needs new approvals.")


def check_in_with(record: dict[str, Any]) -> str:
    """That Parley will check in with the organizations, as the certificate says it."""
    names = _organizations(record)
    if not names:
        return _("Parley will check in with the parties as agreed, to see how things are going.")
    return _("Parley will check in with {organizations} as agreed, to see how things are going.").format(
        organizations=joined(names)
    )


def role(side: str) -> str:
    """What a side means, for the verification pages."""
    words = ROLES.get(side)
    return _(words) if words else side


def _timeline_step(what: str) -> str:
    """A timeline entry of the record (English, as it is recorded) as this document says it."""
    found = _STEP.fullmatch(what)
    step, version = (found.group(1), found.group(2)) if found else (what, None)
    shown = _(step) if step in TIMELINE_KINDS.values() else step
    if version is None:
        return shown
    # Translators: a step of the agreement's history ("Agreement approved") and the version it was.
    return _("{step} (version {version})").format(step=shown, version=version)


def _approved(ap: dict[str, Any]) -> str:
    """One approval: who, how (when not with the Approve button) and when."""
    how = ap.get("how")
    if how == "proposed":
        text = _("{person} ({organization}), by proposing it, {moment}")
    elif how == "accepted":
        text = _("{person} ({organization}), by accepting it, {moment}")
    else:
        text = _("{person} ({organization}), {moment}")
    return text.format(person=ap["name"], organization=ap["organization"], moment=long_moment(ap["at"]))


def _evidence_added(item: dict[str, Any]) -> str:
    by = item["added_by"]
    if item["side"] == "provider":
        # Translators: {item} is an evidence item's label (E1); {moment} when it was added.
        text = _("{item} · added by {person} of {organization} (provider side), {moment}")
    elif item["side"] == "client":
        text = _("{item} · added by {person} of {organization} (client side), {moment}")
    else:
        text = _("{item} · added by {person} of {organization}, {moment}")
    return text.format(
        item=item["item"],
        person=by["name"],
        organization=by["organization"],
        moment=long_moment(item["added_at"]),
    )


def evidence_kind(kind: str) -> str:
    """What an evidence item is ("file", "message"), in the language in use."""
    if kind == "file":
        return pgettext("evidence kind", "file")
    if kind == "message":
        return pgettext("evidence kind", "message")
    return kind


def _certificate(record: dict[str, Any], made_at: datetime) -> Document:
    d, a = record["dispute"], record["agreement"]
    pdf = Document(
        # Translators: the certificate's name, at the foot of each page.
        _("Parley · {reference} agreement, version {version}").format(
            reference=d["reference"], version=a["version"]
        )
    )
    pdf.start(f"{agreement_heading(record)}: {d['reference']} {d['title']}", made_at)
    _front(pdf, record)
    _verification(pdf, record)
    pdf.attach(
        canonical(record),
        ATTACHMENT,
        _("The record of agreement v{version} of {reference}, as Parley keeps it").format(
            version=a["version"], reference=d["reference"]
        ),
        made_at,
    )
    return pdf


def _front(pdf: Document, record: dict[str, Any]) -> None:
    """What was agreed, by whom, and what happens next."""
    d, a = record["dispute"], record["agreement"]
    heading, para = pdf.heading, pdf.para
    para(agreement_heading(record), 20, bold=True)
    para(_("Dispute {reference}").format(reference=d["reference"]), 13)
    pdf.quote(d["title"], 12)
    para(
        # Translators: {category} is the dispute's category ("Quality of work"); {day} a date.
        _("{category} · raised on {day}").format(
            category=category(d["category"]), day=long_day(d["opened_at"])
        ),
        soft=True,
    )
    pdf.ln(2)
    para(
        _("Agreed on {day}.").format(day=long_day(a["ratified_at"]))
        if a["version"] == 1
        else _("Agreed on {day}. This is version {version} of the agreement.").format(
            day=long_day(a["ratified_at"]), version=a["version"]
        ),
        11,
        bold=True,
    )
    para(together(record, a.get("approvals_rule")), 11)

    heading(_("What was agreed"))
    pdf.quote(a["terms"])
    if a["compensation"]:
        money = a["compensation"]
        pdf.ln(1)
        para(
            _("Compensation: {amount}").format(
                amount=format_amount(Decimal(money["amount"]), money["currency"]) or money["amount"]
            )
        )
        if record.get("settled_privately"):
            para(
                _(
                    "This amount was settled privately: each side's approver entered a limit that "
                    "nobody else saw, and it is halfway between the two, rounded."
                ),
                9,
                soft=True,
            )

    heading(_("What happens next"))
    for n, item in enumerate(a["action_items"], 1):
        owner = item["owner"]
        para(
            # Translators: an action item: its number, who carries it out, and the date it is due by.
            _("{number}. {person} ({organization}) by {day}:").format(
                number=n, person=owner["name"], organization=owner["organization"], day=long_day(item["due"])
            ),
            bold=True,
        )
        pdf.quote(item["text"], indent=4)
        pdf.ln(1)
    if not a["action_items"]:
        para(_("No further steps were agreed beyond the wording above."))
    para(check_in_with(record), soft=True)

    heading(_("Who approved"))
    for ap in record["approvals"]:
        para(_approved(ap))
    approvers = {(ap["team_id"], ap["user_id"]) for ap in record["approvals"]}
    others = [
        f"{p['name']} ({p['organization']})"
        for p in record["parties"]
        if (p["team_id"], p["user_id"]) not in approvers
    ]
    if others:
        para(_("Also taking part: {people}.").format(people=joined(others)), soft=True)
    for m in record["mediators"]:
        para(
            _("With the help of {person} ({organization}) as mediator.").format(
                person=m["name"], organization=m["organization"]
            ),
            soft=True,
        )

    if record.get("evidence"):
        heading(_("Evidence on record"))
        para(
            _("On the record when the agreement took effect. Parley keeps its own copy of each."),
            9,
            soft=True,
        )
        for item in record["evidence"]:
            para(_evidence_added(item), 9, bold=True)
            pdf.quote(item["name"], 9, indent=4)
            if not item["copied"]:
                para(
                    _("Not copied: Slack would not give Parley a copy, so it is a link only."),
                    8,
                    soft=True,
                    indent=4,
                )
            pdf.ln(1)

    if record["timeline"]:
        heading(_("How it got here"))
        for step in record["timeline"]:
            para(f"{long_moment(step['at'])}: {_timeline_step(step['what'])}", 9)


def _verification(pdf: Document, record: dict[str, Any]) -> None:
    """Everything needed to check the record, for whoever wants it: Slack's ids, the content
    hashes, the audit trail's head and the record's own fingerprint."""
    d, a = record["dispute"], record["agreement"]
    para = pdf.para
    pdf.last_section(_("Verification"))
    para(_("For anyone who wants to check this agreement against Parley's own records."), soft=True)

    _part(pdf, _("The dispute"))
    para(
        # Translators: {team} and {channel} are Slack's ids (T0123, C0456); {moment} a UTC time.
        _("{reference} of Slack workspace {team}, channel {channel}, opened {moment}").format(
            reference=d["reference"], team=d["team_id"], channel=d["channel_id"], moment=stamp(d["opened_at"])
        )
    )
    for o in record["organizations"]:
        para(
            # Translators: {team} is Slack's id of the workspace; {role} what the organization is
            # ("the business that did the work").
            _("{organization} · Slack {team} · {role}").format(
                organization=o["name"], team=o["team_id"], role=role(o["side"])
            )
        )

    _part(pdf, _("The people (Slack workspace / user)"))
    for p in record["parties"]:
        para(_person_ids(p))
    for m in record["mediators"]:
        para(_mediator_ids(m))
    if not record["mediators"]:
        para(_("No mediator took part."), soft=True)

    _part(pdf, _("The agreement, version {version}").format(version=a["version"]))
    para(_("In effect since {moment}.").format(moment=stamp(a["ratified_at"])))
    para(
        _("Approvals needed: every party, given in Slack with Parley's buttons.")
        if a.get("approvals_rule") == "everyone"
        else _("Approvals needed: one person from each organization, given in Slack with Parley's buttons.")
    )
    para(_("SHA-256 content hash of its wording, as approved:"), 9, soft=True)
    para(a["content_hash"], 8)

    _part(pdf, _("The approvals"))
    for ap in record["approvals"]:
        para(_person_ids(ap), bold=True)
        para(
            _("Approved version {version} at {moment}").format(version=ap["version"], moment=stamp(ap["at"])),
            9,
        )
        para(_("Content hash of the wording approved: {hash}").format(hash=ap["content_hash"]), 8, soft=True)
        pdf.ln(1.5)

    if record.get("evidence"):
        _part(pdf, _("The evidence (SHA-256 of each copy Parley keeps)"))
        for item in record["evidence"]:
            size = item.get("size") or 0
            para(
                # Translators: {item} is an evidence item's label (E1); {kind} "file" or "message".
                ngettext("{item} · {kind} · {size} byte", "{item} · {kind} · {size} bytes", size).format(
                    item=item["item"], kind=evidence_kind(item["kind"]), size=size
                ),
                9,
                bold=True,
            )
            para(item["sha256"] or _("not copied: no fingerprint"), 8, soft=not item["sha256"])

    _part(pdf, _("This record"))
    if record["audit_trail_head"]:
        para(
            _(
                "Audit trail of {reference} when the agreement took effect (the SHA-256 of its latest event):"
            ).format(reference=d["reference"]),
            9,
            soft=True,
        )
        para(record["audit_trail_head"], 8)
    attached_note(pdf, record)


def attached_note(pdf: Document, record: dict[str, Any]) -> None:
    """The record's own fingerprint, and how to check it (the end of every verification page)."""
    pdf.para(
        # Translators: {file} is the attached file's name (parley-record.json).
        _("This record, {file}, is attached to this PDF. Its SHA-256:").format(file=ATTACHMENT),
        9,
        soft=True,
    )
    pdf.para(record_hash(record), 8)
    pdf.para(
        # Translators: "parley verify <this file>" is a command; "this file" may be translated.
        _("Whoever runs Parley can check this file against its database with: parley verify <this file>"),
        9,
        soft=True,
    )


def _person_ids(p: dict[str, Any]) -> str:
    # Translators: a person with their organization and Slack's ids of their workspace and user.
    return _("{person}, {organization} · Slack {team} / {user}").format(
        person=p["name"], organization=p["organization"], team=p["team_id"], user=p["user_id"]
    )


def _mediator_ids(m: dict[str, Any]) -> str:
    return _("Mediator: {person}, {organization} · Slack {team} / {user}").format(
        person=m["name"], organization=m["organization"], team=m["team_id"], user=m["user_id"]
    )


def _part(pdf: Document, title: str) -> None:
    pdf.ln(2)
    pdf.para(title, 10, bold=True)
