"""Proposal modal, proposal messages in the thread, and the decline modal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot import ids
from bot.blocks.agreements import item_lines
from bot.blocks.evidence import files_block
from bot.blocks.inputs import input_block, static_select, text_input, tone_note
from bot.blocks.items import ItemValues, item_rows
from bot.blocks.text import (
    Mrkdwn,
    button,
    context,
    fields,
    md,
    mentions,
    plain,
    quote_sections,
    quoted,
    section,
    slack_date,
    truncate,
)
from bot.i18n import _
from bot.payloads import DeclineMeta, DisputeButton, ProposalButton, ProposalMeta
from bot.services.vocabulary import CURRENCIES, REMEDIES, format_amount
from models import Dispute, Proposal, ProposalStatus

SUMMARY_MAX = 150
DETAILS_MAX = 2000
REASON_MAX = 1000


def remedy_choices() -> dict[str, str]:
    """The kinds of remedy (bot/services/vocabulary.py), stored value → label in the language in use."""
    return {key: _(label) for key, label in REMEDIES.items()}


def remedy_label(key: str) -> str:
    """A stored remedy in words, in the language in use (an unknown one as it is stored)."""
    return _(REMEDIES[key]) if key in REMEDIES else key


@dataclass
class ProposalValues:
    """What the modal shows: as typed (possibly invalid), or pre-filled from a proposal."""

    summary: str = ""
    details: str = ""
    remedy: str | None = None
    amount: str = ""
    currency: str | None = None
    items: list[ItemValues] = field(default_factory=list)

    @classmethod
    def from_proposal(cls, proposal: Proposal) -> ProposalValues:
        return cls(
            summary=proposal.summary,
            details=proposal.details,
            remedy=proposal.remedy,
            amount=f"{proposal.amount}" if proposal.amount is not None else "",
            currency=proposal.currency,
            items=[ItemValues(i.text, i.owner_user, i.due_date.isoformat()) for i in proposal.items],
        )


def proposal_modal(
    dispute: Dispute,
    meta: ProposalMeta,
    values: ProposalValues,
    *,
    counter_label: str | None = None,
    tone: list[str] | None = None,
    files: tuple[int, int] = (10, 10),
) -> dict[str, Any]:
    """`files`: how many files the form takes, and how many MB each."""
    note = (
        # Translators: {label} is the proposal being answered ("P2").
        _(
            "Your change to {label} is posted as a new proposal in its place. If they accept it, it "
            "becomes the agreement on exactly these words, approved by you as its author: propose "
            "only what you will stand by."
        ).format(label=counter_label)
        if counter_label
        else _(
            "Your proposal is posted in the dispute thread; the other side can accept it, suggest a "
            "change or decline it. If they accept it, it becomes the agreement on exactly these "
            "words, approved by you as its author: propose only what you will stand by."
        )
    )
    intro = md(
        "*{ref} · {title}*\n{note}", ref=dispute.reference, title=truncate(dispute.title, 200), note=note
    )
    return {
        "type": "modal",
        "callback_id": ids.PROPOSAL_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Suggest a change") if counter_label else _("Propose a solution")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Post proposal")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": [
            *tone_note(tone or []),
            section(intro),
            input_block(
                ids.B_PR_SUMMARY,
                _("Summary"),
                text_input(
                    ids.A_PR_SUMMARY,
                    max_length=SUMMARY_MAX,
                    initial=values.summary,
                    placeholder=_("One line, e.g. Redo the screens by 14 March and a 10% credit"),
                ),
            ),
            input_block(
                ids.B_PR_DETAILS,
                _("Details"),
                text_input(ids.A_PR_DETAILS, max_length=DETAILS_MAX, multiline=True, initial=values.details),
            ),
            input_block(
                ids.B_PR_REMEDY,
                _("Kind of remedy"),
                static_select(
                    ids.A_PR_REMEDY, remedy_choices(), initial=values.remedy, placeholder=_("Choose one")
                ),
            ),
            input_block(
                ids.B_PR_AMOUNT,
                _("Compensation"),
                text_input(ids.A_PR_AMOUNT, max_length=20, initial=values.amount, placeholder=_("e.g. 500")),
                optional=True,
                hint=_("Only if money is part of the proposal."),
            ),
            {
                "type": "actions",
                "block_id": "pr_settle",
                "elements": [
                    button(
                        _("Not sure of the figure? Settle it privately"),
                        ids.SETTLE_FROM_PROPOSAL,
                        DisputeButton(d=dispute.id).encode(),
                    )
                ],
            },
            input_block(
                ids.B_PR_CURRENCY,
                _("Currency"),
                static_select(
                    ids.A_PR_CURRENCY,
                    {c: c for c in CURRENCIES},
                    initial=values.currency,
                    placeholder=_("Choose a currency"),
                ),
                optional=True,
            ),
            files_block(ids.B_PR_FILES, ids.A_PR_FILES, files[0], files[1], sealed=False),
            *item_rows(
                meta.rows,
                values.items,
                ids.ADD_ITEM_ROW,
                _(
                    "*Action items* (optional): who will do what, by when. They carry over "
                    "into the written agreement."
                ),
            ),
        ],
    }


@dataclass(frozen=True)
class ProposalView:
    """What a proposal's message says of who is who, already in words."""

    author: str  # "Sam (Studio)"
    answering: list[str]  # the other side's people, mentioned while they must answer
    between: tuple[str, str]  # ("Studio", "Client Co"): the agreement accepting it makes
    binding: bool  # accepting puts it in effect at once (else it goes for the others' approval)
    decided_by: str | None = None
    answers: str | None = None  # the proposal it answers (P1)
    replaced_by: str | None = None  # the counter-proposal that superseded it (P3)


