"""A gentle, offline tone check before a perspective or proposal is posted.

Signals: shouting in capitals and runs of exclamation marks, in any language; insults or
profanity, and several strongly negative sentences by the VADER sentiment lexicon, in English
only (READS: both are English word lists). The text's own language is told by `langdetect` (for
a short text, by the writer's own language): text not found to be English is never flagged by an
English list. Dispute texts are negative by
nature, so one very negative sentence alone is not "heated"; the check only suggests, it never
blocks and never rewrites."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot import i18n
from bot.i18n import _

ACRONYMS = frozenset(
    {
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "CHF",
        "JPY",
        "PDF",
        "CEO",
        "CTO",
        "API",
        "ASAP",
        "SLA",
        "FAQ",
        "CSS",
        "HTML",
        "SEO",
        "URL",
        "ETA",
        "UX",
        "UI",
        "QA",
        "PM",
        "AM",
        "OK",
        "SMS",
        "CRM",
        "VAT",
        "NDA",
        "SOW",
        "MVP",
        "KPI",
        "ROI",
        "CMS",
        "IOS",
        "APP",
        "USA",
        "UK",
        "EU",
        "TBD",
    }
)
INSULTS = re.compile(
    r"\b(idiot\w*|stupid\w*|moron\w*|incompeten\w*|useless|pathetic|liars?|lied|lying|"
    r"scam\w*|fraud\w*|clowns?|garbage|trash|crap\w*|shit\w*|fuck\w*|bullshit|wtf|asshole\w*|"
    r"jerks?|dumb|disgusting|amateur\w*|shame on you|a joke|worst\s+\w+(\s+\w+)?\s+ever)\b",
    re.IGNORECASE,
)
WORD = re.compile(r"\b[^\W\d_]{3,}\b")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
EXCLAIM = re.compile(r"[!?]*![!?]*!+")
STRONGLY_NEGATIVE = -0.75
READS = frozenset({"en"})  # the languages the insult list and VADER's lexicon are written in
SURE, ENOUGH_WORDS = 0.9, 4  # when langdetect's answer decides (see reads_english)


def warm() -> None:
    """Load langdetect's profiles now (an entry point's start-up): the first check would pay."""
    DetectorFactory.seed = 0
    detect_langs("Parley keeps the thread calm and clear for both sides.")


MAX_SENTENCES = 80


@dataclass(frozen=True)
class ToneCheck:
    heated: bool
    suggestions: list[str] = field(default_factory=list)


class ToneChecker:
    def __init__(self) -> None:
        self._analyzer: SentimentIntensityAnalyzer | None = None
        self._lock = threading.Lock()

    def _vader(self) -> SentimentIntensityAnalyzer:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = SentimentIntensityAnalyzer()
            return self._analyzer

    def reads_english(self, text: str) -> bool:
        """Whether the English lists apply to `text`. langdetect is sure of a language only with
        a few words ("You idiots." reads as Catalan): the writer's own language (the one the form
        is in) decides a short text, and a text of four words or more that langdetect is sure of
        decides itself."""
        with self._lock:
            DetectorFactory.seed = 0  # the same answer for the same text, every time
            try:
                found = detect_langs(text)
            except LangDetectException:  # no letters in it
                found = []
        sure = bool(found) and found[0].prob >= SURE and len(WORD.findall(text)) >= ENOUGH_WORDS
        if sure:
            return found[0].lang in READS
        return i18n.current() in READS

    def check(self, *texts: str | None) -> ToneCheck:
        text = "\n".join(t for t in texts if t)
        suggestions: list[str] = []

        words = WORD.findall(text)
        shouted = [w for w in words if w.isupper() and w not in ACRONYMS]
        if len(shouted) >= 3 or (len(shouted) >= 2 and len(shouted) * 3 >= len(words)):
            sample = ", ".join(dict.fromkeys(shouted[:3]))
            suggestions.append(
                # Translators: {words} are up to three of the person's words, in capitals.
                _(
                    "Some words are in capitals ({words}), which reads as shouting. "
                    "Sentence case keeps the attention on the facts."
                ).format(words=sample)
            )
        if EXCLAIM.search(text):
            suggestions.append(_("A single full stop reads calmer than several exclamation marks."))
        if not self.reads_english(text):
            return ToneCheck(heated=bool(suggestions), suggestions=suggestions)
        insults = list(dict.fromkeys(m.group(0).lower() for m in INSULTS.finditer(text)))
        if insults:
            quoted = ", ".join(f"“{w}”" for w in insults[:3])
            suggestions.append(
                # Translators: {words} are up to three of the person's words, each in quotes.
                _(
                    "{words} may read as a personal attack. Describing what happened and what it "
                    "cost you will be heard better."
                ).format(words=quoted)
            )
        sentences = [s for s in SENTENCE_END.split(text) if s.strip()][:MAX_SENTENCES]
        analyzer = self._vader()
        very_negative = sum(
            1 for s in sentences if analyzer.polarity_scores(s)["compound"] <= STRONGLY_NEGATIVE
        )
        if very_negative >= 2:
            suggestions.append(
                _(
                    "This reads as very upset, which is understandable. The other side will respond "
                    "best to specifics: what happened, when, and what would put it right."
                )
            )
        return ToneCheck(heated=bool(suggestions), suggestions=suggestions)
