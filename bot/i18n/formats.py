"""Numbers, amounts, dates and times for the language in use (`bot.i18n.use`), with Babel.

What Parley records (the agreement's canonical text, its hash, exports' JSON) keeps one fixed form;
these are only for what people read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_precision

from bot.i18n import babel_locale


def minor_units(currency: str) -> int:
    """How many decimals the currency has (JPY 0, EUR 2, BHD 3), from CLDR via Babel."""
    return int(get_currency_precision(currency))


def amount(value: Decimal | None, currency: str | None) -> str | None:
    """'1.250,50 €' in German, '€1,250.50' in English; a whole amount without '.00'."""
    if value is None:
        return None
    if not currency:
        return number(value)
    if value == value.to_integral_value():
        return format_currency(
            value, currency, format=_whole_pattern(), locale=babel_locale(), currency_digits=False
        )
    return format_currency(value, currency, locale=babel_locale())


def _whole_pattern() -> str:
    """The locale's currency pattern with no decimals ('#,##0 ¤' for de)."""
    pattern = babel_locale().currency_formats["standard"].pattern
    return pattern.split(";")[0].replace(".00", "").replace(",00", "")


def number(value: Decimal | float | int) -> str:
    return format_decimal(value, locale=babel_locale())


def day(value: date) -> str:
    """'7 Dec 2026' / '07.12.2026' / '7 déc. 2026'."""
    return format_date(value, format="medium", locale=babel_locale())


def moment_utc(value: datetime) -> str:
    """A moment for a document read anywhere: the locale's medium form, in UTC, saying so."""
    return f"{format_datetime(value.astimezone(UTC), format='medium', tzinfo=UTC, locale=babel_locale())} UTC"