def _status_line(proposal: Proposal, view: ProposalView) -> Mrkdwn:
    """What a decided proposal's message says under it."""
    decided_by = view.decided_by
    who, when = decided_by or "—", slack_date(proposal.decided_at) if proposal.decided_at else "—"
    if proposal.status == ProposalStatus.ACCEPTED:
        return md(_(":white_check_mark: Accepted by {who} on {when}"), who=who, when=when)
    if proposal.status == ProposalStatus.DECLINED:
        line = md(_(":x: Declined by {who} on {when}"), who=who, when=when)
        if proposal.decline_reason:
            line += md("\n{why}", why=quoted(truncate(proposal.decline_reason, 1000)))
        return line
    if proposal.status == ProposalStatus.WITHDRAWN:
        return md(_(":leftwards_arrow_with_hook: Withdrawn by its author"))
    if view.replaced_by:
        return md(
            # Translators: {label} is the counter-proposal's label ("P3").
            _(":arrows_counterclockwise: Superseded by {label}, a counter-proposal"),
            label=view.replaced_by,
        )
    return md(_(":arrows_counterclockwise: Set aside: an agreement took effect"))


def _accept_dialog(proposal: Proposal, view: ProposalView) -> dict[str, Any]:
    a, b = view.between
    what = (
        # Translators: {label} is the proposal's label ("P2"); {a} and {b} the two organizations.
        _(
            "Accepting makes {label} the agreement between {a} and {b}, in effect at "
            "once, on exactly these terms. Parley then checks in with both sides as agreed."
        )
        if view.binding
        # Translators: {label} is the proposal's label ("P2"); {a} and {b} the two organizations.
        else _(
            "Accepting makes {label} the agreement between {a} and {b} on exactly these "
            "terms; it takes effect when the others who approve for it have approved too."
        )
    ).format(label=proposal.label, a=a, b=b)
    return {
        # Translators: a confirmation's title, at most 100 characters; {label} is a proposal's ("P2").
        "title": plain(_("Accept {label}?").format(label=proposal.label)),
        "text": plain(what[:300]),
        # Translators: a confirmation's button: at most 30 characters.
        "confirm": plain(_("Accept")),
        # Translators: a confirmation's button: at most 30 characters.
        "deny": plain(_("Not yet")),
    }


def _withdraw_dialog(proposal: Proposal, view: ProposalView) -> dict[str, Any]:
    # Translators: {author} is "Name (Organization)"; {label} the proposal's label ("P2").
    text = _(
        "Only {author}, who proposed it, can withdraw {label}. Withdrawing "
        "takes it off the table; the dispute goes on."
    ).format(author=view.author, label=proposal.label)
    return {
        # Translators: a confirmation's title, at most 100 characters; {label} is a proposal's ("P2").
        "title": plain(_("Withdraw {label}?").format(label=proposal.label)),
        "text": plain(text[:300]),
        # Translators: a confirmation's button: at most 30 characters.
        "confirm": plain(_("Withdraw")),
        # Translators: a confirmation's button: at most 30 characters.
        "deny": plain(_("Keep it")),
    }


