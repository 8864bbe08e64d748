"""The tone check: calm complaints pass, heated ones get specific, gentle suggestions."""

from __future__ import annotations

import pytest

from bot.services.tone import ToneChecker

checker = ToneChecker()

CALM = [
    "The homepage was due on 3 March and arrived on 17 March. We had to postpone our launch.",
    "We are disappointed. The design missed the brief and we had to pay our developer to redo it.",
    "The client changed the scope three times and refused to pay the last invoice, which hurt our cash flow badly.",
    "Our team worked nights to fix the problems, and it was stressful and frustrating for everyone.",
    "Please send the PDF and the SLA by Friday; the USD amount is on the SOW.",
    "The API was down for 3 hours. OK, it happens, but we need an ETA next time.",
]


@pytest.mark.parametrize("text", CALM)
def test_calm_complaints_pass(text):
    assert checker.check(text).heated is False


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("This is NOT what we AGREED and you KNOW it.", "capitals (NOT, AGREED, KNOW)"),
        ("Deliver it now!!!", "exclamation"),
        ("You are incompetent and this is garbage.", "“incompetent”, “garbage”"),
        ("Worst agency ever.", "“worst agency ever”"),
        ("I hate this. Terrible, awful, horrible work. We are furious and angry.", "very upset"),
    ],
)
def test_heated_text_gets_a_specific_suggestion(text, hint):
    result = checker.check(text)
    assert result.heated is True
    assert any(hint in s for s in result.suggestions), result.suggestions


def test_several_fields_are_checked_together():
    assert checker.check("Fine.", None, "you are an idiot").heated
    assert not checker.check("", None).heated


def test_only_english_text_meets_the_english_lists():
    from bot import i18n

    german = "Ihr seid inkompetente Idioten und Lügner, das ist Betrug und eine Schande."
    result = checker.check(german)
    assert not any("personal attack" in s for s in result.suggestions)
    # the signals every language shares still apply
    assert checker.check("DAS IST NICHT OKAY UND VÖLLIG FALSCH").heated
    assert checker.check("Liefern Sie es jetzt!!!").heated
    # a short text: the writer's own language decides
    assert checker.check("You idiots.").heated
    with i18n.use("de"):
        assert not checker.check("Ihr Idioten.").heated
