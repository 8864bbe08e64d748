"""Shows the tone note once per text: the same text submitted again goes through."""

from __future__ import annotations

import hashlib

from bot.services.tone import ToneChecker


def digest(*texts: str | None) -> str:
    joined = "\x1f".join(t or "" for t in texts)
    return hashlib.sha256(joined.encode()).hexdigest()[:20]


def note_to_show(checker: ToneChecker, already_seen: str | None, *texts: str | None) -> tuple[list[str], str]:
    """(suggestions to show now, or [] to go ahead; the digest of these texts)."""
    key = digest(*texts)
    if already_seen == key:
        return [], key
    result = checker.check(*texts)
    return (result.suggestions if result.heated else []), key