def proposal_message(proposal: Proposal, view: ProposalView) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    head = (
        md(
            # Translators: {author} is "Name (Organization)"; {answers} the proposal this one answers
            # ("P1").
            _("*{label} · {summary}*\nProposed by {author}, in answer to {answers}"),
            label=proposal.label,
            summary=proposal.summary,
            author=view.author,
            answers=view.answers,
        )
        if view.answers
        else md(
            # Translators: {author} is "Name (Organization)".
            _("*{label} · {summary}*\nProposed by {author}"),
            label=proposal.label,
            summary=proposal.summary,
            author=view.author,
        )
    )
    facts = [md(_("*Remedy*\n{remedy}"), remedy=remedy_label(proposal.remedy))]
    amount = format_amount(proposal.amount, proposal.currency)
    if amount:
        facts.append(md(_("*Compensation*\n{amount}"), amount=amount))
    blocks: list[dict[str, Any]] = [
        section(head),
        fields(*facts),
        *quote_sections(md(_("*Details*")), proposal.details),
    ]
    if proposal.items:
        blocks.append(section(md(_("*Action items*\n{lines}"), lines=item_lines(proposal.items))))
    if proposal.status == ProposalStatus.OPEN:
        value = ProposalButton(p=proposal.id, d=proposal.dispute_id).encode()
        binds = ProposalButton(p=proposal.id, d=proposal.dispute_id, b=1).encode()
        if view.answering:
            blocks.append(
                section(
                    md(
                        _("{who}: you can accept it, suggest a change, or decline it."),
                        who=mentions(view.answering),
                    )
                )
            )
        blocks.append(
            {
                "type": "actions",
                "block_id": f"proposal_{proposal.id}",
                "elements": [
                    {
                        **button(_("Accept"), ids.ACCEPT_PROPOSAL, binds, style="primary"),
                        "confirm": _accept_dialog(proposal, view),
                    },
                    button(_("Suggest a change"), ids.COUNTER_PROPOSAL, value),
                    button(_("Decline"), ids.DECLINE_PROPOSAL, value),
                    {
                        **button(_("Withdraw"), ids.WITHDRAW_PROPOSAL, value),
                        "confirm": _withdraw_dialog(proposal, view),
                    },
                ],
            }
        )
    else:
        blocks.append(context(_status_line(proposal, view)))
    return md("{label}: {summary}", label=proposal.label, summary=proposal.summary), blocks


def decline_modal(proposal: Proposal, dispute: Dispute) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.DECLINE_MODAL,
        # Translators: a form's title: at most 24 characters; {label} is a proposal's ("P2").
        "title": plain(_("Decline {label}").format(label=proposal.label)),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Decline")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": DeclineMeta(d=dispute.id, p=proposal.id).encode(),
        "blocks": [
            section(md("*{label} · {summary}*", label=proposal.label, summary=proposal.summary)),
            input_block(
                ids.B_DECLINE_REASON,
                _("Why doesn't this work for you?"),
                text_input(ids.A_DECLINE_REASON, max_length=REASON_MAX, multiline=True),
                optional=True,
                hint=_("Optional, but a reason helps the other side make a better proposal."),
            ),
        ],
    }


def proposal_settled(verb: str, who: str, proposal: Proposal) -> Mrkdwn:
    """The thread note when a proposal is accepted, declined or withdrawn."""
    if verb == "accepted":
        return md(
            # Translators: {who} is "Name (Organization)"; {summary} the proposal's one line, in its
            # author's words.
            _(
                ":handshake: {who} accepted {label}: “{summary}”. Next, a written agreement that "
                "one person from each organization approves."
            ),
            who=who,
            label=proposal.label,
            summary=proposal.summary,
        )
    if verb == "declined":
        reason = (
            md("\n{why}", why=quoted(truncate(proposal.decline_reason, 1000)))
            if proposal.decline_reason
            else ""
        )
        return (
            md(
                _("{who} declined {label}. A counter-proposal is always welcome."),
                who=who,
                label=proposal.label,
            )
            + reason
        )
    return md(_("{who} withdrew {label}."), who=who, label=proposal.label)


def accepted_blocks(text: Mrkdwn, draft_value: str) -> list[dict[str, Any]]:
    """The acceptance note, with the way on to a written agreement."""
    return [
        section(text),
        {
            "type": "actions",
            "block_id": "accepted_next",
            "elements": [
                button(_("Draft agreement"), ids.DRAFT_AGREEMENT, draft_value, style="primary"),
            ],
        },
    ]


def reason_too_long() -> str:
    """The decline form's error when the reason is too long."""
    return _("Please keep the reason under 1,000 characters.")


def counter_posted_alone(gone: str, proposal: Proposal) -> Mrkdwn:
    """The private note when the proposal being countered was decided meanwhile: `gone` says how
    (bot/services/proposals.py: describe_state); the counter-proposal stands on its own."""
    return md(
        # Translators: {gone} is a sentence saying what became of the proposal being answered.
        _("{gone} Your counter-proposal was posted as {label} on its own."),
        gone=gone,
        label=proposal.label,
    )
