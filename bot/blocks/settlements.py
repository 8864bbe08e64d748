"""Settling the amount privately: the form that asks for it, the one message in the thread that
says where it stands (updated in place), and the private form where a side's approver enters
its limit. No limit ever appears in any of them but the person's own form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot import ids
from bot.blocks.dispute_modal import example_amount
from bot.blocks.inputs import input_block, static_select, text_input
from bot.blocks.proposals import DETAILS_MAX, SUMMARY_MAX, remedy_choices
from bot.blocks.text import (
    Mrkdwn,
    and_join,
    button,
    context,
    md,
    mentions,
    plain,
    section,
    slack_date,
    truncate,
)
from bot.i18n import N_, _
from bot.payloads import SettleAskMeta, SettlementButton
from bot.services.vocabulary import CURRENCIES, format_amount
from models import Dispute, Settlement, SettlementStatus, Side

# (Shown through `_()`.)
HOW_IT_WORKS = N_(
    "Each side's approver enters, privately, a limit: the side that would pay, the most it "
    "would pay; the other side, the least it would accept. Nobody else ever sees a limit: not "
    "the other side, not a mediator, not this thread. If the two overlap, the amount is settled "
    "halfway between them and becomes the agreement. If not, both are told only that they are "
    "still apart, and may try again."
)

# How far apart the two limits were, as bot/services/settlements.py (gap_band) stores it: in words
BANDS = {
    "within 10%": N_("within 10%"),
    "10% to 25%": N_("10% to 25%"),
    "more than 25%": N_("more than 25%"),
}


def _band(band: str) -> str:
    return _(BANDS[band]) if band in BANDS else band


@dataclass(frozen=True)
class SettlementView:
    """Names, already in words: `payer` and `receiver` are organizations; `answering` and
    `approvers` user ids to mention (only while they must act)."""

    payer: str
    receiver: str
    asked_by: str  # "Cora (Client Co)"
    asker_org: str
    answering_org: str
    answering: list[str]
    approvers: list[str]
    sealed_sides: list[str]  # organizations whose limit for this round is in ("Studio")


def ask_modal(
    dispute: Dispute,
    meta: SettleAskMeta,
    provider: str,
    client: str,
    terms: tuple[str, str, str | None] | None = None,
) -> dict[str, Any]:
    """`terms`: the proposal form's words so far (summary, details, remedy), when asked from it:
    they go with the settled amount."""
    # Translators: {payer} and {receiver} are the two organizations' names.
    pays = _("{payer} pays {receiver}")
    payer = {
        Side.PROVIDER.value: pays.format(payer=provider, receiver=client),
        Side.CLIENT.value: pays.format(payer=client, receiver=provider),
    }
    amount = f"{dispute.amount:f}" if dispute.amount is not None else None
    return {
        "type": "modal",
        "callback_id": ids.SETTLE_ASK_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Settle it privately")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Ask the other side")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": [
            section(
                md(
                    "*{ref} · {title}*\n{how}",
                    ref=dispute.reference,
                    title=truncate(dispute.title, 200),
                    how=_(HOW_IT_WORKS),
                )
            ),
            input_block(ids.B_ST_PAYER, _("Who would pay whom?"), static_select(ids.A_ST_PAYER, payer)),
            input_block(
                ids.B_ST_AMOUNT,
                _("The amount in question"),
                text_input(
                    ids.A_ST_AMOUNT,
                    max_length=20,
                    initial=amount,
                    placeholder=_("e.g. {amount}").format(amount=example_amount("1250")),
                ),
                hint=_("What the disagreement is about; no limit may be more than 100 times it."),
            ),
            input_block(
                ids.B_ST_CURRENCY,
                _("Currency"),
                static_select(ids.A_ST_CURRENCY, {c: c for c in CURRENCIES}, initial=dispute.currency),
            ),
            *(_terms_blocks(terms) if terms is not None else []),
            context(_("Nothing binds anyone until the other side joins.")),
        ],
    }


def _terms_blocks(terms: tuple[str, str, str | None]) -> list[dict[str, Any]]:
    summary, details, remedy = terms
    return [
        section(
            md(
                _(
                    "*Your proposal's words*\nThey go with the settled amount, as one proposal both "
                    "sides accepted."
                )
            )
        ),
        input_block(
            ids.B_ST_SUMMARY,
            _("Summary"),
            text_input(ids.A_ST_SUMMARY, max_length=SUMMARY_MAX, initial=summary),
        ),
        input_block(
            ids.B_ST_DETAILS,
            _("Details"),
            text_input(ids.A_ST_DETAILS, max_length=DETAILS_MAX, multiline=True, initial=details),
        ),
        input_block(
            ids.B_ST_REMEDY,
            _("Kind of remedy"),
            static_select(ids.A_ST_REMEDY, remedy_choices(), initial=remedy, placeholder=_("Choose one")),
        ),
    ]


def settlement_message(
    dispute: Dispute, settlement: Settlement, view: SettlementView
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    value = SettlementButton(d=dispute.id, s=settlement.id, r=settlement.round).encode()
    money = format_amount(settlement.in_question, settlement.currency) or ""
    head = md(
        # Translators: {payer} and {receiver} are organizations; {money} an amount with its currency.
        _(
            ":lock: *Settling the amount privately* · {payer} would pay {receiver}; the amount in "
            "question is {money}"
        ),
        payer=view.payer,
        receiver=view.receiver,
        money=money,
    )
    blocks: list[dict[str, Any]] = [section(head)]
    actions: list[dict[str, Any]] = []
    if settlement.status == SettlementStatus.ASKED:
        blocks.append(
            section(
                md(
                    # Translators: {by} is "Name (Organization)"; {answering} the other side's people,
                    # {org} their organization.
                    _("{by} asked to settle the amount privately. {answering}: will {org} join?"),
                    by=view.asked_by,
                    answering=mentions(view.answering),
                    org=view.answering_org,
                )
            )
        )
        blocks.append(context(_(HOW_IT_WORKS)))
        actions = [
            {**button(_("Join"), ids.SETTLE_JOIN, value, style="primary"), "confirm": _join_dialog(view)},
            button(_("Decline"), ids.SETTLE_DECLINE, value),
        ]
    elif settlement.status == SettlementStatus.OPEN:
        if settlement.round > 1:
            apart = (
                md(
                    # Translators: {band} says roughly how far apart ("within 10%").
                    _("Still apart after round {n} ({band}). Either side may move toward the other."),
                    n=settlement.round - 1,
                    band=_band(settlement.last_band),
                )
                if settlement.last_band
                else md(
                    _("Still apart after round {n}. Either side may move toward the other."),
                    n=settlement.round - 1,
                )
            )
            blocks.append(section(apart))
        waiting = (
            md(
                # Translators: {n} of {of} rounds; {when} a date; {approvers} the people who enter a limit.
                _(
                    "Round {n} of {of}, until {when}. {approvers}: enter your side's limit; nobody else "
                    "will see it."
                ),
                n=settlement.round,
                of=settlement.max_rounds,
                when=slack_date(settlement.deadline_at),
                approvers=mentions(view.approvers),
            )
            if settlement.deadline_at
            else md(
                # Translators: {n} of {of} rounds; {approvers} the people who enter a limit.
                _(
                    "Round {n} of {of}, until the deadline. {approvers}: enter your side's limit; nobody "
                    "else will see it."
                ),
                n=settlement.round,
                of=settlement.max_rounds,
                approvers=mentions(view.approvers),
            )
        )
        blocks.append(section(waiting))
        if view.sealed_sides:
            blocks.append(
                context(
                    # Translators: {sides} is one or two organizations ("Studio and Client Co").
                    md(_("In for this round: {sides}."), sides=and_join(view.sealed_sides))
                )
            )
        actions = [
            button(_("Enter your side's limit"), ids.SETTLE_LIMIT, value, style="primary"),
            {**button(_("Stop"), ids.SETTLE_WITHDRAW, value), "confirm": _stop_dialog()},
        ]
    elif settlement.status == SettlementStatus.SETTLED:
        blocks.append(
            section(
                md(
                    _(
                        ":handshake: Settled privately at *{amount}*: the two limits overlapped, and this "
                        "is halfway between them. Neither side's limit was shown to anyone."
                    ),
                    amount=format_amount(settlement.settled_amount, settlement.currency) or "",
                )
            )
        )
    else:
        blocks.append(
            section(
                md(
                    # Translators: {why} is a sentence saying how the private settlement ended.
                    _("{why} The dispute goes on as before."),
                    why=_ended(settlement.ended_reason),
                )
            )
        )
    if actions:
        blocks.append({"type": "actions", "block_id": f"settlement_{settlement.id}", "elements": actions})
    return md(_("Settling the amount of {ref} privately"), ref=dispute.reference), blocks


# (Shown through `_()`: _ended.)
ENDED = {
    "declined": N_("The other side declined to settle privately."),
    "withdrawn": N_("The private settlement was stopped."),
    "apart": N_("The two sides were still apart after the last round, so nothing was settled."),
    "deadline": N_("The private settlement's time ran out, so nothing was settled."),
}


def _ended(reason: str | None) -> str:
    known = ENDED.get(reason or "")
    return _(known) if known else _("The private settlement has ended.")


def _join_dialog(view: SettlementView) -> dict[str, Any]:
    return {
        # Translators: a confirmation's title, at most 100 characters.
        "title": plain(_("Join?")),
        "text": plain(
            # Translators: {org} is the organization that asked to settle privately.
            _(
                "Your side's approver will enter a limit that only Parley sees. If it overlaps with "
                "{org}'s, the amount is settled halfway between the two and becomes the "
                "agreement, approved by both sides' approvers. If not, nothing is settled."
            ).format(org=view.asker_org)
        ),
        # Translators: a confirmation's button: at most 30 characters.
        "confirm": plain(_("Join")),
        # Translators: a confirmation's button: at most 30 characters.
        "deny": plain(_("Not now")),
    }


def _stop_dialog() -> dict[str, Any]:
    return {
        # Translators: a confirmation's title, at most 100 characters.
        "title": plain(_("Stop it?")),
        "text": plain(_("The private settlement ends for both sides; no limit is ever shown.")),
        # Translators: a confirmation's button: at most 30 characters.
        "confirm": plain(_("Stop")),
        # Translators: a confirmation's button: at most 30 characters.
        "deny": plain(_("Go on")),
    }


def limit_modal(
    dispute: Dispute,
    settlement: Settlement,
    meta: SettlementButton,
    *,
    pays: bool,
    other: str,
    previous: Decimal | None,
) -> dict[str, Any]:
    if pays:
        # Translators: {currency} is a currency's code ("EUR").
        label = _("The most your side would pay ({currency})")
    else:
        # Translators: {currency} is a currency's code ("EUR").
        label = _("The least your side would accept ({currency})")
    moves = (
        md(
            # Translators: {last} is an amount with its currency.
            _("In this round it can only stay or go up from your side's last limit, {last}."),
            last=format_amount(previous, settlement.currency) or "",
        )
        if previous is not None and pays
        else md(
            # Translators: {last} is an amount with its currency.
            _("In this round it can only stay or go down from your side's last limit, {last}."),
            last=format_amount(previous, settlement.currency) or "",
        )
        if previous is not None
        else md("")
    )
    return {
        "type": "modal",
        "callback_id": ids.SETTLE_LIMIT_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Your side's limit")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Seal it")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": meta.encode(),
        "blocks": [
            section(
                md(
                    # Translators: {other} is the other organization; {moves} a sentence on how far the
                    # figure may move, or nothing.
                    _(
                        "*{ref}* · round {n} of {of}\nOnly Parley sees this figure: not {other}, not a "
                        "mediator, not the thread, not an export. {moves}"
                    ),
                    ref=dispute.reference,
                    n=settlement.round,
                    of=settlement.max_rounds,
                    other=other,
                    moves=moves,
                )
            ),
            input_block(
                ids.B_ST_LIMIT,
                label.format(currency=settlement.currency),
                text_input(ids.A_ST_LIMIT, max_length=20, placeholder=_("e.g. 800")),
            ),
        ],
    }


def sealed_note(outcome_kind: str, band: str | None, amount: str | None) -> Mrkdwn:
    """What the approver who sealed a limit is told privately."""
    if outcome_kind == "settled":
        # Translators: {amount} is an amount with its currency.
        return md(_("Settled privately at {amount}. Nobody saw your side's limit."), amount=amount or "")
    if outcome_kind == "apart":
        if band:
            return md(
                # Translators: {band} says roughly how far apart ("within 10%").
                _("Still apart ({band}). Nobody saw your side's limit; a new round has begun."),
                band=_band(band),
            )
        return md(_("Still apart. Nobody saw your side's limit; a new round has begun."))
    if outcome_kind == "ended":
        if band:
            return md(
                # Translators: {band} says roughly how far apart ("within 10%").
                _(
                    "Still apart ({band}) after the last round, so nothing was settled. Nobody saw "
                    "your side's limit."
                ),
                band=_band(band),
            )
        return md(
            _("Still apart after the last round, so nothing was settled. Nobody saw your side's limit.")
        )
    return md(
        _(
            "Your side's limit is sealed. Nobody else will see it; the thread will say what "
            "happens once the other side's is in."
        )
    )
