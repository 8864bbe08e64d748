"""The dispute's status card: the root message of its thread, updated in place. It says what the
dispute is about in neutral words (each side's own account is its perspective, sealed until both
have told theirs), who takes part for each organization, and what happens next and from whom;
its first button is the step that moves the dispute forward, the rarer ones are in a menu."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks.labels import category_label
from bot.blocks.text import (
    Mrkdwn,
    and_join,
    button,
    context,
    fields,
    md,
    plain,
    quote_sections,
    quoted,
    section,
    slack_date,
)
from bot.i18n import N_, _
from bot.payloads import CardOption, DisputeButton, RaiseButton
from bot.services.next_step import NextStep, Step
from bot.services.people_text import one_line
from bot.services.vocabulary import format_amount
from models import Dispute, DisputeStatus, Side

OVERFLOW_LIMIT = 5  # options Slack shows in an overflow menu


@dataclass(frozen=True)
class CardNames:
    """What the card calls people and organizations (looked up outside the builder)."""

    orgs: dict[str, str]  # side → the organization's name ("Studio", "Client Co")
    people: dict[str, str]  # user id → the person's name

    def org(self, side: str) -> str:
        return self.orgs.get(side) or (_("the provider") if side == Side.PROVIDER else _("the client"))

    def person(self, user_id: str) -> str:
        return self.people.get(user_id) or user_id


# (English, marked for the catalog: shown through `_()`, see status_words.)
STATUS_WORDS: dict[str, str] = {
    DisputeStatus.OPEN: N_("Open: each side tells its side"),
    DisputeStatus.DISCUSSING: N_("Talking it through"),
    DisputeStatus.AGREEMENT_PENDING: N_("An agreement is waiting for approval"),
    DisputeStatus.AGREED: N_("Agreed: the agreement is in effect"),
    DisputeStatus.RESOLVED: N_("Resolved"),
    DisputeStatus.CLOSED: N_("Closed"),
}
# (English, marked for the catalog: shown through `_()`, see _ended.)
ENDINGS = {
    # Translators: {client} is the client organization's name.
    "resolved": N_("Resolved: {client} confirmed it"),
    "closed": N_("Closed"),
    "withdrawn": N_("Withdrawn by the person who raised it"),
}


def status_words(status: str) -> str:
    """The dispute's status on its card, in the language in use."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def card_text(dispute: Dispute) -> Mrkdwn:
    """Notification and accessibility fallback for the card."""
    return md(
        # Translators: {ref} is the dispute's reference ("D-7"), {title} its title, {status} its status.
        _("{ref}: {title} ({status})"),
        ref=dispute.reference,
        title=dispute.title,
        status=status_words(dispute.status),
    )


def _sides(dispute: Dispute, names: CardNames) -> Mrkdwn:
    lines = []
    for side in (Side.PROVIDER, Side.CLIENT):
        people = [names.person(p.user_id) for p in dispute.parties if p.side == side]
        if people:
            lines.append(md("*{org}*: {who}", org=names.org(side), who=", ".join(people)))
    for mediator in (p for p in dispute.parties if p.side == Side.MEDIATOR):
        accepted = [names.org(s) for s in (Side.PROVIDER, Side.CLIENT) if s in mediator.accepted_sides]
        so_far = (
            _("accepted by both")
            if len(accepted) == 2
            else md(_("accepted by {org} so far"), org=accepted[0])
            if accepted
            else _("not accepted by either side yet")
        )
        lines.append(
            md(
                # Translators: {who} is the mediator's name; {so_far} who has accepted them ("accepted by
                # both").
                _("*Mediator*: {who} ({so_far})"),
                who=names.person(mediator.user_id),
                so_far=so_far,
            )
        )
    return Mrkdwn("\n").join(lines) or md(_("Nobody yet"))


