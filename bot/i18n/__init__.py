"""Parley's languages: gettext catalogs (Babel), the language in use, and formatting for it.

Every sentence a person reads is written in English in the code, wrapped in `_()` (or `ngettext`
for a count), and looked up in the catalog of the language in use when it is built:

    with i18n.use("de"):                      # the reader's language, chosen by the caller
        text = md(_("{who} shared their side."), who=name)

Builders never take a language argument: the code that knows who reads (a listener answering a
person, the delivery posting in a channel) chooses it with `use()`. A string built at import time
cannot be translated: mark it with `N_()` and pass it through `_()` where it is shown.

Catalogs are `bot/i18n/locale/<lang>/LC_MESSAGES/parley.po`, read (and compiled in memory) the
first time a language is used; there is no build step. `make i18n` extracts and updates them."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

log = logging.getLogger(__name__)

SOURCE = "en"
SHIPPED = ("en", "de", "fr", "es", "pt_BR")  # every one complete (tests/unit/test_catalogs.py)
NAMES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "pt_BR": "Português (Brasil)"}
DOMAIN = "parley"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("parley_language", default=SOURCE)
_loaded: dict[str, NullTranslations] = {}
_lock = threading.Lock()


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _translations(language: str) -> NullTranslations:
    found = _loaded.get(language)
    if found is not None:
        return found
    with _lock:
        found = _loaded.get(language)
        if found is None:
            found = _load(language)
            _loaded[language] = found
    return found


def _load(language: str) -> NullTranslations:
    if language == SOURCE:
        return NullTranslations()
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def warm() -> None:
    """Read every shipped catalog and its CLDR data now (an entry point's start-up, before
    bot/application.py's settle_heap freezes what start-up made): no request pays for the first
    use of a language, and the garbage collector's full passes never walk them."""
    from bot.i18n import formats

    for language in SHIPPED:
        _translations(language)
        with use(language):
            formats.amount(Decimal("1250.50"), "EUR")
            formats.day_in_words(date(2026, 1, 1))
            formats.short_day(date(2026, 1, 1))


def choose(requested: str | None) -> str:
    """The shipped language for a Slack locale ("de-DE", "pt-BR", "es-LA") or a setting ("fr");
    English for anything Parley does not have, or nothing at all."""
    if not requested:
        return SOURCE
    asked = requested.replace("-", "_").split("_")[0].lower()  # Slack's "es-LA" is no CLDR locale
    try:
        Locale.parse(asked)
    except (UnknownLocaleError, ValueError, TypeError):
        return SOURCE
    for language in SHIPPED:
        if language.split("_")[0] == asked:
            return language  # pt_PT reads pt_BR better than English; the only Portuguese shipped
    return SOURCE


def current() -> str:
    return _current.get()


@contextmanager
def use(language: str | None) -> Iterator[str]:
    """Build what is inside in `language` (a shipped one, or a locale that `choose` maps)."""
    chosen = language if language in SHIPPED else choose(language)
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def _(message: str) -> str:
    return _translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _translations(_current.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """A word that reads differently by where it stands ("Close" a dispute, "Close" a form)."""
    return str(_translations(_current.get()).pgettext(context, message))


def N_(message: str) -> str:
    """Mark a string for the catalog without translating it now (for import-time constants)."""
    return message


def babel_locale() -> Locale:
    return Locale.parse(_current.get())


__all__ = ["N_", "NAMES", "SHIPPED", "SOURCE", "_", "choose", "current", "ngettext", "pgettext", "use"]
