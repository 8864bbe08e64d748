"""Block Kit builders stay within Slack's limits, escape user text and say the right things."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from bot.blocks.dispute_modal import (
    HAPPENED_MAX,
    OUTCOME_MAX,
    TITLE_MAX,
    open_dispute_modal,
)
from bot.blocks.home import home_view
from bot.blocks.messages import (
    active_disputes,
    channel_welcome,
    help_text,
    thread_welcome,
)
from bot.blocks.status_card import card_text, status_card
from bot.blocks.text import escape, mentions, truncate
from models import Dispute, DisputeStatus, Party
from tests.fakeslack.blockkit import check_blocks, check_view

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


def dispute(number=7, parties=3, title="Late <homepage> & co", long=False, **kw) -> Dispute:
    d = Dispute(
        id=number, team_id="T0HOST", number=number, channel_id="C1", title=title, category="delivery",
        description=("x" * HAPPENED_MAX) if long else "It was *late*.",
        desired_outcome=("y" * OUTCOME_MAX) if long else "A credit.",
        status=kw.pop("status", DisputeStatus.OPEN), escalated=False, opened_by_team="T0HOST",
        opened_by_user="U0", created_at=NOW, permalink=kw.pop("permalink", None), **kw,
    )
    d.parties = [Party(team_id="T0HOST" if i % 2 == 0 else "T0C", user_id=f"U{i}",
                       side="provider" if i % 2 == 0 else "client") for i in range(parties)]
    return d


def test_card_shows_the_facts_and_escapes_user_text():
    blocks = status_card(dispute(amount=Decimal("1250.00"), currency="EUR"))
    text = json.dumps(blocks)
    assert "D-7" in text and "1,250 EUR" in text and "Delivery or timeline" in text
    assert "Provider side: <@U0> and <@U2>" in text and "Client side: <@U1>" in text
    assert "&lt;homepage&gt; &amp; co" not in blocks[0]["text"]["text"]  # header is plain text
    assert "<!date^" in text
    assert check_blocks(blocks, surface="message") == []
    assert card_text(dispute()).startswith("D-7: Late")


def test_card_stays_within_limits_at_maximum_sizes():
    big = dispute(title="T" * TITLE_MAX, parties=21, long=True, amount=Decimal("999999999999.99"),
                  currency="USD")
    assert check_blocks(status_card(big), surface="message") == []


def test_modal_is_valid_and_prefills():
    view = open_dispute_modal("C1", "  Late homepage ")
    assert check_view(view) == []
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Late homepage"
    long_title = open_dispute_modal("C1", "x" * 400)
    assert check_view(long_title) == []
    assert "initial_value" not in open_dispute_modal("C1")["blocks"][1]["element"]


def test_thread_welcome_mentions_everyone_but_the_opener():
    text, blocks = thread_welcome(dispute(parties=3))
    body = json.dumps(blocks)
    assert "Welcome, <@U1> and <@U2>." in body and "<@U0>" not in body
    assert "D-7" in text
    assert check_blocks(blocks, surface="message") == []


def test_channel_welcome_and_help():
    text, blocks = channel_welcome()
    assert check_blocks(blocks, surface="message") == [] and "raise a dispute" in text.lower()
    assert "/dispute list" in help_text()
    assert "permission only to post" in json.dumps(blocks) and "permission only to post" in help_text()
    one = json.dumps(channel_welcome("Studio <!channel>")[1])  # one-workspace: no hand-over
    assert "*Studio &lt;!channel&gt;* is the provider side" in one and "settings" not in one
    anyone = json.dumps(channel_welcome("Studio", handover=True)[1])
    assert "can change that with `/dispute settings`" in anyone


def test_list_and_home_stay_within_limits_with_many_disputes():
    many = [dispute(number=i, permalink=f"https://x/p{i}", title="t" * TITLE_MAX) for i in range(20)]
    blocks = active_disputes(many, 140, "C1")
    assert check_blocks(blocks, surface="message") == []
    assert blocks[-1]["elements"][0]["text"] == "…and 120 more."
    assert check_view(home_view(many)) == []
    assert "not part of any open dispute" in json.dumps(home_view([]))


def test_text_helpers():
    assert escape("<a & b>") == "&lt;a &amp; b&gt;"
    assert truncate("abcdef", 4) == "abc…" and truncate("ab", 4) == "ab"
    assert mentions(["U1"]) == "<@U1>"
    assert mentions(["U1", "W2", "U3"]) == "<@U1>, <@W2> and <@U3>"
    assert mentions(["U1>|<!channel"]) == "U1&gt;|&lt;!channel"  # a forged id is never markup


def test_the_agreement_in_writing_fits_block_kit_whatever_its_terms():
    from bot.blocks.agreements import TERMS_MAX, agreement_in_writing
    from models import Agreement

    for terms in ("&" * TERMS_MAX, "word " * (TERMS_MAX // 5), "<!channel>\n" * (TERMS_MAX // 11)):
        agreement = Agreement(version=1, terms=terms, content_hash="ab" * 32)
        text, blocks = agreement_in_writing(dispute(), agreement, [])
        assert check_blocks(blocks, surface="message") == [], terms[:20]
        assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
        quoted = "\n".join(b["text"]["text"] for b in blocks[1:-1]).removeprefix("*Terms*\n")
        assert all(line.startswith(">") for line in quoted.split("\n"))  # all of it theirs
        shown = "".join(line[1:] for line in quoted.split("\n"))
        assert shown.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace(" ", "").replace("\n", "") \
            == terms.replace(" ", "").replace("\n", "")  # nothing lost between the pieces
