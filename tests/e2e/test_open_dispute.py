"""End to end: /dispute → modal → submission → card + thread welcome, over signed HTTP."""

from __future__ import annotations

import json
from decimal import Decimal

from sqlalchemy import select

from bot import ids
from bot.payloads import OpenDisputeMeta, decode
from bot.services import perspectives
from models import AuditEvent, Dispute, Perspective
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import GOOD_ANSWERS, open_modal, raise_dispute
from tests.e2e.threads import buttons, thread_posts


def test_slash_command_opens_the_modal_with_the_title_prefilled(slack, fake_slack):
    view = open_modal(slack, fake_slack, SAM, "Late homepage")
    assert view["callback_id"] == ids.OPEN_DISPUTE_MODAL
    title = next(b for b in view["blocks"] if b.get("block_id") == ids.B_TITLE)
    assert title["element"]["initial_value"] == "Late homepage"
    assert decode(OpenDisputeMeta, view["private_metadata"]).channel_id == CHANNEL
    categories = next(b for b in view["blocks"] if b.get("block_id") == ids.B_CATEGORY)
    assert [o["value"] for o in categories["element"]["options"]] == [
        "quality", "delivery", "scope", "billing", "communication", "other"]


def test_submission_posts_card_and_welcome_and_stores_the_dispute(slack, fake_slack, db):
    posted = raise_dispute(slack, fake_slack, SAM, [CORA, CLIVE])
    card, welcome = posted["card"], posted["welcome"]
    assert card["channel"] == CHANNEL and "thread_ts" not in card
    card_text = json.dumps(card["blocks"])
    for expected in ("D-1", "Homepage delivered two weeks late", "Delivery or timeline",
                     "1,250.50 EUR", "Open: each side tells its side", "Raised by*\\nSam on <!date^",
                     "*Studio*: Sam", "*Client Co*: Cora, Clive",
                     "Client Co tells its side of what happened. Studio has told its side;"):
        assert expected in card_text, expected
    assert "<@" not in card_text  # people by name, never mentioned: only the thread calls on them
    # the opener's account is their side's perspective, sealed: the card shows none of it
    for account in (GOOD_ANSWERS[ids.B_HAPPENED], GOOD_ANSWERS[ids.B_OUTCOME], "What happened"):
        assert account not in card_text
    assert buttons(card["blocks"])[ids.SHARE_PERSPECTIVE]["text"]["text"] == "Share your side"
    root_ts = fake_slack.calls_to("chat.getPermalink")[0].args["message_ts"]
    assert welcome["thread_ts"] == root_ts
    welcome_text = json.dumps(welcome["blocks"])
    assert "Thanks for raising this, Sam." in welcome_text
    assert "<@U0CORA> and <@U0CLIVE>: Studio has raised *D-1* with Client Co here." in welcome_text
    assert "<@U0SAM>" not in welcome_text
    assert GOOD_ANSWERS[ids.B_HAPPENED] not in json.dumps(thread_posts(fake_slack, root_ts))

    with db.transaction() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert dispute.reference == "D-1"
        assert dispute.thread_ts == root_ts
        assert dispute.permalink and root_ts.replace(".", "") in dispute.permalink
        assert dispute.amount == Decimal("1250.50") and dispute.currency == "EUR"
        sides = {(p.user_id, p.team_id, p.side) for p in dispute.parties}
        assert sides == {("U0SAM", "T0HOST", "provider"), ("U0CORA", "T0CLIENT", "client"),
                         ("U0CLIVE", "T0CLIENT", "client")}
        (account,) = session.scalars(select(Perspective)).all()  # the opener's, sealed
        assert (account.party.user_id, account.party.side, account.version) == ("U0SAM", "provider", 1)
        assert account.what_happened == GOOD_ANSWERS[ids.B_HAPPENED]
        assert account.resolution == GOOD_ANSWERS[ids.B_OUTCOME]
        assert account.impact == "" and account.acknowledgement is None
        assert account.released_at is None and account.posted_ts is None
        assert perspectives.shared_sides_of(session, dispute.id) == {"provider"}
        assert not perspectives.is_revealed(session, dispute.id)
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.kind for e in events] == ["dispute.opened", "perspective.shared",
                                            "dispute.thread_started"]
        assert events[0].payload.get("account") is True


def test_references_count_up_per_workspace(slack, fake_slack, db):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    raise_dispute(slack, fake_slack, SOL, [CLIVE], **{ids.B_AMOUNT: None, ids.B_CURRENCY: None})
    with db.transaction() as session:
        refs = [d.reference for d in session.scalars(select(Dispute).order_by(Dispute.id))]
        assert refs == ["D-1", "D-2"]
        assert session.scalars(select(Dispute).where(Dispute.number == 2)).one().amount is None


def test_connected_org_user_raises_a_dispute_with_the_button(slack, fake_slack, db):
    reply = slack.block_action(CORA, ids.RAISE_DISPUTE, '{"v":1}')
    assert reply.status == 200
    view = fake_slack.wait_for("views.open")[-1].args["view"]
    assert decode(OpenDisputeMeta, view["private_metadata"]).channel_id == CHANNEL
    reply = slack.view_submission(CORA, view, {**GOOD_ANSWERS, ids.B_PARTIES: [SAM.id]})
    assert reply.status == 200 and reply.body == ""
    fake_slack.wait_for("chat.postMessage", 2)
    with db.transaction() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert (dispute.opened_by_team, dispute.opened_by_user) == ("T0CLIENT", "U0CORA")
        assert dispute.team_id == "T0HOST"
        assert {(p.user_id, p.side) for p in dispute.parties} == {
            ("U0CORA", "client"), ("U0SAM", "provider")}
