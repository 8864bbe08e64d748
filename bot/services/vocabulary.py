"""Fixed vocabularies stored in the database: categories and currencies."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CATEGORIES: dict[str, str] = {
    "quality": "Quality of work",
    "delivery": "Delivery or timeline",
    "scope": "Scope",
    "billing": "Billing or payment",
    "communication": "Communication",
    "other": "Other",
}

REMEDIES: dict[str, str] = {
    "redo": "Redo or fix the work",
    "timeline": "New timeline",
    "refund": "Partial refund or credit",
    "discount": "Discount",
    "extra": "Extra service",
    "other": "Other",
}

ROOT_CAUSES: dict[str, str] = {
    "expectations": "Expectations or scope not agreed",
    "communication": "Communication",
    "process": "Process or hand-over",
    "quality": "Quality control",
    "capacity": "Capacity or staffing",
    "client": "On the client's side",
    "other": "Other",
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


def parse_amount(raw: str) -> Decimal:
    """Parse '1,250.50' or '1250' into a positive Decimal with at most two decimals."""
    cleaned = raw.strip().replace(",", "").replace(" ", "").replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError("Enter a number such as 1250 or 1,250.50") from None
    if not value.is_finite() or value <= 0:
        raise ValueError("The amount must be a positive number")
    if value > MAX_AMOUNT:
        raise ValueError("That amount is larger than Parley can record")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("Use at most two decimal places")
    return value.quantize(Decimal("0.01"))


def format_amount(amount: Decimal | None, currency: str | None) -> str | None:
    if amount is None:
        return None
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"{text} {currency}" if currency else text
