"""Thread builders (perspectives, proposals, parties) at their largest stay within Block Kit limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from bot import ids
from bot.blocks.items import ITEM_MAX, ItemValues
from bot.blocks.parties import add_party_modal
from bot.blocks.perspectives import (
    ACK_MAX,
    HAPPENED_MAX,
    IMPACT_MAX,
    RESOLUTION_MAX,
    both_sides,
    perspective_message,
    perspective_modal,
)
from bot.blocks.proposals import (
    DETAILS_MAX,
    SUMMARY_MAX,
    ProposalValues,
    ProposalView,
    decline_modal,
    proposal_message,
    proposal_modal,
)
from bot.payloads import PerspectiveMeta, ProposalButton, ProposalMeta, decode
from bot.services.perspectives import PerspectiveText
from models import Dispute, Party, Perspective, Proposal, ProposalItem
from tests.fakeslack.blockkit import check_blocks, check_view

NOW = datetime(2026, 3, 3, tzinfo=UTC)
TONE = ["Some words are in capitals (" + "X" * 200 + "), which reads as shouting."] * 4


def dispute() -> Dispute:
    return Dispute(id=1, team_id="T", number=1, channel_id="C", title="t" * 150, category="scope",
                   description="d", desired_outcome="o", status="discussing", escalated=False,
                   opened_by_team="T", opened_by_user="U", created_at=NOW)


def mrkdwn_of(obj) -> str:
    """Every mrkdwn text in blocks: what Slack parses for mentions and links (plain_text, such
    as an option's text, is shown as it is)."""
    if isinstance(obj, list):
        return "\n".join(mrkdwn_of(o) for o in obj)
    if isinstance(obj, dict):
        own = obj["text"] if obj.get("type") == "mrkdwn" else ""
        return "\n".join([own, *(mrkdwn_of(v) for v in obj.values() if isinstance(v, list | dict))])
    return ""


def quoted_lines(blocks) -> list[str]:
    """Every line of the sections after a heading line: people's words, each line quoted."""
    lines = [line for b in blocks if b["type"] == "section" for line in b["text"]["text"].split("\n")]
    return [line for line in lines if not line.startswith("*")]


def test_perspective_modal_and_message_at_maximum_sizes():
    text = PerspectiveText("h" * HAPPENED_MAX, "i" * IMPACT_MAX, "r" * RESOLUTION_MAX, "a" * ACK_MAX)
    view = perspective_modal(dispute(), PerspectiveMeta(d=1, tone="f" * 20), initial=text,
                             sealed=True, tone=TONE, version=37)
    assert check_view(view) == []
    perspective = Perspective(version=37, what_happened="<&>" * (HAPPENED_MAX // 3),
                              impact="i" * IMPACT_MAX, resolution="r" * RESOLUTION_MAX,
                              acknowledgement="a" * ACK_MAX)
    perspective.party = Party(team_id="T", user_id="U", side="client")
    text_, blocks = perspective_message(perspective, "N<!channel>" * 18)
    assert check_blocks(blocks, surface="message") == []
    heading = blocks[0]["text"]["text"]
    assert heading.startswith("*N&lt;!channel&gt;") and heading.endswith("'s side, revised (version 37)*")
    assert "<!channel>" not in mrkdwn_of(blocks) and "<!channel>" not in text_
    assert all(line.startswith(">") for line in quoted_lines(blocks[1:]))  # all of it theirs
    assert "&lt;&amp;&gt;" in mrkdwn_of(blocks)


def test_both_sides_revealed_together_at_maximum_sizes():
    def account(party: Party) -> Perspective:
        p = Perspective(version=1, what_happened="<&>\n" * (HAPPENED_MAX // 4),
                        impact="i" * IMPACT_MAX, resolution="r" * RESOLUTION_MAX,
                        acknowledgement="a" * ACK_MAX)
        p.party = party
        return p

    opener = account(Party(team_id="T", user_id="U", side="provider"))
    opener.impact, opener.acknowledgement = "", None  # as raised: what happened, outcome wanted
    accounts = [("N<!here>" * 10 + " (Studio)", opener),
                ("M" * 80 + " (Client Co)", account(Party(team_id="C", user_id="V", side="client")))]
    text, blocks = both_sides("D-1", accounts)
    assert text == "Both sides have told their side of D-1. Here they are, side by side."
    assert check_blocks(blocks, surface="message") == []
    assert blocks[-1]["type"] == "context"  # nothing cut off at Block Kit's 50 blocks
    said = mrkdwn_of(blocks)
    assert "<!here>" not in said and "*N&lt;!here&gt;" in said and "M" * 80 in said
    assert "How it affected them" in said and said.count("How it affected them") == 1  # left out when empty
    assert all(line.startswith(">") for line in quoted_lines(blocks[1:-1]))


def test_long_accounts_and_many_people_reveal_in_as_many_messages_as_they_need():
    from bot.blocks.perspectives import reveal_groups

    word = "w" * 226 + " "  # cut as often as text can be: every 227 characters
    def account(n: int) -> Perspective:
        p = Perspective(id=n, version=1, what_happened=(word * 20)[:HAPPENED_MAX],
                        impact=(word * 9)[:IMPACT_MAX], resolution=(word * 9)[:RESOLUTION_MAX],
                        acknowledgement=(word * 9)[:ACK_MAX])
        p.party = Party(team_id="T", user_id=f"U{n}", side="client" if n % 2 else "provider")
        return p

    for count in (1, 2, 3, 5):
        accounts = [account(n) for n in range(1, count + 1)]
        groups = reveal_groups(accounts)
        assert [p for group in groups for p in group] == accounts  # all of them, in order
        for part, group in enumerate(groups):
            text, blocks = both_sides("D-1", [(f"P{p.id}", p) for p in group], first=part == 0,
                                      last=part == len(groups) - 1)
            assert check_blocks(blocks, surface="message") == [], (count, part)
            assert text.startswith("Both sides have told") == (part == 0)
            assert (blocks[-1]["type"] == "context") == (part == len(groups) - 1)
    assert len(reveal_groups([account(1), account(2)])) == 2  # cut as often as can be: two
    ordinary = [account(1), account(2)]
    for p in ordinary:  # at their longest, in ordinary words: one message, as usual
        p.what_happened, p.impact = ("word " * 600)[:HAPPENED_MAX], ("word " * 300)[:IMPACT_MAX]
        p.resolution, p.acknowledgement = ("word " * 400)[:RESOLUTION_MAX], ("w " * 600)[:ACK_MAX]
    assert len(reveal_groups(ordinary)) == 1


def test_proposal_modal_with_five_rows_and_a_tone_note():
    values = ProposalValues("s" * SUMMARY_MAX, "d" * DETAILS_MAX, "refund", "999999999.99", "EUR",
                            [ItemValues("x" * ITEM_MAX, "U1", "2030-01-01")] * 5)
    view = proposal_modal(dispute(), ProposalMeta(d=1, counter=4, rows=5, tone="t"), values,
                          counter_label="P4", tone=TONE)
    assert check_view(view) == []
    assert not any(b.get("block_id") == "items_actions" for b in view["blocks"])  # no sixth row


def test_proposal_message_at_maximum_size_and_once_decided():
    proposal = Proposal(id=9, dispute_id=1, number=12, summary="s" * SUMMARY_MAX,
                        details="<" * DETAILS_MAX, remedy="refund", amount=Decimal("12.50"),
                        currency="EUR", status="open",
                        items=[ProposalItem(position=i, text="x" * ITEM_MAX, owner_team="T",
                                            owner_user="U1", due_date=date(2030, 1, i + 1))
                               for i in range(5)])
    view = ProposalView(author="A<!channel>" * 20, answering=[f"U{i}" for i in range(20)],
                        between=("S" * 100, "C" * 100), binding=True, answers="P11")
    text, blocks = proposal_message(proposal, view)
    assert check_blocks(blocks, surface="message") == []
    said = mrkdwn_of(blocks)
    assert "<!channel>" not in said and "<!channel>" not in text and "in answer to P11" in said
    assert "<@U0>, <@U1>" in said and "you can accept it, suggest a change, or decline it." in said
    found = {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert list(found) == [ids.ACCEPT_PROPOSAL, ids.COUNTER_PROPOSAL, ids.DECLINE_PROPOSAL,
                           ids.WITHDRAW_PROPOSAL]
    confirm = found[ids.ACCEPT_PROPOSAL]["confirm"]  # what the dialog takes (Block Kit's limits)
    assert len(confirm["title"]["text"]) <= 100 and len(confirm["text"]["text"]) <= 300
    assert confirm["text"]["text"].startswith("Accepting makes P12 the agreement between SSS")
    assert decode(ProposalButton, found[ids.ACCEPT_PROPOSAL]["value"]) == ProposalButton(
        p=9, d=1, b=1)  # an Accept button whose dialog said accepting makes the agreement
    withdraw = found[ids.WITHDRAW_PROPOSAL]
    assert withdraw["text"]["text"] == "Withdraw" and decode(ProposalButton, withdraw["value"]) == (
        ProposalButton(p=9, d=1))
    said_to_withdraw = withdraw["confirm"]["text"]["text"]
    assert len(said_to_withdraw) <= 300 and said_to_withdraw.startswith("Only A<!channel>A")
    proposal.status, proposal.decided_at, proposal.decline_reason = "declined", NOW, "r" * 1000
    text, blocks = proposal_message(proposal, ProposalView(author="A", answering=["U7"],
                                                           between=("S", "C"), binding=True,
                                                           decided_by="B"))
    assert check_blocks(blocks, surface="message") == []
    assert "Declined by B" in blocks[-1]["elements"][0]["text"]
    assert "<@U7>" not in json.dumps(blocks)  # decided: nobody is called on to answer it
    assert check_view(decline_modal(proposal, dispute())) == []


def test_add_party_modal():
    assert check_view(add_party_modal(dispute())) == []
