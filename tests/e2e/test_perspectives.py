"""Both sides tell their story: sealed until both have shared, then revealed together."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.services.people import Person
from bot.services.policy import set_policy
from models import AuditEvent, Dispute, Perspective
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import GOOD_ANSWERS, raise_dispute
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


def opened(slack, fake, others=(CORA, CLIVE)):
    """Sam (Studio) raises D-1: his account is his side's perspective, sealed."""
    posted = raise_dispute(slack, fake, SAM, list(others))
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


def card_next(fake, ts):
    """What the card says happens next."""
    sections = [b["text"]["text"] for b in card_blocks(fake, CHANNEL, ts)
                if b["type"] == "section" and "text" in b]
    return next(t for t in sections if t.startswith("*Next*"))


def perspectives_of(session, user):
    return [p for p in session.scalars(select(Perspective).order_by(Perspective.id))
            if p.party.user_id == user.id]


SAMS_ACCOUNT = GOOD_ANSWERS[ids.B_HAPPENED]  # what Sam wrote when he raised it


def test_sealed_until_both_sides_share_then_revealed_together(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    # the opener's account is his side's perspective, sealed: nothing of it reaches Slack
    assert SAMS_ACCOUNT not in text_of([c.args for c in fake_slack.calls])
    assert card_next(fake_slack, ts) == (
        "*Next*\nClient Co tells its side of what happened. Studio has told its side; both are "
        "shown together once both have.")
    with db.read() as session:
        [account] = perspectives_of(session, SAM)
        assert (account.version, account.what_happened, account.impact) == (1, SAMS_ACCOUNT, "")
        assert account.resolution == GOOD_ANSWERS[ids.B_OUTCOME]
        assert account.released_at is None and account.posted_ts is None
        assert session.scalars(select(Dispute)).one().status == "open"
    before = len(thread_posts(fake_slack, ts))
    assert before == 1  # the welcome; no post says who has told their side (the card does)

    # the other side shares: both accounts are posted together, in one message
    share(slack, fake_slack, CORA, ts, {ids.B_P_HAPPENED: "The homepage came a fortnight behind schedule."})
    posts = thread_posts(fake_slack, ts)[before:]
    assert [p["text"] for p in posts] == [
        "Both sides have told their side of D-1. Here they are, side by side."]
    both = text_of(posts[0]["blocks"])
    assert "*Sam (Studio)*" in both and "*Cora (Client Co)*" in both
    assert both.index(SAMS_ACCOUNT) < both.index("fortnight behind")  # the opener's side first
    with db.read() as session:
        dispute = session.scalars(select(Dispute)).one()
        assert dispute.status == "discussing"
        assert all(p.released_at and p.posted_ts for p in session.scalars(select(Perspective)))
        kinds = [e.kind for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert kinds[-3:] == ["perspective.shared", "perspectives.revealed", "dispute.status_changed"]
        assert kinds.count("perspective.shared") == 2  # Sam's at opening, Cora's now
    fake_slack.wait_until(lambda: "Talking it through" in text_of(card_blocks(fake_slack, CHANNEL, ts)),
                          what="the card's update")
    assert card_next(fake_slack, ts).startswith("*Next*\nEither side proposes a solution")


def test_revisions_are_versioned_and_posted_after_the_reveal(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    share(slack, fake_slack, CORA, ts)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    prefilled = next(b for b in view["blocks"] if b.get("block_id") == ids.B_P_HAPPENED)
    assert prefilled["element"]["initial_value"] == STORY[ids.B_P_HAPPENED]
    assert "version 2" in text_of(view["blocks"])
    count = len(thread_posts(fake_slack, ts))
    confirmations = len(fake_slack.calls_to("chat.postEphemeral"))
    slack.view_submission(CORA, view, {**STORY, ids.B_P_IMPACT: "We also lost a week of ads."})
    fake_slack.wait_for("chat.postEphemeral", confirmations + 1)
    latest = thread_posts(fake_slack, ts)[count:]
    assert [p["text"] for p in latest] == ["Cora (Client Co)'s side"]
    assert "Cora (Client Co)'s side, revised (version 2)" in text_of(latest[0]["blocks"])
    assert "lost a week of ads" in text_of(latest[0]["blocks"])
    # the opener revises the account he gave when he raised it
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    prefilled = next(b for b in view["blocks"] if b.get("block_id") == ids.B_P_HAPPENED)
    assert prefilled["element"]["initial_value"] == SAMS_ACCOUNT
    assert "version 2" in text_of(view["blocks"])
    with db.read() as session:
        versions = sorted((p.party.user_id, p.version) for p in session.scalars(select(Perspective)))
        assert versions == [("U0CORA", 1), ("U0CORA", 2), ("U0SAM", 1)]


def test_a_second_person_on_the_same_side_does_not_reveal(slack, fake_slack, db):
    ts = opened(slack, fake_slack, others=(SOL, CORA))
    before = len(thread_posts(fake_slack, ts))
    share(slack, fake_slack, SOL, ts, {ids.B_P_HAPPENED: "Sol saw the brief change twice."})
    assert thread_posts(fake_slack, ts)[before:] == []  # sealed: the card says who has told
    assert "Sol saw the brief" not in text_of([c.args for c in fake_slack.calls])
    assert card_next(fake_slack, ts).startswith("*Next*\nClient Co tells its side")
    with db.read() as session:
        assert session.scalars(select(Dispute)).one().status == "open"
        assert all(p.released_at is None for p in session.scalars(select(Perspective)))
    # the other side's share reveals all three accounts, in one message
    share(slack, fake_slack, CORA, ts)
    posts = thread_posts(fake_slack, ts)[before:]
    assert [p["text"].split(" ")[0] for p in posts] == ["Both"]
    both = text_of(posts[0]["blocks"])
    assert SAMS_ACCOUNT in both and "Sol saw the brief" in both and STORY[ids.B_P_HAPPENED] in both


def test_sealing_can_be_turned_off_by_policy(slack, fake_slack, db):
    with db.transaction() as session:
        set_policy(session, "T0HOST", actor=Person("T0HOST", "U0ADMIN"), seal_perspectives=False)
    ts = opened(slack, fake_slack)
    # the opener's account is posted as his side at once
    fake_slack.wait_until(lambda: len(thread_posts(fake_slack, ts)) == 2, what="Sam's side")
    sams = thread_posts(fake_slack, ts)[-1]
    assert sams["text"] == "Sam (Studio)'s side"
    assert "*Sam (Studio)'s side*" in text_of(sams["blocks"]) and SAMS_ACCOUNT in text_of(sams["blocks"])
    share(slack, fake_slack, CORA, ts)
    texts = [p["text"] for p in thread_posts(fake_slack, ts)]
    assert texts[-2:] == ["Sam (Studio)'s side", "Cora (Client Co)'s side"]
    assert not any(t.startswith("Both sides") for t in texts)
    with db.read() as session:
        assert all(p.posted_ts for p in session.scalars(select(Perspective)))


def test_non_party_is_refused_privately_and_nothing_changes(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    reply = click(slack, fake_slack, SOL, card_blocks(fake_slack, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    assert reply.status == 200
    fake_slack.wait_for("response_url")
    assert "Only the parties to D-1 can share a perspective" in private_notes(fake_slack)[-1]
    assert len(fake_slack.calls_to("views.open")) == 1  # only the /dispute form
    with db.read() as session:
        assert [p.party.user_id for p in session.scalars(select(Perspective))] == [SAM.id]


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
        assert perspectives_of(session, CORA) == []
    # the same text a second time goes through, unchanged
    again = slack.view_submission(CORA, body["view"], heated)
    assert again.status == 200 and again.body == ""
    fake_slack.wait_for("chat.postEphemeral")
    with db.read() as session:
        [cora] = perspectives_of(session, CORA)
        assert cora.what_happened == heated[ids.B_P_HAPPENED]


def test_empty_and_overlong_fields_get_inline_errors(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    reply = slack.view_submission(CORA, view, {**STORY, ids.B_P_RESOLUTION: " ",
                                               ids.B_P_ACK: "x" * 1001})
    errors = reply.json()["errors"]
    assert set(errors) == {ids.B_P_RESOLUTION, ids.B_P_ACK}
    assert "under 1,000" in errors[ids.B_P_ACK]
