"""/dispute help, list, DMs and channels Parley is not in; the channel welcome; the App Home."""

from __future__ import annotations

import json

from bot import version
from bot import ids
from bot.services import agreements
from bot.services.people import Person
from tests.conftest import CLIVE, CORA, SAM
from tests.e2e.helpers import GOOD_ANSWERS, raise_dispute
from tests.support.scenarios import ratified_dispute


def response(fake):
    return fake.wait_for("response_url")[-1].args


def test_help_is_private(slack, fake_slack):
    assert slack.command(SAM, "help").status == 200
    answer = response(fake_slack)
    assert answer["response_type"] == "ephemeral"
    assert "/dispute list" in answer["text"] and "Raise a dispute" in answer["text"]
    assert fake_slack.calls_to("views.open") == []


def test_list_shows_open_disputes_of_the_channel_with_links(slack, fake_slack):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    raise_dispute(slack, fake_slack, SAM, [CLIVE], **{ids.B_TITLE: "Invoice <b>& more"})
    slack.command(SAM, "list")
    answer = response(fake_slack)
    assert answer["response_type"] == "ephemeral"
    text = json.dumps(answer["blocks"])
    assert "(2)" in text and "D-1" in text and "D-2" in text
    assert "https://parley-test.slack.com/archives/C0SHARED/p" in text
    assert "Invoice &lt;b&gt;&amp; more" in text
    assert text.index("D-2") < text.index("D-1")


def test_list_in_another_channel_is_empty(slack, fake_slack):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    fake_slack.add_channel("C0OTHER")
    slack.command(SAM, "list", channel="C0OTHER")
    assert "no open disputes" in json.dumps(response(fake_slack)["blocks"])


def test_channel_without_parley_asks_for_an_invite(slack, fake_slack):
    fake_slack.add_channel("C0PUBLIC", is_member=False, shared=False)
    slack.command(SAM, "", channel="C0PUBLIC")
    assert "/invite @Parley" in response(fake_slack)["text"]
    assert fake_slack.calls_to("views.open") == []


def test_private_channel_without_parley_asks_for_an_invite(slack, fake_slack):
    slack.command(SAM, "", channel="C0SECRET")  # unknown to the bot: channel_not_found
    assert "/invite @Parley" in response(fake_slack)["text"]


def test_direct_message_explains_disputes_live_in_channels(slack, fake_slack):
    slack.command(SAM, "", channel="D0DM", channel_name="directmessage")
    assert "live in channels" in response(fake_slack)["text"]
    assert fake_slack.calls_to("views.open") == []


def test_parley_joining_a_channel_posts_the_raise_button(slack, fake_slack):
    reply = slack.event({"type": "member_joined_channel", "user": fake_slack.bot_user,
                         "channel": "C0SHARED", "team": "T0HOST"})
    assert reply.status == 200
    post = fake_slack.wait_for("chat.postMessage")[-1].args
    assert post["channel"] == "C0SHARED"
    buttons = [e for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ids.RAISE_DISPUTE]
    assert buttons[0]["text"]["text"] == "Raise a dispute"


def test_someone_else_joining_gets_no_message(slack, fake_slack):
    slack.event({"type": "member_joined_channel", "user": CORA.id, "channel": "C0SHARED"})
    slack.event({"type": "member_joined_channel", "user": fake_slack.bot_user,
                 "channel": "C0SHARED", "team": "T0HOST"})
    fake_slack.wait_for("chat.postMessage")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


def test_app_home_lists_the_persons_open_disputes(slack, fake_slack):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    slack.event({"type": "app_home_opened", "user": SAM.id, "tab": "home", "channel": "D0X"})
    view = fake_slack.wait_for("views.publish")[-1].args
    assert view["user_id"] == SAM.id
    assert "D-1" in json.dumps(view["view"]["blocks"])
    footer = view["view"]["blocks"][-1]
    assert footer == {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Parley {version()}"}]}


def test_app_home_shows_what_awaits_and_the_teams_figures(slack, fake_slack, db):
    from tests.e2e.agreement_steps import post_agreement, proposal_to_draft

    # D-1, raised by the client (its account is Client Co's side): Sam is to tell the studio's
    slack.block_action(CORA, ids.RAISE_DISPUTE, '{"v":1}')
    view = fake_slack.wait_for("views.open")[-1].args["view"]
    answers = {**GOOD_ANSWERS, ids.B_CATEGORY: "billing", ids.B_PARTIES: [SAM.id]}
    assert slack.view_submission(CORA, view, answers).body == ""
    fake_slack.wait_for("chat.postMessage", 2)
    ts, note = proposal_to_draft(slack, fake_slack)  # D-2, raised by Sam: his account is given
    post_agreement(slack, fake_slack, CORA, note["blocks"])  # agreement awaiting Sam's approval
    slack.event({"type": "app_home_opened", "user": SAM.id, "tab": "home", "channel": "D0X"})
    text = json.dumps(fake_slack.calls_to("views.publish")[-1].args["view"]["blocks"], ensure_ascii=False)
    assert "• Tell your side of <https://parley-test.slack.com/archives/C0SHARED/p" in text
    (to_share,) = [line for line in text.split("\\n") if "Tell your side of" in line]
    assert "|D-1 · Homepage delivered two weeks late>" in to_share  # not D-2: Sam gave his account raising it
    assert "Review and approve the agreement for" in text and "D-2" in text
    assert "Your team, last 90 days" in text and "*Open now*\\n2" in text
    assert "Billing or payment: 1" in text and "Delivery or timeline: 1" in text


def test_verify_says_privately_whether_a_hash_is_an_agreement_in_effect(slack, fake_slack, db):
    dispute_id = ratified_dispute(db, Person(SAM.team_id, SAM.id), Person(CORA.team_id, CORA.id))
    with db.read() as session:
        content_hash = agreements.latest(session, dispute_id).content_hash
    answers = {}
    for given in (content_hash.upper(), "3f" * 32, content_hash[:12], "<!channel>"):
        before = len(fake_slack.calls_to("response_url"))
        assert slack.command(CORA, f"verify {given}").status == 200
        answers[given] = fake_slack.wait_for("response_url", before + 1)[-1].args
    found = answers[content_hash.upper()]
    assert found["response_type"] == "ephemeral"
    assert "Yes: that is the content hash of *Agreement v1* for D-1" in found["text"]
    assert "Sam (Studio) on " in found["text"] and "Cora (Client Co) on " in found["text"]
    assert "No agreement in effect" in answers["3f" * 32]["text"]
    assert "64 characters" in answers[content_hash[:12]]["text"] and "has 12" in answers[content_hash[:12]]["text"]
    assert "64 characters" in answers["<!channel>"]["text"]


def test_a_title_that_starts_with_verify_opens_the_form(slack, fake_slack):
    slack.command(SAM, "Verify the invoices were paid")
    view = fake_slack.wait_for("views.open")[-1].args["view"]
    assert "Verify the invoices were paid" in json.dumps(view)
