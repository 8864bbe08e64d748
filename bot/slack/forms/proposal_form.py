"""Reads the proposal modal (including its action-item rows) and validates it into a draft."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.blocks.proposals import DETAILS_MAX, SUMMARY_MAX, ProposalValues
from bot.i18n import _
from bot.services.proposals import ProposalDraft
from bot.services.vocabulary import REMEDIES
from bot.slack.directory import Directory
from bot.slack.forms import form_state as state
from bot.slack.forms.form_checks import money, required_text
from bot.slack.forms.item_rows import check_items, read_items, today_for


def read_values(values: dict[str, Any], rows: int) -> ProposalValues:
    return ProposalValues(
        summary=state.line(values, ids.B_PR_SUMMARY, ids.A_PR_SUMMARY),
        details=state.text(values, ids.B_PR_DETAILS, ids.A_PR_DETAILS),
        remedy=state.selected(values, ids.B_PR_REMEDY, ids.A_PR_REMEDY),
        amount=state.line(values, ids.B_PR_AMOUNT, ids.A_PR_AMOUNT),
        currency=state.selected(values, ids.B_PR_CURRENCY, ids.A_PR_CURRENCY),
        items=read_items(values, rows),
    )


def validate(
    values: ProposalValues, *, author_id: str, directory: Directory
) -> ProposalDraft | dict[str, str]:
    errors: dict[str, str] = {}
    required_text(
        errors, ids.B_PR_SUMMARY, values.summary, SUMMARY_MAX, _("Sum the proposal up in one line.")
    )
    required_text(
        errors, ids.B_PR_DETAILS, values.details, DETAILS_MAX, _("Describe the proposal in a few sentences.")
    )
    if values.remedy not in REMEDIES:
        errors[ids.B_PR_REMEDY] = _("Choose the kind of remedy.")
    amount = money(
        errors, values.amount, values.currency, amount_block=ids.B_PR_AMOUNT, currency_block=ids.B_PR_CURRENCY
    )
    items = check_items(values.items, today_for(directory, author_id), directory, errors)
    if errors:
        return errors
    return ProposalDraft(
        summary=values.summary,
        details=values.details,
        remedy=values.remedy or "other",
        amount=amount,
        currency=values.currency if amount is not None else None,
        items=items,
    )
