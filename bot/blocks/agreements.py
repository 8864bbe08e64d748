"""The agreement modal, the agreement message with its live approvals, and related messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
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
    mentions,
    plain,
    quote_sections,
    quoted,
    section,
    slack_date,
    truncate,
)
from bot.i18n import _, formats, ngettext, pgettext
from bot.payloads import AgreementButton, AgreementMeta, ChangesMeta
from bot.services.people_text import one_line
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
        return cls(
            terms=terms[:TERMS_MAX],
            amount=f"{proposal.amount}" if proposal.amount is not None else "",
            currency=proposal.currency,
            checkin_days=checkin_days,
            items=[ItemValues(i.text, i.owner_user, i.due_date.isoformat()) for i in proposal.items],
        )

    @classmethod
    def from_agreement(cls, agreement: Agreement) -> AgreementValues:
        return cls(
            terms=agreement.terms,
            amount=f"{agreement.amount}" if agreement.amount is not None else "",
            currency=agreement.currency,
            checkin_days=list(agreement.checkin_days),
            on_due_dates=agreement.checkin_on_due_dates,
            items=[ItemValues(i.text, i.owner_user, i.due_date.isoformat()) for i in agreement.items],
        )


def _days_label(days: int) -> str:
    return ngettext("{days} day after it takes effect", "{days} days after it takes effect", days).format(
        days=days
    )


def agreement_modal(
    dispute: Dispute, meta: AgreementMeta, values: AgreementValues, *, editing: int | None = None
) -> dict[str, Any]:
    intro = md(
        "*{ref} · {title}*\n{note}",
        ref=dispute.reference,
        title=truncate(dispute.title, 200),
        note=_("Your edit becomes version {version}; approvals start again.").format(version=editing + 1)
        if editing
        else _(
            "One person from each organization approves the agreement with a button; only then "
            "is it in effect."
        ),
    )
    day_options = [option(str(d), _days_label(d)) for d in CHECKIN_CHOICES]
    checkins: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_AG_CHECKINS, "options": day_options}
    chosen = [o for o in day_options if int(o["value"]) in values.checkin_days]
    if chosen:
        checkins["initial_options"] = chosen
    due_option = option("yes", _("On each action item's due date"))
    due: dict[str, Any] = {"type": "checkboxes", "action_id": ids.A_AG_DUE_CHECKINS, "options": [due_option]}
    if values.on_due_dates:
        due["initial_options"] = [due_option]
    return {
        "type": "modal",
        "callback_id": ids.AGREEMENT_MODAL,
        "title": plain(
            # Translators: a modal's title; Slack allows at most 24 characters.
            _("Edit the agreement")
            if editing
            # Translators: a modal's title; Slack allows at most 24 characters.
            else _("Draft the agreement")
        ),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Post for approval")),
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": [
            section(intro),
            input_block(
                ids.B_AG_TERMS,
                _("Terms"),
                text_input(
                    ids.A_AG_TERMS,
                    max_length=TERMS_MAX,
                    multiline=True,
                    initial=values.terms,
                    placeholder=_("What each side will do, in plain words"),
                ),
            ),
            input_block(
                ids.B_AG_AMOUNT,
                _("Compensation"),
                text_input(ids.A_AG_AMOUNT, max_length=20, initial=values.amount),
                optional=True,
            ),
            input_block(
                ids.B_AG_CURRENCY,
                _("Currency"),
                static_select(
                    ids.A_AG_CURRENCY,
                    {c: c for c in CURRENCIES},
                    initial=values.currency,
                    placeholder=_("Choose a currency"),
                ),
                optional=True,
            ),
            *item_rows(
                meta.rows,
                values.items,
                ids.ADD_AGREEMENT_ITEM_ROW,
                _("*Action items*: who will do what, by when. Parley checks in on each."),
            ),
            input_block(
                ids.B_AG_CHECKINS,
                _("When should Parley check in?"),
                checkins,
                optional=True,
                hint=_("From 10:00 in the opener's time zone, at an hour both organizations are at work."),
            ),
            input_block(ids.B_AG_DUE_CHECKINS, _("Also check in"), due, optional=True),
        ],
    }


@dataclass
class ApprovalView:
    """What the agreement message shows about approvals, already put into words."""

    approved: list[tuple[str, Any]]  # (who, at)
    still_needed: list[str]
    changed: list[Mrkdwn] = field(default_factory=list)  # how it differs from the accepted proposal
    asked: list[str] = field(default_factory=list)  # user ids of whoever may give what is missing


def changes_from(proposal: Proposal, agreement: Agreement) -> list[Mrkdwn]:
    """What an agreement changed from the proposal it was made from, in plain words ("450 USD
    → 1,200 USD"): shown on the agreement, so nobody approves a change without seeing it."""
    changed: list[Mrkdwn] = []
    was, now = (
        format_amount(proposal.amount, proposal.currency),
        format_amount(agreement.amount, agreement.currency),
    )
    if was != now:
        no_amount = pgettext("no compensation", "none")
        changed.append(md(_("Compensation: {was} → {now}"), was=was or no_amount, now=now or no_amount))
    if agreement.terms != f"{one_line(proposal.summary)}\n\n{proposal.details}".strip():
        changed.append(md(_("The wording of the terms")))
    before = [(i.text, i.owner_user, i.due_date) for i in proposal.items]
    after = [(i.text, i.owner_user, i.due_as_agreed) for i in agreement.items]
    if before != after:
        changed.append(md(_("The action items ({was} before, {now} now)"), was=len(before), now=len(after)))
    return changed


def item_lines(items: list[Any]) -> Mrkdwn:
    """Action items (of a proposal or an agreement): what, owner, due date, one per line."""
    return Mrkdwn("\n").join(
        md(
            _("• {what} · {owner} · due {due}"),
            what=i.text,
            owner=mention(i.owner_user),
            due=formats.short_day(i.due_date),
        )
        for i in items
    )


def agreement_blocks(
    dispute: Dispute, agreement: Agreement, approvals: ApprovalView, *, superseded_by: int | None = None
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    head = md(
        _("*{label}* for {ref} · {title}"),
        label=agreement.label,
        ref=dispute.reference,
        title=truncate(dispute.title, 150),
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(f"{agreement.label}", 150)},
        section(head),
    ]
    if approvals.changed:
        blocks.append(
            section(
                md(
                    _(":warning: *Changed from the accepted proposal*\n{what}"),
                    what=Mrkdwn("\n").join(md("• {c}", c=c) for c in approvals.changed),
                )
            )
        )
    blocks += quote_sections(md(_("*Terms*")), agreement.terms)
    amount = format_amount(agreement.amount, agreement.currency)
    if amount:
        blocks.append(section(md(_("*Compensation*\n{amount}"), amount=amount)))
    if agreement.items:
        blocks.append(section(md(_("*Action items*\n{lines}"), lines=item_lines(agreement.items))))
    plan = [_days_label(d) for d in agreement.checkin_days]
    if agreement.checkin_on_due_dates and agreement.items:
        plan.append(_("on each action item's due date"))
    blocks.append(
        section(
            md(
                _("*Check-ins*\n{plan}"),
                plan=", ".join(plan) if plan else pgettext("no check-ins", "none"),
            )
        )
    )
    done = Mrkdwn("\n").join(
        md(":white_check_mark: {who}, {when}", who=who, when=slack_date(at, "{date_short} {time}"))
        for who, at in approvals.approved
    ) or md(_("No approvals yet."))
    blocks.append(section(md(_("*Approvals*\n{done}"), done=done)))
    if agreement.status == AgreementStatus.PENDING:
        if approvals.still_needed:
            blocks.append(
                section(
                    md(
                        _("*Still needed*\n{who}"),
                        who=Mrkdwn("\n").join(md("• {n}", n=n) for n in approvals.still_needed),
                    )
                )
            )
        if approvals.asked:  # they must act: read it, then approve or suggest a change
            blocks.append(
                section(
                    md(
                        _("{who}: please read it, then approve it or suggest a change."),
                        who=mentions(approvals.asked),
                    )
                )
            )
        value = AgreementButton(d=dispute.id, a=agreement.id, h=agreement.content_hash).encode()
        blocks.append(
            {
                "type": "actions",
                "block_id": f"agreement_{agreement.id}",
                "elements": [
                    {
                        **button(_("Approve"), ids.APPROVE_AGREEMENT, value, style="primary"),
                        "confirm": {
                            # Translators: {label} is the agreement's name, e.g. "Agreement v2".
                            "title": plain(_("Approve {label}?").format(label=agreement.label)),
                            "text": plain(
                                _(
                                    "You approve exactly the wording above. Any change makes a new "
                                    "version that needs approving again."
                                )
                            ),
                            "confirm": plain(_("Approve")),
                            "deny": plain(_("Not yet")),
                        },
                    },
                    button(_("Suggest a change"), ids.EDIT_AGREEMENT, value),
                    button(_("Ask for changes"), ids.REQUEST_CHANGES, value),
                ],
            }
        )
    elif agreement.status == AgreementStatus.SUPERSEDED:
        blocks.append(
            context(
                md(
                    # Translators: {v} is the newer version's number ("Superseded by v3").
                    _(
                        ":arrows_counterclockwise: Superseded by v{v}. Approvals of this "
                        "version no longer count."
                    ),
                    v=superseded_by,
                )
                if superseded_by
                else _(":arrows_counterclockwise: Superseded by a newer version.")
            )
        )
    else:
        blocks.append(
            context(
                md(
                    _(":white_check_mark: In effect since {when}"),
                    when=slack_date(agreement.ratified_at or agreement.created_at),
                )
            )
        )
    blocks.append(context(_("Each approval is tied to this exact wording; any change needs new approvals.")))
    return md(_("{label} for {ref}"), label=agreement.label, ref=dispute.reference), blocks


def certificate_comment(dispute: Dispute, agreement: Agreement, *, in_dm: bool = False) -> str:
    """Plain text (a file's comment): what the PDF is, in plain words."""
    if in_dm:
        return _(
            "Slack did not take files in {ref}'s thread, so here is your copy. The agreement for "
            "{ref} ({label}), as both sides approved it, with who approved it and when."
        ).format(ref=dispute.reference, label=agreement.label)
    return _(
        "The agreement for {ref} ({label}), as both sides approved it, with who approved it and when."
    ).format(ref=dispute.reference, label=agreement.label)


def agreement_in_writing(
    dispute: Dispute, agreement: Agreement, items: list[tuple[str, Any]]
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """The agreement as a thread message, when Slack refused its PDF there: every section within
    Block Kit's 3,000 characters. `items`: (owner's name, action item)."""
    text = md(
        _(
            "{label} for {ref}, written out (Slack did not take the PDF here; each person who "
            "approved it has it in a direct message)."
        ),
        label=agreement.label,
        ref=dispute.reference,
    )
    blocks: list[dict[str, Any]] = [section(text), *quote_sections(md(_("*Terms*")), agreement.terms)]
    for owner, item in items:
        blocks.append(
            section(
                md(
                    _("• {what} · {owner} · due {due}"),
                    what=item.text,
                    owner=owner,
                    due=item.due_as_agreed.isoformat(),
                )
            )
        )
    return text, blocks[:50]


@dataclass(frozen=True)
class InEffect:
    """What the "in effect" message says, already in words."""

    between: tuple[str, str]  # ("Studio", "Client Co")
    approved: list[tuple[str, Any, str | None]]  # (who, at, "proposed" / "accepted" / None)
    items: list[tuple[str, Any]]  # (owner's name, action item)
    next_checkin: datetime | None
    check: str  # the "How to check this record" button's value


def in_effect(
    dispute: Dispute, agreement: Agreement, said: InEffect, *, attached: bool = True
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """The one message that says an agreement took effect: between whom, what happens next, who
    approved; the agreement's PDF is attached to it (`attached`), or written out after it when
    Slack refused the file. No mentions: nobody has to act on it now."""
    a, b = said.between
    text = md(
        # Translators: {a} and {b} are the two organizations' names.
        _(":handshake: {a} and {b} agreed on {ref}. The agreement is in effect now."),
        a=a,
        b=b,
        ref=dispute.reference,
    )
    blocks: list[dict[str, Any]] = [
        # Translators: {text} is the sentence before, ":handshake: … The agreement is in effect now."
        section(md(_("{text} It is attached as a PDF."), text=text) if attached else text)
    ]
    amount = format_amount(agreement.amount, agreement.currency)
    steps = [
        md(
            _("• {what}: {owner}, by {due}"),
            what=item.text,
            owner=owner,
            due=formats.short_day(item.due_as_agreed),
        )
        for owner, item in said.items
    ]
    if amount:
        steps.insert(0, md(_("• Compensation of {amount}"), amount=amount))
    if said.next_checkin is not None:
        steps.append(
            md(
                _("• Parley checks in with both sides on {when}."),
                when=slack_date(said.next_checkin, "{date_short_pretty}"),
            )
        )
    if steps:
        blocks.append(section(md(_("*What happens next*\n{steps}"), steps=Mrkdwn("\n").join(steps))))
    approved = Mrkdwn("\n").join(_approved_by(who, at, how) for who, at, how in said.approved)
    blocks += [
        section(md(_("*Approved by*\n{who}"), who=approved)),
        context(_("Each approval is tied to this exact wording; any change would need new approvals.")),
        {
            "type": "actions",
            "block_id": f"in_effect_{agreement.id}",
            "elements": [button(_("How to check this record"), ids.HOW_TO_CHECK, said.check)],
        },
    ]
    return text, blocks


def _approved_by(who: str, at: Any, how: str | None) -> Mrkdwn:
    """One approver's line: how they approved when it was not with the Approve button (as
    bot.blocks.labels.HOW_APPROVED words it for the PDF), and when."""
    when = slack_date(at, "{date_short}")
    if how == "proposed":
        return md(_("• {who}, by proposing it, {when}"), who=who, when=when)
    if how == "accepted":
        return md(_("• {who}, by accepting it, {when}"), who=who, when=when)
    return md("• {who}, {when}", who=who, when=when)


def how_to_check(dispute: Dispute, agreement: Agreement, trail: str | None, filename: str) -> Mrkdwn:
    """Privately, to whoever asked: the details that let anyone check the record."""
    lines = [
        md(_("*How to check this record*")),
        md(
            # Translators: {command} is the slash command ("/dispute"); {hash} a SHA-256 in hex.
            _(
                "• The agreement's content hash is `{hash}`: the SHA-256 of exactly the wording both "
                "sides approved. `{command} verify {hash}` tells you privately whether it is an "
                "agreement in effect here."
            ),
            hash=agreement.content_hash,
            command=ids.COMMAND,
        ),
    ]
    if trail:
        lines.append(
            md(
                # Translators: {trail} is a SHA-256 in hex; `parley verify` is a command, kept as it is.
                _(
                    "• The audit trail of {ref} when it took effect ended in `{trail}` (its latest "
                    "event's SHA-256). `parley verify --audit {ref}` walks the whole chain."
                ),
                ref=dispute.reference,
                trail=trail,
            )
        )
    lines.append(
        md(
            # Translators: {file} is the PDF's file name; `parley verify` is a command, kept as it is.
            _(
                "• The PDF ({file}) carries its record inside; whoever runs Parley can check it "
                "against Parley's database with `parley verify {file}`. Its last page lists every "
                "approval with its Slack ids and the hash it approved."
            ),
            file=filename,
        )
    )
    return Mrkdwn("\n").join(lines)


def changes_modal(dispute: Dispute, agreement: Agreement) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.CHANGES_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Request changes")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Send")),
        "close": plain(_("Cancel")),
        "private_metadata": ChangesMeta(d=dispute.id, a=agreement.id).encode(),
        "blocks": [
            section(md(_("*{label}* for {ref}"), label=agreement.label, ref=dispute.reference)),
            input_block(
                ids.B_CHANGES,
                _("What should change?"),
                text_input(ids.A_CHANGES, max_length=CHANGES_MAX, multiline=True),
            ),
        ],
    }


def changes_requested(who: str, agreement: Agreement, what: str) -> Mrkdwn:
    return md(
        # Translators: *Suggest a change* is a button on the agreement: use its label.
        _(
            "{who} asked for changes to {label}:\n{what}\nEither side can use *Suggest a "
            "change* on the agreement to post a new version."
        ),
        who=who,
        label=agreement.label,
        what=quoted(truncate(what, 1000)),
    )


def say_what_should_change() -> str:
    """The request-changes form's error: nothing said, or too much."""
    return _("Say what should change (up to 1,000 characters).")


def already_approved(agreement: Agreement) -> Mrkdwn:
    """The private answer to a second click on Approve."""
    return md(_("You had already approved {label}; nothing changed."), label=agreement.label)


def approval_recorded(agreement: Agreement) -> Mrkdwn:
    """The private thanks for an approval that did not yet complete the set."""
    return md(
        _("Thank you. Your approval of {label} is recorded, for exactly the wording you approved."),
        label=agreement.label,
    )