def _next(dispute: Dispute, step: NextStep, names: CardNames, next_checkin: datetime | None) -> Mrkdwn:
    waiting = and_join(names.org(s) for s in sorted(step.waiting))
    if step.step == Step.SHARE:
        told = [names.org(s) for s in sorted(step.shared)]
        if not told:
            # Translators: {waiting} is one or two organizations ("Studio and Client Co").
            return md(_("{waiting} tells its side of what happened."), waiting=waiting)
        if step.revealed:
            return md(
                # Translators: {waiting} and {told} are organizations.
                _("{waiting} tells its side of what happened. {told} has told its side."),
                waiting=waiting,
                told=and_join(told),
            )
        return md(
            # Translators: {waiting} and {told} are organizations.
            _(
                "{waiting} tells its side of what happened. {told} has told its side; both are shown "
                "together once both have."
            ),
            waiting=waiting,
            told=and_join(told),
        )
    if step.step == Step.ANSWER:
        answers = step.answers or tuple((side, step.proposal or "") for side in sorted(step.waiting))
        if len(answers) == 1:
            return md(
                # Translators: {waiting} is an organization; {label} a proposal's label ("P2").
                _("{waiting} answers {label}: accept it, suggest a change, or decline."),
                waiting=names.org(answers[0][0]),
                label=answers[0][1],
            )
        each = Mrkdwn("; ").join(
            # Translators: {org} is an organization; {label} a proposal's label ("P2").
            md(_("{org} answers {label}"), org=names.org(side), label=label)
            for side, label in answers[:10]
        )
        # Translators: {each} is a list such as "Studio answers P2; Client Co answers P3".
        return md(_("{each}: each can be accepted, changed or declined."), each=each)
    if step.step == Step.PROPOSE:
        return md(_("Either side proposes a solution; the other can accept it, suggest a change or decline."))
    if step.step == Step.APPROVE:
        if waiting:
            # Translators: {waiting} is one or two organizations ("Studio and Client Co").
            return md(_("The agreement waits for {waiting}'s approval."), waiting=waiting)
        return md(_("The agreement waits for its last approval."))
    if step.step == Step.CARRY_OUT:
        if next_checkin:
            return md(
                # Translators: {when} is a date.
                _("Both sides do what they agreed. Parley checks in with both sides on {when}."),
                when=slack_date(next_checkin, "{date_short_pretty}"),
            )
        return md(_("Both sides do what they agreed."))
    return Mrkdwn("")


def _turns(due: dict[str, datetime], names: CardNames) -> Mrkdwn:
    """Whose turn, and by when: in each reader's own time zone (Slack's date token), counted in
    the working days of the side waited on."""
    return Mrkdwn("  ·  ").join(
        md(
            # Translators: {org} is an organization; {when} a date and time, shown in the reader's
            # own time zone.
            _(":hourglass_flowing_sand: {org}'s turn, by {when} (in {org}'s working days)"),
            org=names.org(side),
            when=slack_date(when, "{date_short_pretty}, {time}"),
        )
        for side, when in sorted(due.items())
    )


def _ended(dispute: Dispute, names: CardNames) -> list[dict[str, Any]]:
    """How it ended, and the way to raise another (the channel welcome may have scrolled away)."""
    blocks: list[dict[str, Any]] = []
    if dispute.ended_how:
        how = _(ENDINGS[dispute.ended_how]).format(client=names.org(Side.CLIENT))
        blocks.append(
            section(
                # Translators: {how} says how the dispute ended; {why} is the reason given, quoted.
                md(_("*How it ended*\n{how}:\n{why}"), how=how, why=quoted(dispute.ended_reason, 500))
                if dispute.ended_reason
                # Translators: {how} says how the dispute ended.
                else md(_("*How it ended*\n{how}"), how=how)
            )
        )
    blocks.append(
        {
            "type": "actions",
            "block_id": "dispute_raise_again",
            "elements": [button(_("Raise a dispute"), ids.RAISE_DISPUTE, RaiseButton().encode())],
        }
    )
    return blocks


# Until the dispute has ended, either side may add to its record (bot/services/evidence.py).
EVIDENCE_OPEN = (
    DisputeStatus.OPEN,
    DisputeStatus.DISCUSSING,
    DisputeStatus.AGREEMENT_PENDING,
    DisputeStatus.AGREED,
)


