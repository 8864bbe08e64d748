"""Time the offline tone check on texts as long as the perspective modal allows.

    .venv/bin/python bench/tone.py --runs 500
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import percentile  # noqa: E402
from bot.services.tone import ToneChecker  # noqa: E402

SENTENCES = [
    "The homepage was due on 3 March and arrived on 17 March.",
    "We had to postpone our launch and lost two weeks of paid ads.",
    "The brief changed twice after sign-off, which cost our designers a week.",
    "This is NOT what we AGREED and you KNOW it!!!",
    "You are incompetent and the work is garbage.",
    "We acknowledge the delay, but the feedback came late and was contradictory.",
    "I hate this. Terrible, awful, horrible work.",
]
LIMIT = 2000 + 1000 + 1000 + 1000  # the four perspective fields at their maximum


def text_of(length: int, rng: random.Random) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(rng.choice(SENTENCES))
    return " ".join(parts)[:length]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=500)
    options = parser.parse_args()
    rng = random.Random(7)
    started = time.perf_counter()
    checker = ToneChecker()
    checker.check("warm up")
    first = time.perf_counter() - started
    for label, length in (("short (300 chars)", 300), ("full form (5,000 chars)", LIMIT)):
        timings = []
        for _ in range(options.runs):
            text = text_of(length, rng)
            t0 = time.perf_counter()
            checker.check(text)
            timings.append(time.perf_counter() - t0)
        print(f"{label:>24}: p50 {percentile(timings, 50) * 1000:5.2f} ms  "
              f"p99 {percentile(timings, 99) * 1000:5.2f} ms  max {max(timings) * 1000:5.2f} ms")
    print(f"{'first check (loads lexicon)':>24}: {first * 1000:.1f} ms")


if __name__ == "__main__":
    main()
