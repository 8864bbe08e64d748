"""The catalogs: every message of the code in the template, every shipped language complete, its
placeholders and Slack markup the same as the English, nothing left in English by mistake, and
Slack's length limits kept."""

from __future__ import annotations

import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "bot" / "i18n" / "parley.pot"
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None, "pgettext": ((1, "c"), 2)}
LANGUAGES = [lang for lang in i18n.SHIPPED if lang != i18n.SOURCE]
# What reads the same in every language shipped: names, codes and figures.
SAME_EVERYWHERE = {"Parley", "Parley {version}", "PDF", "OK", "{n} MB", "Slack", "Markdown", "ZIP", "SHA-256", "Status",
                   "Mediation", "Mediator", "Feedback", "Check-ins", "Check-in", "Total", "Version", "Start", "Details",
                   "Export", "Minimum", "Maximum", "Normal", "Info", "Actions", "Action items", "Description",
                   "Provider", "Client", "Notes", "Client Co"}
LIMIT = re.compile(r"at most (\d+) characters")
TOKEN = re.compile(r"<[^>\s]*>|&[a-z]+;|:[a-z0-9_+-]+:|`[^`]*`")  # Slack markup, emoji codes, code


@cache
def template() -> Catalog:
    with TEMPLATE.open("rb") as f:
        return read_po(f)


@cache
def catalog(language: str) -> Catalog:
    with i18n.catalog_path(language).open("rb") as f:
        return read_po(f, locale=language)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def ids(messages) -> set[tuple[str, str | None]]:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in messages if m.id}


def test_the_template_holds_every_message_of_the_code():
    """`make i18n` was run after the copy last changed."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT / "bot"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        found.add((message if isinstance(message, str) else message[0], context))
    assert found - ids(template()) == set(), "run `make i18n`"
    assert ids(template()) - found == set(), "run `make i18n`: the template holds messages the code lost"
    assert len(found) > 800


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    po = catalog(language)
    assert ids(po) == ids(template()), "run `make i18n`"
    untranslated = [m.id for m in po if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_and_markup_are_the_english_ones(language):
    wrong = []
    for m in catalog(language):
        if not m.id:
            continue
        sources = [m.id] if isinstance(m.id, str) else list(m.id)
        translations = [m.string] if isinstance(m.string, str) else list(m.string)
        allowed = set().union(*(fields(s) for s in sources))
        markup = sorted(set().union(*(TOKEN.findall(s) for s in sources)))
        for text in translations:
            if not text:
                continue
            if isinstance(m.id, str) and fields(text) != allowed or not fields(text) <= allowed:
                wrong.append((m.id, text, "placeholders"))
            if sorted(set(TOKEN.findall(text)) - {t for t in TOKEN.findall(text) if t.startswith("`")}) != [
                    t for t in markup if not t.startswith("`")]:
                wrong.append((m.id, text, "markup"))
            try:
                text.format(**{name: "x" for name in allowed})
            except (ValueError, IndexError, KeyError) as error:
                wrong.append((m.id, text, f"format: {error}"))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_is_left_in_english_by_mistake(language):
    same = []
    for m in catalog(language):
        if not m.id:
            continue
        sources = [m.id] if isinstance(m.id, str) else list(m.id)
        translations = [m.string] if isinstance(m.string, str) else list(m.string)
        words = re.sub(r"\{[^}]*\}|:[a-z0-9_+-]+:|<[^>]*>|`[^`]*`", "", sources[0])
        if not re.search(r"[A-Za-z]{3,}", words) or sources[0] in SAME_EVERYWHERE:
            continue  # placeholders, emoji and punctuation only, or a name
        if any(t == s for t in translations for s in sources):
            same.append(sources[0])
    assert same == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_slacks_limits_are_kept(language):
    long = []
    for m in catalog(language):
        limit = next((int(x) for c in m.auto_comments for x in LIMIT.findall(c)), None)
        if limit is None:
            continue
        for text in [m.string] if isinstance(m.string, str) else list(m.string):
            if len(text) > limit:
                long.append((m.id, text, limit))
    assert long == []


def test_an_unknown_locale_falls_back_to_english():
    assert [i18n.choose(x) for x in ("ja-JP", "zz", "", None, "en-GB", "de-AT", "pt-PT", "es-LA")] == [
        "en", "en", "en", "en", "en", "de", "pt_BR", "es"]
    with i18n.use("ja-JP"):
        assert i18n._("Share your side") == "Share your side"
