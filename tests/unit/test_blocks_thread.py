"""Thread builders (perspectives, proposals, parties) at their largest stay within Block Kit limits."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.blocks.items import ITEM_MAX, ItemValues
from bot.blocks.parties import add_party_modal
from bot.blocks.perspectives import (
    ACK_MAX,
    HAPPENED_MAX,
    IMPACT_MAX,
    RESOLUTION_MAX,
    perspective_message,
    perspective_modal,
)
from bot.blocks.proposals import (
    DETAILS_MAX,
    SUMMARY_MAX,
    ProposalValues,
    decline_modal,
    proposal_message,
    proposal_modal,
)
from bot.payloads import PerspectiveMeta, ProposalMeta
from bot.services.perspectives import PerspectiveText
from models import Dispute, Party, Perspective, Proposal, ProposalItem
from tests.fakeslack.blockkit import check_blocks, check_view

NOW = datetime(2026, 3, 3, tzinfo=UTC)
TONE = ["Some words are in capitals (" + "X" * 200 + "), which reads as shouting."] * 4


def dispute() -> Dispute:
    return Dispute(id=1, team_id="T", number=1, channel_id="C", title="t" * 150, category="scope",
                   description="d", desired_outcome="o", status="discussing", escalated=False,
                   opened_by_team="T", opened_by_user="U", created_at=NOW)


def test_perspective_modal_and_message_at_maximum_sizes():
    text = PerspectiveText("h" * HAPPENED_MAX, "i" * IMPACT_MAX, "r" * RESOLUTION_MAX, "a" * ACK_MAX)
    view = perspective_modal(dispute(), PerspectiveMeta(d=1, tone="f" * 20), initial=text,
                             sealed=True, tone=TONE, version=37)
    assert check_view(view) == []
    perspective = Perspective(version=37, what_happened="<&>" * (HAPPENED_MAX // 3),
                              impact="i" * IMPACT_MAX, resolution="r" * RESOLUTION_MAX,
                              acknowledgement="a" * ACK_MAX)
    perspective.party = Party(team_id="T", user_id="U", side="client")
    text_, blocks = perspective_message(perspective, "N" * 200)
    assert check_blocks(blocks, surface="message") == []
    assert "Revised perspective (v37)" in blocks[0]["text"]["text"]


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
    text, blocks = proposal_message(proposal, "A" * 200, answers="P11")
    assert check_blocks(blocks, surface="message") == []
    proposal.status, proposal.decided_at, proposal.decline_reason = "declined", NOW, "r" * 1000
    text, blocks = proposal_message(proposal, "A", decided_by="B")
    assert check_blocks(blocks, surface="message") == []
    assert "Declined by B" in blocks[-1]["elements"][0]["text"]
    assert check_view(decline_modal(proposal, dispute())) == []


def test_add_party_modal():
    assert check_view(add_party_modal(dispute())) == []
