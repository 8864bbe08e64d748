"""Amounts as people write them in each language: read as they meant, or refused; never
silently read as another number."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot import i18n
from bot.i18n import formats
from bot.services.vocabulary import parse_amount


@pytest.mark.parametrize(("language", "typed", "read"), [
    ("en", "1,250.50", "1250.50"), ("en", "1250", "1250.00"), ("en", "1,250", "1250.00"),
    ("en", "12,500,000.5", "12500000.50"), ("en", "1.5", "1.50"),
    ("de", "1.250,50", "1250.50"), ("de", "1.250", "1250.00"), ("de", "1250,5", "1250.50"),
    ("de", "1250.50", "1250.50"), ("de", "0.500", "0.50"), ("de", "12.500.000", "12500000.00"),
    ("fr", "1 250,50", "1250.50"), ("fr", "1\u202f250,50", "1250.50"), ("es", "1.250", "1250.00"),
    ("pt_BR", "1.250,50", "1250.50"),
])
def test_an_amount_is_read_as_the_person_writes_it(language, typed, read):
    with i18n.use(language):
        assert parse_amount(typed) == Decimal(read)


@pytest.mark.parametrize(("language", "typed"), [
    ("en", "1,5"), ("en", "1,25"), ("en", "1 250,50"), ("de", "1,250.50"), ("de", "1.250.50"),
    ("fr", "1,250.50"),
])
def test_an_ambiguous_amount_is_refused_not_guessed(language, typed):
    with i18n.use(language), pytest.raises(ValueError):
        parse_amount(typed)


@pytest.mark.parametrize("language", i18n.SHIPPED)
def test_what_parley_writes_it_reads_back(language):
    with i18n.use(language):
        for value in ("1250.50", "1250", "999999999.99", "0.50"):
            assert parse_amount(formats.amount(Decimal(value), None)) == Decimal(value)
