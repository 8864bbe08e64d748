"""The agreement modal, the agreement message with its live approvals, and related messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, option, static_select, text_input
from bot.blocks.items import ItemValues, item_rows
from bot.blocks.text import (
    Mrkdwn,
    button,
    context,
    md,
    mention,
    plain,
    quote_sections,
    quoted,
    section,
    slack_date,
    truncate,
)
from bot.payloads import AgreementButton, AgreementMeta, ChangesMeta
from bot.services.vocabulary import CURRENCIES, format_amount
from models import Agreement, AgreementStatus, Dispute, Proposal

TERMS_MAX = 2800
CHANGES_MAX = 1000
CHECKIN_CHOICES = (3, 7, 14, 30, 60, 90)


@dataclass
class AgreementValues:
    terms: str = ""
    amount: str = ""
    currency: str | None = None
    items: list[ItemValues] = field(default_factory=list)
    checkin_days: list[int] = field(default_factory=lambda: [7, 30])
    on_due_dates: bool = True

    @classmethod
    def from_proposal(cls, proposal: Proposal, checkin_days: list[int]) -> AgreementValues:
        terms = f"{proposal.summary}\n\n{proposal.details}"
        return cls(terms=terms[:TERMS_MAX],
                   amount=f"{proposal.amount}" if proposal.amount is not None else "",
                   currency=proposal.currency, checkin_days=checkin_days,
                   items=[ItemValues(i.text, i.owner_user, i.due_date.isoformat()) for i in proposal.items])

    @classmethod
    def from_agreement(cls, agreement: Agreement) -> AgreementValues:
        return cls(terms=agreement.terms,
                   amount=f"{agreement.amount}" if agreement.amount is not None else "",
                   currency=agreement.currency, checkin_days=list(agreement.checkin_days),
                   on_due_dates=agreement.checkin_on_due_dates,
                   items=[ItemValues(i.text, i.owner_user, i.due_date.isoformat()) for i in agreement.items])


def _days_label(days: int) -> str:
    return f"{days} days after it takes effect"


def agreement_modal(dispute: Dispute, meta: AgreementMeta, values: AgreementValues, *,
                    editing: int | None = None) -> dict[str, Any]:
    intro = md("*{ref} · {title}*\n{note}", ref=dispute.reference, title=truncate(dispute.title, 200),
               note=f"Your edit becomes version {editing + 1}; approvals start again." if editing else
               "One person from each organization approves the agreement with a button; only then "
               "is it in effect.")
    day_options = [option(str(d), _days_label(d)) for d in CHECKIN_CHOICES]
    checkins: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_AG_CHECKINS,
                                "options": day_options}
    chosen = [o for o in day_options if int(o["value"]) in values.checkin_days]
    if chosen:
        checkins["initial_options"] = chosen
    due_option = option("yes", "On each action item's due date")
    due: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_AG_DUE_CHECKINS,
                           "options": [due_option]}
    if values.on_due_dates:
        due["initial_options"] = [due_option]
    return {
        "type": "modal",
        "callback_id": ids.AGREEMENT_MODAL,
        "title": plain("Edit the agreement" if editing else "Draft the agreement"),
        "submit": plain("Post for approval"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": [
            section(intro),
            input_block(ids.B_AG_TERMS, "Terms", text_input(
                ids.A_AG_TERMS, max_length=TERMS_MAX, multiline=True, initial=values.terms,
                placeholder="What each side will do, in plain words")),
            input_block(ids.B_AG_AMOUNT, "Compensation", text_input(
                ids.A_AG_AMOUNT, max_length=20, initial=values.amount), optional=True),
            input_block(ids.B_AG_CURRENCY, "Currency", static_select(
                ids.A_AG_CURRENCY, {c: c for c in CURRENCIES}, initial=values.currency,
                placeholder="Choose a currency"), optional=True),
            *item_rows(meta.rows, values.items, ids.ADD_AGREEMENT_ITEM_ROW,
                       "*Action items*: who will do what, by when. Parley checks in on each."),
            input_block(ids.B_AG_CHECKINS, "When should Parley check in?", checkins,
                        optional=True, hint="At 10:00 in the opener's time zone, on business days."),
            input_block(ids.B_AG_DUE_CHECKINS, "Also check in", due, optional=True),
        ],
    }


@dataclass
class ApprovalView:
    """What the agreement message shows about approvals, already put into words."""

    approved: list[tuple[str, Any]]  # (who, at)
    still_needed: list[str]


def item_lines(items: list[Any]) -> Mrkdwn:
    """Action items (of a proposal or an agreement): what, owner, due date, one per line."""
    return Mrkdwn("\n").join(md("• {what} · {owner} · due {due}", what=i.text, owner=mention(i.owner_user),
                                 due=f"{i.due_date.day} {i.due_date:%b %Y}") for i in items)


def agreement_blocks(dispute: Dispute, agreement: Agreement, approvals: ApprovalView, *,
                     superseded_by: int | None = None) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    head = md("*{label}* for {ref} · {title}", label=agreement.label, ref=dispute.reference,
              title=truncate(dispute.title, 150))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"📝 {agreement.label}", 150)},
        section(head),
        *quote_sections(Mrkdwn("*Terms*"), agreement.terms),
    ]
    amount = format_amount(agreement.amount, agreement.currency)
    if amount:
        blocks.append(section(md("*Compensation*\n{amount}", amount=amount)))
    if agreement.items:
        blocks.append(section(md("*Action items*\n{lines}", lines=item_lines(agreement.items))))
    plan = [f"{d} days after it takes effect" for d in agreement.checkin_days]
    if agreement.checkin_on_due_dates and agreement.items:
        plan.append("on each action item's due date")
    blocks.append(section(md("*Check-ins*\n{plan}", plan=", ".join(plan) if plan else "none")))
    done = Mrkdwn("\n").join(md(":white_check_mark: {who}, {when}", who=who,
                                 when=slack_date(at, "{date_short} {time}"))
                              for who, at in approvals.approved) or Mrkdwn("No approvals yet.")
    blocks.append(section(md("*Approvals*\n{done}", done=done)))
    if agreement.status == AgreementStatus.PENDING:
        if approvals.still_needed:
            blocks.append(section(md("*Still needed*\n{who}", who=Mrkdwn("\n").join(
                md("• {n}", n=n) for n in approvals.still_needed))))
        value = AgreementButton(d=dispute.id, a=agreement.id, h=agreement.content_hash).encode()
        short = agreement.content_hash[:12]
        blocks.append({"type": "actions", "block_id": f"agreement_{agreement.id}", "elements": [
            {**button("Approve", ids.APPROVE_AGREEMENT, value, style="primary"), "confirm": {
                "title": plain(f"Approve {agreement.label}?"),
                "text": plain(f"You approve exactly the text above (content hash {short}…). Any "
                              "edit makes a new version that needs approving again."),
                "confirm": plain("Approve"), "deny": plain("Not yet")}},
            button("Request changes", ids.REQUEST_CHANGES, value),
            button("Edit draft", ids.EDIT_AGREEMENT, value),
        ]})
    elif agreement.status == AgreementStatus.SUPERSEDED:
        blocks.append(context(md(":arrows_counterclockwise: Superseded by v{v}. Approvals of this "
                                 "version no longer count.", v=superseded_by) if superseded_by else
                              ":arrows_counterclockwise: Superseded by a newer version."))
    else:
        blocks.append(context(md(":white_check_mark: In effect since {when}",
                                 when=slack_date(agreement.ratified_at))))
    blocks.append(context(md("Content hash `{short}…` · approvals are bound to this exact text.",
                             short=agreement.content_hash[:12])))
    return md("{label} for {ref}", label=agreement.label, ref=dispute.reference), blocks


def certificate_comment(dispute: Dispute, agreement: Agreement, *, in_dm: bool = False) -> str:
    """Plain text (a file's comment): the certificate's own words."""
    why = (f"Slack did not take files in {dispute.reference}'s thread, so here is your copy. "
           if in_dm else "")
    return (f"{why}The certificate of {agreement.label} for {dispute.reference}: every approval "
            "with its time and content hash, and the record attached inside the PDF, which "
            "`parley verify` checks against Parley's database.")


def agreement_in_writing(dispute: Dispute, agreement: Agreement,
                         items: list[tuple[str, Any]]) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """The agreement as a thread message, when Slack refused its files there: every section
    within Block Kit's 3,000 characters. `items`: (owner's name, action item)."""
    text = md("{label} for {ref}, in writing (Slack did not take the files here; each approver "
              "has the certificate in a direct message).", label=agreement.label,
              ref=dispute.reference)
    blocks: list[dict[str, Any]] = [section(text), *quote_sections(Mrkdwn("*Terms*"), agreement.terms)]
    for owner, item in items:
        blocks.append(section(md("• {what} · {owner} · due {due}", what=item.text, owner=owner,
                                 due=item.due_as_agreed.isoformat())))
    blocks.append(context(md("Content hash (SHA-256) of the text approved: `{hash}`",
                             hash=agreement.content_hash)))
    return text, blocks[:50]


def trail_line(dispute: Dispute, head: str) -> dict[str, Any]:
    """The audit trail's head hash, posted where both organizations' Slack keeps it."""
    return context(md("Audit trail of {ref} up to now: `{head}` (the SHA-256 of its latest "
                      "event; `parley verify --audit {ref}` checks the whole chain).",
                      ref=dispute.reference, head=head))


def in_effect(dispute: Dispute, agreement: Agreement, approvals: ApprovalView,
              trail: str | None = None) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    lines = Mrkdwn("\n").join(md("• {who}, {when}", who=who,
                                  when=slack_date(at, "{date_short} at {time}"))
                               for who, at in approvals.approved)
    text = md(":handshake: {label} for {ref} is in effect.", label=agreement.label,
              ref=dispute.reference)
    return text, [
        section(md("{text}\nApproved by:\n{lines}", text=text, lines=lines)),
        context("Parley will check in on the action items as agreed. The written agreement "
                "follows as a file."),
        *([trail_line(dispute, trail)] if trail else []),
    ]


def changes_modal(dispute: Dispute, agreement: Agreement) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.CHANGES_MODAL,
        "title": plain("Request changes"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "private_metadata": ChangesMeta(d=dispute.id, a=agreement.id).encode(),
        "blocks": [
            section(md("*{label}* for {ref}", label=agreement.label, ref=dispute.reference)),
            input_block(ids.B_CHANGES, "What should change?", text_input(
                ids.A_CHANGES, max_length=CHANGES_MAX, multiline=True)),
        ],
    }


def changes_requested(who: str, agreement: Agreement, what: str) -> Mrkdwn:
    return md("{who} asked for changes to {label}:\n{what}\nAny party can use *Edit draft* on the "
              "agreement to post a new version.", who=who, label=agreement.label,
              what=quoted(truncate(what, 1000)))


def say_what_should_change() -> str:
    """The request-changes form's error: nothing said, or too much."""
    return "Say what should change (up to 1,000 characters)."


def already_approved(agreement: Agreement) -> Mrkdwn:
    """The private answer to a second click on Approve."""
    return md("You had already approved {label}; nothing changed.", label=agreement.label)


def approval_recorded(agreement: Agreement) -> Mrkdwn:
    """The private thanks for an approval that did not yet complete the set."""
    return md("Thank you. Your approval of {label} is recorded (content hash {short}…).",
              label=agreement.label, short=agreement.content_hash[:12])
