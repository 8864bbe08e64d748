"""Fixed vocabularies stored in the database: categories and currencies.

The dicts map what is stored to its English label, marked for the catalog (`N_`): they are
built at import, so whatever shows a label passes it through `_()`, or asks the functions
below (`category`, `remedy`, `root_cause`, `categories()`, …), which give it in the language
in use."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol

from bot.i18n import N_, _, babel_locale, formats, pgettext

CATEGORIES: dict[str, str] = {
    "quality": N_("Quality of work"),
    "delivery": N_("Delivery or timeline"),
    "scope": N_("Scope"),
    "billing": N_("Billing or payment"),
    "communication": N_("Communication"),
    "other": N_("Other"),
}

REMEDIES: dict[str, str] = {
    "redo": N_("Redo or fix the work"),
    "timeline": N_("New timeline"),
    "refund": N_("Partial refund or credit"),
    "discount": N_("Discount"),
    "extra": N_("Extra service"),
    "other": N_("Other"),
}

ROOT_CAUSES: dict[str, str] = {
    "expectations": N_("Expectations or scope not agreed"),
    "communication": N_("Communication"),
    "process": N_("Process or hand-over"),
    "quality": N_("Quality control"),
    "capacity": N_("Capacity or staffing"),
    "client": N_("On the client's side"),
    "other": N_("Other"),
}

CURRENCIES: tuple[str, ...] = (
    "USD",
    "EUR",
    "GBP",
    "CAD",
    "AUD",
    "NZD",
    "CHF",
    "JPY",
    "SEK",
    "NOK",
    "DKK",
    "PLN",
    "CZK",
    "INR",
    "SGD",
    "HKD",
    "BRL",
    "MXN",
    "ZAR",
    "AED",
)

MAX_AMOUNT = Decimal("999999999999.99")


def _shown(words: dict[str, str], key: str) -> str | None:
    found = words.get(key)
    return _(found) if found else None


def category(key: str) -> str:
    """A category's label in the language in use (an unknown one as it is stored, titled)."""
    return _shown(CATEGORIES, key) or key.title()


def remedy(key: str) -> str:
    """A remedy's label in the language in use (an unknown one as it is stored)."""
    return _shown(REMEDIES, key) or key


def root_cause(key: str) -> str:
    """A root cause's label in the language in use (an unknown one as it is stored)."""
    return _shown(ROOT_CAUSES, key) or key


def categories() -> dict[str, str]:
    """CATEGORIES in the language in use (for a select's options)."""
    return {key: _(label) for key, label in CATEGORIES.items()}


def remedies() -> dict[str, str]:
    """REMEDIES in the language in use (for a select's options)."""
    return {key: _(label) for key, label in REMEDIES.items()}


def root_causes() -> dict[str, str]:
    """ROOT_CAUSES in the language in use (for a select's options)."""
    return {key: _(label) for key, label in ROOT_CAUSES.items()}


def status_words(status: str) -> str:
    """A dispute's status as it reads inside a sentence ("D-7 is agreement pending, so …")."""
    words = {
        "open": pgettext("dispute status", "open"),
        "discussing": pgettext("dispute status", "discussing"),
        "agreement_pending": pgettext("dispute status", "agreement pending"),
        "agreed": pgettext("dispute status", "agreed"),
        "resolved": pgettext("dispute status", "resolved"),
        "closed": pgettext("dispute status", "closed"),
    }
    return words.get(status) or status.replace("_", " ")


def parse_amount(raw: str) -> Decimal:
    """Parse an amount as the person writes numbers ('1,250.50' in English, '1.250,50' in German,
    '1 250,50' in French; '1250' anywhere) into a positive Decimal with at most two decimals."""
    cleaned = _as_plain_number(raw.strip().replace("_", ""))
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(
            _("Enter a number such as {plain} or {grouped}").format(
                plain="1250", grouped=formats.amount(Decimal("1250.50"), None)
            )
        ) from None
    if not value.is_finite() or value <= 0:
        raise ValueError(_("The amount must be a positive number"))
    if value > MAX_AMOUNT:
        raise ValueError(_("That amount is larger than Parley can record"))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("Use at most two decimal places"))
    return value.quantize(Decimal("0.01"))


ENGLISH_GROUPS = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")  # 1,250 · 1,250.50
GROUPS_OF_THREE = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")  # 1.250 · 12.500.000 (not 0.500)


def _as_plain_number(text: str) -> str:
    """'1.250,50' (German) → '1250.50'. Commas and points are read as the person's language
    writes numbers, and only where they stand as it writes them: in English a comma separates
    thousands ('1,250'), so '1,5' is no number; where the decimal sign is a comma, a point between
    groups of three digits separates thousands ('1.250' is 1250), and '1250.50' still reads as
    the English it is. What fits neither is left for Decimal to refuse: no amount is silently
    read as another."""
    text = "".join(text.split())  # spaces, and the narrow no-break spaces French groups with
    if get_decimal_symbol(babel_locale()) != ",":
        return text.replace(",", "") if ENGLISH_GROUPS.fullmatch(text) else text
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    return text.replace(".", "") if GROUPS_OF_THREE.fullmatch(text) else text


def format_amount(amount: Decimal | None, currency: str | None) -> str | None:
    """The amount as people read it in the language in use (bot/i18n/formats.py)."""
    return formats.amount(amount, currency)
