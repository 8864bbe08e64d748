"""Reads the "Raise a dispute" modal's state and validates it into a NewDispute, or inline errors."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.dispute_modal import HAPPENED_MAX, MAX_PARTIES, OUTCOME_MAX, TITLE_MAX
from bot.services.disputes import NewDispute
from bot.services.people import Participant
from bot.services.vocabulary import CATEGORIES, CURRENCIES, parse_amount
from bot.slack.directory import Directory


@dataclass(frozen=True)
class DisputeForm:
    title: str
    party_ids: list[str]
    category: str | None
    happened: str
    outcome: str
    amount: str
    currency: str | None


def _value(values: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    element = values.get(block, {}).get(action)
    return element if isinstance(element, dict) else {}


def _text(values: dict[str, Any], block: str, action: str) -> str:
    raw = _value(values, block, action).get("value")
    return raw.strip() if isinstance(raw, str) else ""


def _selected(values: dict[str, Any], block: str, action: str) -> str | None:
    option = _value(values, block, action).get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return option["value"]
    return None


def read_form(values: dict[str, Any]) -> DisputeForm:
    users = _value(values, ids.B_PARTIES, ids.A_PARTIES).get("selected_users")
    return DisputeForm(
        title=_text(values, ids.B_TITLE, ids.A_TITLE),
        party_ids=[u for u in users if isinstance(u, str)] if isinstance(users, list) else [],
        category=_selected(values, ids.B_CATEGORY, ids.A_CATEGORY),
        happened=_text(values, ids.B_HAPPENED, ids.A_HAPPENED),
        outcome=_text(values, ids.B_OUTCOME, ids.A_OUTCOME),
        amount=_text(values, ids.B_AMOUNT, ids.A_AMOUNT),
        currency=_selected(values, ids.B_CURRENCY, ids.A_CURRENCY),
    )


def _check_length(errors: dict[str, str], block: str, text: str, limit: int, empty: str) -> None:
    if not text:
        errors[block] = empty
    elif len(text) > limit:
        errors[block] = f"Please keep this under {limit:,} characters (it is {len(text):,})."


def _parties(form: DisputeForm, opener_id: str, directory: Directory,
             errors: dict[str, str]) -> list[Participant]:
    others = list(dict.fromkeys(u for u in form.party_ids if u != opener_id))
    if not form.party_ids:
        errors[ids.B_PARTIES] = "Choose at least one person from the other side."
        return []
    if not others:
        errors[ids.B_PARTIES] = "Choose someone other than yourself: a dispute needs another side."
        return []
    if len(others) > MAX_PARTIES:
        errors[ids.B_PARTIES] = f"Choose at most {MAX_PARTIES} people."
        return []
    participants = []
    for user_id in others:
        try:
            profile = directory.lookup(user_id)
        except SlackApiError:
            errors[ids.B_PARTIES] = f"Parley couldn't look up <@{user_id}>. Choose someone else or try again."
            return []
        if profile.is_bot:
            errors[ids.B_PARTIES] = f"{profile.name} is an app, not a person. Choose people from the other side."
            return []
        if profile.deleted:
            errors[ids.B_PARTIES] = f"{profile.name}'s account is deactivated. Choose someone active."
            return []
        participants.append(profile.participant)
    return participants


def validate(
    form: DisputeForm, *, opener_id: str, host_team_id: str, channel_id: str, directory: Directory
) -> NewDispute | dict[str, str]:
    """A NewDispute ready to open, or {block_id: message} for `response_action: errors`."""
    errors: dict[str, str] = {}
    _check_length(errors, ids.B_TITLE, form.title, TITLE_MAX, "Give the dispute a short title.")
    others = _parties(form, opener_id, directory, errors)
    if form.category not in CATEGORIES:
        errors[ids.B_CATEGORY] = "Choose the category that fits best."
    _check_length(errors, ids.B_HAPPENED, form.happened, HAPPENED_MAX, "Describe what happened.")
    _check_length(errors, ids.B_OUTCOME, form.outcome, OUTCOME_MAX, "Say what outcome you want.")
    amount: Decimal | None = None
    if form.amount:
        try:
            amount = parse_amount(form.amount)
        except ValueError as error:
            errors[ids.B_AMOUNT] = str(error) + "."
        if form.currency is None:
            errors[ids.B_CURRENCY] = "Choose the currency of the amount."
    elif form.currency is not None:
        errors[ids.B_AMOUNT] = "Add the amount, or clear the currency."
    if form.currency is not None and form.currency not in CURRENCIES:
        errors[ids.B_CURRENCY] = "Choose a currency from the list."
    opener: Participant | None = None
    if not errors:
        try:
            opener = directory.lookup(opener_id).participant
        except SlackApiError:
            errors[ids.B_PARTIES] = "Parley couldn't look up your own profile. Please try again."
    if errors or opener is None:
        return errors
    return NewDispute(
        host_team_id=host_team_id,
        channel_id=channel_id,
        title=form.title,
        category=form.category or "other",
        description=form.happened,
        desired_outcome=form.outcome,
        opener=opener,
        others=others,
        amount=amount,
        currency=form.currency if amount is not None else None,
    )
