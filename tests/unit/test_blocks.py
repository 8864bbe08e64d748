"""Block Kit builders stay within Slack's limits, escape user text and say the right things."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

from bot import ids
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
from bot.blocks.status_card import CardNames, card_text, status_card
from bot.blocks.text import escape, mentions, truncate
from bot.payloads import CardOption, DisputeButton, decode
from bot.services.next_step import NextStep, Step
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


# What the card calls people (U0, U2 for the studio; U1 for the client), one of them with markup
# in their name: it must show as typed, and never page anyone.
NAMES = CardNames(orgs={"provider": "Studio", "client": "Client & Co"},
                  people={"U0": "Sam", "U1": "Cora", "U2": "Sol <!channel>"})
BOTH = frozenset({"provider", "client"})


def actions(blocks) -> dict[str, dict]:
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def check_menus(blocks) -> None:
    """What tests/fakeslack/blockkit.py does not check of overflow menus: two to five options
    (Slack's overflow menu element: "up to five"; its older reference said at least two), option
    text up to 75 characters, a value up to 150."""
    for menu in (e for e in actions(blocks).values() if e["type"] == "overflow"):
        assert 2 <= len(menu["options"]) <= 5, menu
        assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in menu["options"])


def test_card_shows_the_facts_and_escapes_user_text():
    waiting = NextStep(Step.SHARE, frozenset({"client"}), shared=frozenset({"provider"}))
    blocks = status_card(dispute(amount=Decimal("1250.00"), currency="EUR"), waiting, NAMES)
    text = json.dumps(blocks)
    assert "D-7" in text and "1,250 EUR" in text and "Delivery or timeline" in text
    assert "Open: each side tells its side" in text and "Raised by*\\nSam on <!date^" in text
    # who takes part, by name (no mentions), people's and organizations' names escaped
    assert "*Studio*: Sam, Sol &lt;!channel&gt;" in text and "*Client &amp; Co*: Cora" in text
    assert "<@" not in text and "<!channel>" not in text
    # the opener's account is their side's sealed perspective: not on the card
    assert "late*" not in text and "A credit" not in text and "What happened" not in text
    assert ("Client &amp; Co tells its side of what happened. Studio has told its side; both are "
            "shown together once both have.") in text
    assert blocks[0]["text"] == {"type": "plain_text", "text": "Late <homepage> & co", "emoji": True}
    assert "<!date^" in text
    found = actions(blocks)  # the next step, adding evidence, and the rest in the menu
    assert [e["type"] for e in found.values()] == ["button", "button", "overflow"]
    assert found[ids.ADD_EVIDENCE]["text"]["text"] == "Add evidence" and "style" not in found[ids.ADD_EVIDENCE]
    share = found[ids.SHARE_PERSPECTIVE]
    assert share["text"]["text"] == "Share your side" and share["style"] == "primary"
    assert decode(DisputeButton, share["value"]).d == 7
    menu = [decode(CardOption, o["value"]) for o in found[ids.CARD_MORE]["options"]]
    assert {o.d for o in menu} == {7}
    assert [o.o for o in menu] == ["propose", "draft", "party", "mediator", "close"]
    assert check_blocks(blocks, surface="message") == []
    check_menus(blocks)
    assert card_text(dispute()).startswith("D-7: Late")


def test_card_says_what_comes_next_and_from_whom():
    d = dispute()
    said = {step: json.dumps(status_card(d, step, NAMES, next_checkin=NOW)) for step in (
        NextStep(Step.ANSWER, frozenset({"client"}), "P2"),
        NextStep(Step.PROPOSE, shared=BOTH, revealed=True),
        NextStep(Step.APPROVE, frozenset({"provider"})),
        NextStep(Step.CARRY_OUT))}
    answer, propose, approve, carry_out = said.values()
    assert "Client &amp; Co answers P2: accept it, suggest a change, or decline." in answer
    both = json.dumps(status_card(d, NextStep(Step.ANSWER, BOTH, "P3", (
        ("client", "P1"), ("provider", "P3"))), NAMES))  # one open proposal from each side
    assert "Client &amp; Co answers P1; Studio answers P3: each can be accepted" in both
    assert "Either side proposes a solution" in propose
    assert f'"action_id": "{ids.PROPOSE}"' in propose and ids.SHARE_PERSPECTIVE not in propose
    assert "The agreement waits for Studio's approval." in approve
    assert "Both sides do what they agreed. Parley checks in with both sides on <!date^" in carry_out
    unsealed = json.dumps(status_card(d, NextStep(Step.SHARE, frozenset({"client"}), shared=frozenset(
        {"provider"}), revealed=True), NAMES))  # the channel does not seal: Studio's is out
    assert "Client &amp; Co tells its side of what happened. Studio has told its side.\"" in unsealed
    # a proposal waits: the menu holds five at most, and keeps what matters
    answering = actions(status_card(d, NextStep(Step.ANSWER, frozenset({"client"}), "P2",
                                                shared=BOTH, revealed=True), NAMES))
    menu = [decode(CardOption, o["value"]).o for o in answering[ids.CARD_MORE]["options"]]
    assert menu == ["propose", "draft", "party", "mediator", "close"]  # not "Revise your side"
    early = actions(status_card(d, NextStep(Step.ANSWER, frozenset({"client"}), "P2",
                                            shared=frozenset({"provider"})), NAMES))
    assert "style" not in early[ids.SHARE_PERSPECTIVE]  # still owed, but not the next step
    menu = [decode(CardOption, o["value"]).o for o in early[ids.CARD_MORE]["options"]]
    assert menu == ["propose", "draft", "party", "mediator", "close"]
    for text in (approve, carry_out):  # nothing to press first: only the menu
        assert ids.SHARE_PERSPECTIVE not in text and f'"action_id": "{ids.PROPOSE}"' not in text
    assert '"style": "primary"' not in answer
    d.status, d.ended_how, d.ended_reason = DisputeStatus.CLOSED, "withdrawn", "We <!here> settled"
    ended = status_card(d, NextStep(Step.ENDED), NAMES)
    text = json.dumps(ended)
    assert "*How it ended*\\nWithdrawn by the person who raised it" in text
    assert ">We &lt;!here&gt; settled" in text and "*Next*" not in text  # quoted, theirs
    assert list(actions(ended)) == [ids.RAISE_DISPUTE]


def test_card_stays_within_limits_at_maximum_sizes():
    big = dispute(title="T" * TITLE_MAX, parties=21, long=True, amount=Decimal("999999999999.99"),
                  currency="USD", close_requested_side="client", ended_reason="<&>" * 1000)
    big.parties.append(Party(team_id="T0M", user_id="U99", side="mediator", accepted_by="client"))
    names = CardNames(orgs={"provider": "O&<" * 100, "client": "C>&" * 100},
                      people={p.user_id: "N<&>" * 20 for p in big.parties})  # 80 characters
    for status, step in ((DisputeStatus.OPEN, NextStep(Step.SHARE, BOTH)),
                         (DisputeStatus.OPEN, NextStep(Step.SHARE, frozenset({"client"}),
                                                       shared=frozenset({"provider"}))),
                         (DisputeStatus.DISCUSSING, NextStep(Step.ANSWER, frozenset({"client"}), "P99")),
                         (DisputeStatus.DISCUSSING, NextStep(Step.PROPOSE, shared=BOTH, revealed=True)),
                         (DisputeStatus.AGREEMENT_PENDING, NextStep(Step.APPROVE, BOTH)),
                         (DisputeStatus.AGREED, NextStep(Step.CARRY_OUT)),
                         (DisputeStatus.CLOSED, NextStep(Step.ENDED))):
        big.status, big.ended_how = status, "closed" if step.step == Step.ENDED else None
        blocks = status_card(big, step, names, next_checkin=NOW)
        assert check_blocks(blocks, surface="message") == [], step
        # a dispute from before the opener's account was sealed: its description on the card
        legacy = status_card(big, step, names, next_checkin=NOW, description=True)
        assert check_blocks(legacy, surface="message") == [], step
        assert "*What happened*" in json.dumps(legacy) and "*What happened*" not in json.dumps(blocks)
        check_menus(blocks)
        assert "<@" not in json.dumps(blocks)


def test_modal_is_valid_and_prefills():
    view = open_dispute_modal("C1", "  Late homepage ")
    assert check_view(view) == []
    title = next(b for b in view["blocks"] if b.get("block_id") == "title")
    assert title["element"]["initial_value"] == "Late homepage"
    long_title = open_dispute_modal("C1", "x" * 400)
    assert check_view(long_title) == []
    assert "initial_value" not in open_dispute_modal("C1")["blocks"][1]["element"]


def test_thread_welcome_thanks_the_opener_and_mentions_only_the_other_side():
    text, blocks = thread_welcome(dispute(parties=3), NAMES)  # U0 (opener) and U2: studio; U1: client
    body = json.dumps(blocks)
    assert "Thanks for raising this, Sam. Both sides will be heard before anything is decided." in body
    assert "<@U1>: Studio has raised *D-7* with Client &amp; Co here." in body
    assert "<@U0>" not in body and "<@U2>" not in body  # the opener's own side is not called on
    assert "Sam has told Studio's side already; it stays sealed until Client &amp; Co" in body
    assert "<@U1>" in text and "D-7" in text and "<@U0>" not in text
    assert check_blocks(blocks, surface="message") == []
    _, unsealed = thread_welcome(dispute(parties=3), NAMES, sealed=False)
    assert "Sam has told Studio's side, below." in json.dumps(unsealed)
    _, alone = thread_welcome(dispute(parties=1), NAMES)  # nobody of the other side yet
    assert "<@" not in json.dumps(alone) and check_blocks(alone, surface="message") == []


def test_channel_welcome_and_help():
    text, blocks = channel_welcome()
    assert check_blocks(blocks, surface="message") == [] and "raise a dispute" in text.lower()
    assert "/dispute list" in help_text()
    assert "permission only to post" in json.dumps(blocks) and "permission only to post" in help_text()
    one = json.dumps(channel_welcome("Studio <!channel>")[1])  # one-workspace: no hand-over
    assert ("Disputes raised here are kept in *Studio &lt;!channel&gt;*'s Parley (their numbers "
            "and settings); both organizations take part in them equally.") in one
    assert "/dispute settings" not in one
    anyone = json.dumps(channel_welcome("Studio", handover=True)[1])
    assert "Its admins can hand that over with `/dispute settings`." in anyone
    for said in (one, anyone, json.dumps(blocks)):  # Parley's words, not the client's
        assert "provider side" not in said and "client side" not in said


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
        assert agreement.content_hash not in json.dumps(blocks)  # plain words, no hashes
        quoted = "\n".join(b["text"]["text"] for b in blocks[1:]).removeprefix("*Terms*\n")
        assert all(line.startswith(">") for line in quoted.split("\n"))  # all of it theirs
        shown = "".join(line[1:] for line in quoted.split("\n"))
        assert shown.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace(" ", "").replace("\n", "") \
            == terms.replace(" ", "").replace("\n", "")  # nothing lost between the pieces
