"""Both sides tell their story: sealed until both have shared, then revealed together."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.services.people import Person
from bot.services.policy import set_policy
from models import AuditEvent, Dispute, Perspective
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import (
    card_blocks,
    click,
    click_for_modal,
    private_notes,
    text_of,
    thread_posts,
)

STORY = {
    ids.B_P_HAPPENED: "We delivered the homepage on 17 March after the brief changed twice.",
    ids.B_P_IMPACT: "Two designers spent an extra week on it.",
    ids.B_P_RESOLUTION: "Agree a change process for the next phase.",
}


def opened(slack, fake):
    posted = raise_dispute(slack, fake, SAM, [CORA, CLIVE])
    ts = posted["welcome"]["thread_ts"]
    return ts


def share(slack, fake, user, ts, answers=None):
    """Share a perspective and wait until Parley has confirmed it privately."""
    view = click_for_modal(slack, fake, user, card_blocks(fake, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    confirmations = len(fake.calls_to("chat.postEphemeral"))
    reply = slack.view_submission(user, view, {**STORY, **(answers or {})})
    assert reply.status == 200 and reply.body == "", reply
    fake.wait_for("chat.postEphemeral", confirmations + 1)
    return view


def test_sealed_until_both_sides_share_then_revealed_together(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    before = len(thread_posts(fake_slack, ts))
    share(slack, fake_slack, CORA, ts, {ids.B_P_HAPPENED: "The homepage came a fortnight behind schedule."})
    fake_slack.wait_for("chat.postEphemeral")
    posts = thread_posts(fake_slack, ts)[before:]
    assert len(posts) == 1
    assert posts[0]["text"] == (":lock: Cora (Client Co) has shared their perspective; it will be "
                                "shown when Studio's side has shared theirs.")
    assert "fortnight behind" not in text_of([c.args for c in fake_slack.calls])  # sealed
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "Client side: :white_check_mark: shared" in card and "Provider side: :hourglass" in card

    # the other side shares: both are posted together and the dispute moves to discussing
    share(slack, fake_slack, SAM, ts)
    fake_slack.wait_for("chat.postEphemeral", 2)
    posts = thread_posts(fake_slack, ts)[before + 1:]
    assert [p["text"].split(" ")[0] for p in posts] == [":unlock:", "Perspective", "Perspective"]
    assert "Perspective from Sam (Studio)" == posts[1]["text"]
    assert "fortnight behind" in text_of(posts[2]["blocks"])
    with db.read() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert dispute.status == "discussing"
        assert all(p.posted_ts for p in session.scalars(select(Perspective)))
        kinds = [e.kind for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert kinds[-4:] == ["perspective.shared", "perspective.shared", "perspectives.revealed",
                              "dispute.status_changed"]
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "Discussing" in card and "Provider side: :white_check_mark: shared" in card


def test_revisions_are_versioned_and_posted_after_the_reveal(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    share(slack, fake_slack, CORA, ts)
    share(slack, fake_slack, SAM, ts)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    prefilled = next(b for b in view["blocks"] if b.get("block_id") == ids.B_P_HAPPENED)
    assert prefilled["element"]["initial_value"] == STORY[ids.B_P_HAPPENED]
    assert "version 2" in text_of(view["blocks"])
    count = len(thread_posts(fake_slack, ts))
    slack.view_submission(CORA, view, {**STORY, ids.B_P_IMPACT: "We also lost a week of ads."})
    fake_slack.wait_for("chat.postEphemeral", 3)
    latest = thread_posts(fake_slack, ts)[count:]
    assert latest[0]["text"] == "Perspective from Cora (Client Co)"
    assert "Revised perspective (v2) from Cora (Client Co)" in text_of(latest[0]["blocks"])
    with db.read() as session:
        versions = sorted((p.party.user_id, p.version) for p in session.scalars(select(Perspective)))
        assert versions == [("U0CORA", 1), ("U0CORA", 2), ("U0SAM", 1)]


def test_a_second_person_on_the_same_side_does_not_reveal(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    share(slack, fake_slack, CORA, ts)
    share(slack, fake_slack, CLIVE, ts)
    fake_slack.wait_for("chat.postEphemeral", 2)
    texts = [p["text"] for p in thread_posts(fake_slack, ts)]
    assert sum(":lock:" in t for t in texts) == 2
    assert not any(t.startswith(":unlock:") for t in texts)


def test_sealing_can_be_turned_off_by_policy(slack, fake_slack, db):
    with db.transaction() as session:
        set_policy(session, "T0HOST", actor=Person("T0HOST", "U0ADMIN"), seal_perspectives=False)
    ts = opened(slack, fake_slack)
    share(slack, fake_slack, CORA, ts)
    fake_slack.wait_for("chat.postEphemeral")
    texts = [p["text"] for p in thread_posts(fake_slack, ts)]
    assert texts[-1] == "Perspective from Cora (Client Co)"


def test_non_party_is_refused_privately_and_nothing_changes(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    reply = click(slack, fake_slack, SOL, card_blocks(fake_slack, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    assert reply.status == 200
    fake_slack.wait_for("response_url")
    assert "Only the parties to D-1 can share a perspective" in private_notes(fake_slack)[-1]
    assert len(fake_slack.calls_to("views.open")) == 1  # only the /dispute form
    with db.read() as session:
        assert session.scalars(select(Perspective)).all() == []


def test_heated_text_is_shown_again_with_a_note_then_goes_through(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    heated = {**STORY, ids.B_P_HAPPENED: "You are INCOMPETENT and this is GARBAGE, FRANKLY!!!"}
    reply = slack.view_submission(CORA, view, heated)
    body = reply.json()
    assert body["response_action"] == "update"
    note = body["view"]["blocks"][0]["text"]["text"]
    assert "gentle check" in note and "capitals" in note and "“incompetent”" in note
    field = next(b for b in body["view"]["blocks"] if b.get("block_id") == ids.B_P_HAPPENED)
    assert field["element"]["initial_value"] == heated[ids.B_P_HAPPENED]  # nothing rewritten
    with db.read() as session:
        assert session.scalars(select(Perspective)).all() == []
    # the same text a second time goes through, unchanged
    again = slack.view_submission(CORA, body["view"], heated)
    assert again.status == 200 and again.body == ""
    fake_slack.wait_for("chat.postEphemeral")
    with db.read() as session:
        assert session.scalars(select(Perspective)).one().what_happened == heated[ids.B_P_HAPPENED]


def test_empty_and_overlong_fields_get_inline_errors(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    reply = slack.view_submission(CORA, view, {**STORY, ids.B_P_IMPACT: " ",
                                               ids.B_P_ACK: "x" * 1001})
    errors = reply.json()["errors"]
    assert set(errors) == {ids.B_P_IMPACT, ids.B_P_ACK}
    assert "under 1,000" in errors[ids.B_P_ACK]
