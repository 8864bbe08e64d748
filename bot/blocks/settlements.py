"""Settling the amount privately: the form that asks for it, the one message in the thread that
says where it stands (updated in place), and the private form where a side's approver enters
its limit. No limit ever appears in any of them but the person's own form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, static_select, text_input
from bot.blocks.proposals import DETAILS_MAX, SUMMARY_MAX
from bot.blocks.text import Mrkdwn, button, context, md, mentions, plain, section, slack_date, truncate
from bot.payloads import SettleAskMeta, SettlementButton
from bot.services.vocabulary import CURRENCIES, REMEDIES, format_amount
from models import Dispute, Settlement, SettlementStatus, Side

HOW_IT_WORKS = (
    "Each side's approver enters, privately, a limit: the side that would pay, the most it "
    "would pay; the other side, the least it would accept. Nobody else ever sees a limit: not "
    "the other side, not a mediator, not this thread. If the two overlap, the amount is settled "
    "halfway between them and becomes the agreement. If not, both are told only that they are "
    "still apart, and may try again."
)


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
    payer = {Side.PROVIDER.value: f"{provider} pays {client}", Side.CLIENT.value: f"{client} pays {provider}"}
    amount = f"{dispute.amount:f}" if dispute.amount is not None else None
    return {
        "type": "modal",
        "callback_id": ids.SETTLE_ASK_MODAL,
        "title": plain("Settle it privately"),
        "submit": plain("Ask the other side"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": [
            section(
                md(
                    "*{ref} · {title}*\n{how}",
                    ref=dispute.reference,
                    title=truncate(dispute.title, 200),
                    how=HOW_IT_WORKS,
                )
            ),
            input_block(ids.B_ST_PAYER, "Who would pay whom?", static_select(ids.A_ST_PAYER, payer)),
            input_block(
                ids.B_ST_AMOUNT,
                "The amount in question",
                text_input(ids.A_ST_AMOUNT, max_length=20, initial=amount, placeholder="e.g. 1250"),
                hint="What the disagreement is about; no limit may be more than 100 times it.",
            ),
            input_block(
                ids.B_ST_CURRENCY,
                "Currency",
                static_select(ids.A_ST_CURRENCY, {c: c for c in CURRENCIES}, initial=dispute.currency),
            ),
            *(_terms_blocks(terms) if terms is not None else []),
            context("Nothing binds anyone until the other side joins."),
        ],
    }


def _terms_blocks(terms: tuple[str, str, str | None]) -> list[dict[str, Any]]:
    summary, details, remedy = terms
    return [
        section(
            md(
                "*Your proposal's words*\nThey go with the settled amount, as one proposal both "
                "sides accepted."
            )
        ),
        input_block(
            ids.B_ST_SUMMARY,
            "Summary",
            text_input(ids.A_ST_SUMMARY, max_length=SUMMARY_MAX, initial=summary),
        ),
        input_block(
            ids.B_ST_DETAILS,
            "Details",
            text_input(ids.A_ST_DETAILS, max_length=DETAILS_MAX, multiline=True, initial=details),
        ),
        input_block(
            ids.B_ST_REMEDY,
            "Kind of remedy",
            static_select(ids.A_ST_REMEDY, REMEDIES, initial=remedy, placeholder="Choose one"),
        ),
    ]


def settlement_message(
    dispute: Dispute, settlement: Settlement, view: SettlementView
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    value = SettlementButton(d=dispute.id, s=settlement.id, r=settlement.round).encode()
    money = format_amount(settlement.in_question, settlement.currency) or ""
    head = md(
        ":lock: *Settling the amount privately* · {payer} would pay {receiver}; the amount in "
        "question is {money}",
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
                    "{by} asked to settle the amount privately. {answering}: will {org} join?",
                    by=view.asked_by,
                    answering=mentions(view.answering),
                    org=view.answering_org,
                )
            )
        )
        blocks.append(context(HOW_IT_WORKS))
        actions = [
            {**button("Join", ids.SETTLE_JOIN, value, style="primary"), "confirm": _join_dialog(view)},
            button("Decline", ids.SETTLE_DECLINE, value),
        ]
    elif settlement.status == SettlementStatus.OPEN:
        if settlement.round > 1:
            blocks.append(
                section(
                    md(
                        "Still apart after round {n}{band}. Either side may move toward the other.",
                        n=settlement.round - 1,
                        band=f" ({settlement.last_band})" if settlement.last_band else "",
                    )
                )
            )
        waiting = md(
            "Round {n} of {of}, until {when}. {approvers}: enter your side's limit; nobody else will see it.",
            n=settlement.round,
            of=settlement.max_rounds,
            when=slack_date(settlement.deadline_at) if settlement.deadline_at else Mrkdwn("the deadline"),
            approvers=mentions(view.approvers),
        )
        blocks.append(section(waiting))
        if view.sealed_sides:
            blocks.append(context(md("In for this round: {sides}.", sides=" and ".join(view.sealed_sides))))
        actions = [
            button("Enter your side's limit", ids.SETTLE_LIMIT, value, style="primary"),
            {**button("Stop", ids.SETTLE_WITHDRAW, value), "confirm": _stop_dialog()},
        ]
    elif settlement.status == SettlementStatus.SETTLED:
        blocks.append(
            section(
                md(
                    ":handshake: Settled privately at *{amount}*: the two limits overlapped, and this is "
                    "halfway between them. Neither side's limit was shown to anyone.",
                    amount=format_amount(settlement.settled_amount, settlement.currency) or "",
                )
            )
        )
    else:
        blocks.append(
            section(
                md(
                    "{why} The dispute goes on as before.",
                    why=ENDED.get(settlement.ended_reason or "", "The private settlement has ended."),
                )
            )
        )
    if actions:
        blocks.append({"type": "actions", "block_id": f"settlement_{settlement.id}", "elements": actions})
    return md("Settling the amount of {ref} privately", ref=dispute.reference), blocks


ENDED = {
    "declined": "The other side declined to settle privately.",
    "withdrawn": "The private settlement was stopped.",
    "apart": "The two sides were still apart after the last round, so nothing was settled.",
    "deadline": "The private settlement's time ran out, so nothing was settled.",
}


def _join_dialog(view: SettlementView) -> dict[str, Any]:
    return {
        "title": plain("Join?"),
        "text": plain(
            "Your side's approver will enter a limit that only Parley sees. If it overlaps with "
            f"{view.asker_org}'s, the amount is settled halfway between the two and becomes the "
            "agreement, approved by both sides' approvers. If not, nothing is settled."
        ),
        "confirm": plain("Join"),
        "deny": plain("Not now"),
    }


def _stop_dialog() -> dict[str, Any]:
    return {
        "title": plain("Stop it?"),
        "text": plain("The private settlement ends for both sides; no limit is ever shown."),
        "confirm": plain("Stop"),
        "deny": plain("Go on"),
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
    label = "The most your side would pay" if pays else "The least your side would accept"
    moves = (
        md(
            "In this round it can only stay or go up from your side's last limit, {last}.",
            last=format_amount(previous, settlement.currency) or "",
        )
        if previous is not None and pays
        else md(
            "In this round it can only stay or go down from your side's last limit, {last}.",
            last=format_amount(previous, settlement.currency) or "",
        )
        if previous is not None
        else md("")
    )
    return {
        "type": "modal",
        "callback_id": ids.SETTLE_LIMIT_MODAL,
        "title": plain("Your side's limit"),
        "submit": plain("Seal it"),
        "close": plain("Cancel"),
        "private_metadata": meta.encode(),
        "blocks": [
            section(
                md(
                    "*{ref}* · round {n} of {of}\nOnly Parley sees this figure: not {other}, not a "
                    "mediator, not the thread, not an export. {moves}",
                    ref=dispute.reference,
                    n=settlement.round,
                    of=settlement.max_rounds,
                    other=other,
                    moves=moves,
                )
            ),
            input_block(
                ids.B_ST_LIMIT,
                f"{label} ({settlement.currency})",
                text_input(ids.A_ST_LIMIT, max_length=20, placeholder="e.g. 800"),
            ),
        ],
    }


def sealed_note(outcome_kind: str, band: str | None, amount: str | None) -> Mrkdwn:
    """What the approver who sealed a limit is told privately."""
    if outcome_kind == "settled":
        return md("Settled privately at {amount}. Nobody saw your side's limit.", amount=amount or "")
    if outcome_kind == "apart":
        return md(
            "Still apart{band}. Nobody saw your side's limit; a new round has begun.",
            band=f" ({band})" if band else "",
        )
    if outcome_kind == "ended":
        return md(
            "Still apart{band} after the last round, so nothing was settled. Nobody saw your side's limit.",
            band=f" ({band})" if band else "",
        )
    return md(
        "Your side's limit is sealed. Nobody else will see it; the thread will say what "
        "happens once the other side's is in."
    )
