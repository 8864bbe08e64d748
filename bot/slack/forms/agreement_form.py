"""Reads and validates the agreement modal."""

from __future__ import annotations

import re
from typing import Any

from bot import ids
from bot.blocks.agreements import CHECKIN_CHOICES, TERMS_MAX, AgreementValues
from bot.i18n import _
from bot.services.agreements import AgreementDraft
from bot.slack.directory import Directory
from bot.slack.forms import form_state as state
from bot.slack.forms.form_checks import money, required_text
from bot.slack.forms.item_rows import check_items, read_items, today_for

DAYS = re.compile(r"[0-9]{1,4}")  # ASCII digits only: "²".isdigit() is true, int("²") fails


def read_values(values: dict[str, Any], rows: int) -> AgreementValues:
    days = [int(v) for v in state.checked(values, ids.B_AG_CHECKINS, ids.A_AG_CHECKINS) if DAYS.fullmatch(v)]
    return AgreementValues(
        terms=state.text(values, ids.B_AG_TERMS, ids.A_AG_TERMS),
        amount=state.line(values, ids.B_AG_AMOUNT, ids.A_AG_AMOUNT),
        currency=state.selected(values, ids.B_AG_CURRENCY, ids.A_AG_CURRENCY),
        items=read_items(values, rows),
        checkin_days=days,
        on_due_dates="yes" in state.checked(values, ids.B_AG_DUE_CHECKINS, ids.A_AG_DUE_CHECKINS),
    )


def validate(
    values: AgreementValues, *, author_id: str, directory: Directory, proposal_id: int | None
) -> AgreementDraft | dict[str, str]:
    errors: dict[str, str] = {}
    required_text(errors, ids.B_AG_TERMS, values.terms, TERMS_MAX, _("Write the terms both sides agree to."))
    amount = money(
        errors, values.amount, values.currency, amount_block=ids.B_AG_AMOUNT, currency_block=ids.B_AG_CURRENCY
    )
    if any(d not in CHECKIN_CHOICES for d in values.checkin_days):
        errors[ids.B_AG_CHECKINS] = _("Choose check-in points from the list.")
    items = check_items(values.items, today_for(directory, author_id), directory, errors)
    if errors:
        return errors
    return AgreementDraft(
        terms=values.terms,
        items=items,
        amount=amount,
        currency=values.currency if amount is not None else None,
        checkin_days=values.checkin_days,
        checkin_on_due_dates=values.on_due_dates,
        proposal_id=proposal_id,
    )