def _more(dispute: Dispute, step: NextStep, primary: str | None) -> dict[str, Any]:
    """The rarer actions, in an overflow menu."""
    options = [
        ("share", _("Revise your side") if step.revealed else _("Share or revise your side")),
        ("propose", _("Propose a solution")),
        ("settle", _("Settle the amount privately")),
        ("draft", _("Write an agreement")),
        ("party", _("Add someone")),
        ("mediator", _("Ask for a mediator")),
        ("close", _("Close or withdraw")),
    ]
    if dispute.status not in (DisputeStatus.OPEN, DisputeStatus.DISCUSSING):
        options = [o for o in options if o[0] in ("mediator", "close")]
    if dispute.status != DisputeStatus.DISCUSSING:  # once both sides have told theirs
        options = [o for o in options if o[0] != "settle"]
    options = [o for o in options if o[0] != primary]
    # Slack shows five at most: revising an account both sides have read goes first
    # (settling privately is also offered where a figure is named: the proposal form)
    for verb in ("settle", "share", "party"):
        if len(options) <= OVERFLOW_LIMIT:
            break
        options = [o for o in options if o[0] != verb]
    return {
        "type": "overflow",
        "action_id": ids.CARD_MORE,
        "options": [
            {"text": plain(label, 75), "value": CardOption(d=dispute.id, o=verb).encode()}
            for verb, label in options
        ],
    }


def _actions(dispute: Dispute, step: NextStep, names: CardNames) -> list[dict[str, Any]]:
    if step.step == Step.ENDED:
        return _ended(dispute, names)
    value = DisputeButton(d=dispute.id).encode()
    primary = {
        Step.SHARE: ("share", _("Share your side"), ids.SHARE_PERSPECTIVE),
        Step.PROPOSE: ("propose", _("Propose a solution"), ids.PROPOSE),
    }.get(step.step)
    elements: list[dict[str, Any]] = []
    if primary is not None:
        elements.append(button(primary[1], primary[2], value, style="primary"))
    elif step.step == Step.ANSWER and len(step.shared) < 2:  # a proposal came before both spoke
        primary = ("share", _("Share your side"), ids.SHARE_PERSPECTIVE)
        elements.append(button(primary[1], primary[2], value))
    if dispute.status in EVIDENCE_OPEN:
        elements.append(button(_("Add evidence"), ids.ADD_EVIDENCE, value))
    elements.append(_more(dispute, step, primary[0] if primary else None))
    return [{"type": "actions", "block_id": "dispute_actions", "elements": elements}]


def status_card(
    dispute: Dispute,
    step: NextStep,
    names: CardNames,
    next_checkin: datetime | None = None,
    *,
    description: bool = False,
    due: dict[str, datetime] | None = None,
) -> list[dict[str, Any]]:
    """`description`: a dispute raised before the opener's account became their side's sealed
    perspective shows its description and outcome wanted on the card, as it always did."""
    facts = [
        md(_("*Reference*\n{ref}"), ref=dispute.reference),
        md(_("*Status*\n{status} · with a mediator"), status=status_words(dispute.status))
        if dispute.escalated
        else md(_("*Status*\n{status}"), status=status_words(dispute.status)),
        md(_("*Category*\n{category}"), category=category_label(dispute.category)),
        md(
            # Translators: {who} is a person's name; {when} a date.
            _("*Raised by*\n{who} on {when}"),
            who=names.person(dispute.opened_by_user),
            when=slack_date(dispute.created_at),
        ),
    ]
    amount = format_amount(dispute.amount, dispute.currency)
    if amount:
        facts.append(md(_("*Amount in question*\n{amount}"), amount=amount))
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(one_line(dispute.title), 150)},
        fields(*facts),
        section(md(_("*Who takes part*\n{sides}"), sides=_sides(dispute, names))),
    ]
    if description:
        blocks += [
            *quote_sections(md(_("*What happened*")), dispute.description),
            *quote_sections(md(_("*Outcome wanted*")), dispute.desired_outcome),
        ]
    if step.step != Step.ENDED:
        blocks.append(section(md(_("*Next*\n{next}"), next=_next(dispute, step, names, next_checkin))))
        if due:
            blocks.append(context(_turns(due, names)))
    if dispute.close_requested_side in (Side.PROVIDER, Side.CLIENT) and step.step != Step.ENDED:
        other = Side.CLIENT if dispute.close_requested_side == Side.PROVIDER else Side.PROVIDER
        blocks.append(
            context(
                md(
                    # Translators: {asked} and {other} are organizations.
                    _(
                        "{asked} proposed closing {ref}; it closes if {other} agrees with *Close or "
                        "withdraw*. Anything new in the dispute (a proposal, an agreement) sets the "
                        "proposal aside."
                    ),
                    asked=names.org(dispute.close_requested_side),
                    ref=dispute.reference,
                    other=names.org(other),
                )
            )
        )
    blocks += _actions(dispute, step, names)
    blocks.append(context(md(_("Everything about {ref} happens in this thread."), ref=dispute.reference)))
    return blocks
