"""Numbers, amounts, dates and times for the language in use (`bot.i18n.use`), with Babel.

What Parley records (the agreement's canonical text, its hash, exports' JSON) keeps one fixed form;
these are only for what people read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent, get_currency_precision

from bot.i18n import babel_locale


def minor_units(currency: str) -> int:
    """How many decimals the currency has (JPY 0, EUR 2, BHD 3), from CLDR via Babel."""
    return int(get_currency_precision(currency))


def amount(value: Decimal | None, currency: str | None) -> str | None:
    """'1,250.50 EUR' in English, '1.250,50 EUR' in German, '1 250,50 EUR' in French: the
    locale's digits and the ISO code, which no reader on either side can take for another
    currency ('$' could be three); a whole amount without decimals."""
    if value is None:
        return None
    whole = value == value.to_integral_value()
    text = format_decimal(
        value, format="#,##0" if whole else "#,##0.00", locale=babel_locale(), decimal_quantization=False
    )
    return f"{text} {currency}" if currency else text


def number(value: Decimal | float | int) -> str:
    return format_decimal(value, locale=babel_locale())


def one_decimal(value: float) -> str:
    """'4.5', '4,5': a median or an average."""
    return format_decimal(value, format="#,##0.0", locale=babel_locale())


def percent(value: float) -> str:
    """'50%', '50 %'."""
    return format_percent(value, locale=babel_locale())


def day(value: date) -> str:
    """'7 Dec 2026' / '07.12.2026' / '7 déc. 2026'."""
    return format_date(value, format="medium", locale=babel_locale())


def short_day(value: date) -> str:
    """'7 Dec 2026', '07.12.2026', '7 déc. 2026': a due date in a list."""
    locale = babel_locale()
    return format_date(value, format="d MMM y" if locale.language == "en" else "medium", locale=locale)


def day_in_words(value: date) -> str:
    """'7 December 2026', '7. Dezember 2026', '7 décembre 2026': the month in words, which no
    reader takes for 12 July, whichever order their country writes dates in."""
    locale = babel_locale()
    return format_date(value, format="d MMMM y" if locale.language == "en" else "long", locale=locale)


def moment_utc(value: datetime) -> str:
    """A moment for a document read anywhere: the locale's medium form, in UTC, saying so."""
    return f"{format_datetime(value.astimezone(UTC), format='medium', tzinfo=UTC, locale=babel_locale())} UTC"
