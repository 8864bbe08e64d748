"""Reads the proposal modal (including its action-item rows) and validates it into a draft."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.proposals import DETAILS_MAX, ITEM_MAX, SUMMARY_MAX, ItemValues, ProposalValues
from bot.services.proposals import ItemDraft, ProposalDraft
from bot.services.vocabulary import REMEDIES
from bot.slack import form_state as state
from bot.slack.directory import Directory
from bot.slack.form_checks import money, required_text
from bot.slack.people_check import resolve_people


def read_values(values: dict[str, Any], rows: int) -> ProposalValues:
    return ProposalValues(
        summary=state.text(values, ids.B_PR_SUMMARY, ids.A_PR_SUMMARY),
        details=state.text(values, ids.B_PR_DETAILS, ids.A_PR_DETAILS),
        remedy=state.selected(values, ids.B_PR_REMEDY, ids.A_PR_REMEDY),
        amount=state.text(values, ids.B_PR_AMOUNT, ids.A_PR_AMOUNT),
        currency=state.selected(values, ids.B_PR_CURRENCY, ids.A_PR_CURRENCY),
        items=[ItemValues(
            text=state.text(values, ids.B_ITEM_TEXT.format(i), ids.A_ITEM_TEXT),
            owner=state.user(values, ids.B_ITEM_OWNER.format(i), ids.A_ITEM_OWNER),
            due=state.date(values, ids.B_ITEM_DUE.format(i), ids.A_ITEM_DUE),
        ) for i in range(rows)],
    )


def today_for(directory: Directory, user_id: str) -> date:
    """Today in the person's own time zone (a due date of 'today' is never 'in the past')."""
    try:
        zone = ZoneInfo(directory.lookup(user_id).tz or "UTC")
    except (SlackApiError, ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return datetime.now(zone).date()


def _items(values: ProposalValues, today: date, directory: Directory,
           errors: dict[str, str]) -> list[ItemDraft]:
    drafts = []
    for row, item in enumerate(values.items):
        if not (item.text or item.owner or item.due):
            continue
        text_block, owner_block, due_block = (b.format(row) for b in (
            ids.B_ITEM_TEXT, ids.B_ITEM_OWNER, ids.B_ITEM_DUE))
        required_text(errors, text_block, item.text, ITEM_MAX, "Say what will be done.")
        due: date | None = None
        if not item.due:
            errors[due_block] = "Pick a due date."
        else:
            try:
                due = date.fromisoformat(item.due)
            except ValueError:
                errors[due_block] = "Pick a valid date."
            else:
                if due < today:
                    errors[due_block] = "The due date is in the past; pick today or later."
        owner = None
        if not item.owner:
            errors[owner_block] = "Choose who will do it."
        else:
            people, problem = resolve_people(directory, [item.owner])
            if problem:
                errors[owner_block] = problem
            else:
                owner = people[0].person
        if owner is not None and due is not None and text_block not in errors:
            drafts.append(ItemDraft(item.text, owner, due))
    return drafts


def validate(values: ProposalValues, *, author_id: str, directory: Directory) -> ProposalDraft | dict[str, str]:
    errors: dict[str, str] = {}
    required_text(errors, ids.B_PR_SUMMARY, values.summary, SUMMARY_MAX,
                  "Sum the proposal up in one line.")
    required_text(errors, ids.B_PR_DETAILS, values.details, DETAILS_MAX,
                  "Describe the proposal in a few sentences.")
    if values.remedy not in REMEDIES:
        errors[ids.B_PR_REMEDY] = "Choose the kind of remedy."
    amount = money(errors, values.amount, values.currency, amount_block=ids.B_PR_AMOUNT,
                   currency_block=ids.B_PR_CURRENCY)
    items = _items(values, today_for(directory, author_id), directory, errors)
    if errors:
        return errors
    return ProposalDraft(summary=values.summary, details=values.details,
                         remedy=values.remedy or "other", amount=amount,
                         currency=values.currency if amount is not None else None, items=items)
