"""Field checks shared by Parley's modals; each adds {block_id: message} for inline errors."""

from __future__ import annotations

from decimal import Decimal

from bot.i18n import _, ngettext
from bot.services.vocabulary import CURRENCIES, parse_amount


def required_text(errors: dict[str, str], block: str, text: str, limit: int, empty: str) -> None:
    if not text:
        errors[block] = empty
    else:
        optional_text(errors, block, text, limit)


def optional_text(errors: dict[str, str], block: str, text: str, limit: int) -> None:
    if len(text) > limit:
        # Translators: {limit} is the most characters the field takes, {length} how many it has.
        errors[block] = ngettext(
            "Please keep this under {limit} character (it is {length}).",
            "Please keep this under {limit} characters (it is {length}).",
            limit,
        ).format(limit=f"{limit:,}", length=f"{len(text):,}")


def money(
    errors: dict[str, str], raw_amount: str, currency: str | None, *, amount_block: str, currency_block: str
) -> Decimal | None:
    """A positive amount with a currency, both or neither."""
    amount: Decimal | None = None
    if raw_amount:
        try:
            amount = parse_amount(raw_amount)
        except ValueError as error:
            errors[amount_block] = str(error) + "."
        if currency is None:
            errors[currency_block] = _("Choose the currency of the amount.")
    elif currency is not None:
        errors[amount_block] = _("Add the amount, or clear the currency.")
    if currency is not None and currency not in CURRENCIES:
        errors[currency_block] = _("Choose a currency from the list.")
    return amount
