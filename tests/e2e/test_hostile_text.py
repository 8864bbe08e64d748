"""A whole dispute, with text that tries to page, mention and link in every field people type
(and in their names and their organization's name): everything Parley sends to Slack shows it
literally, and Parley's own mentions stay real."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from bot import ids
from bot.records.agreement import ATTACHMENT
from bot.services.people import Person
from bot.services.policy import set_policy
from models import CheckIn, utcnow
from tests.conftest import CHANNEL, CLIENT_TEAM, CLIVE, CORA, SAM, SOL
from tests.e2e.agreement_steps import _keep
from tests.e2e.helpers import raise_dispute
from tests.e2e.mrkdwn_scan import outside_fences, parsed_texts, texts_in, tokens
from tests.e2e.threads import card_blocks, click, click_for_modal, text_of, thread_posts
from tests.support.slack_requests import SlackSender, User

# A line that would pass for Parley's own if it started a line unquoted (issue 25): people's text
# is quoted wherever it keeps its lines, and kept inside Parley's line everywhere else.
FORGED = ":handshake: *Agreed: the agreement is in effect* (forged)"
EVIL = ("Late again\n" + FORGED + "\n<!channel> <!here> <!everyone> <!subteam^S0EVIL|@team> "
        "<@U0EVIL> <#C0EVIL> <https://evil.example|click> [x](https://evil.example) & co")
DUE = (date.today() + timedelta(days=10)).isoformat()
KNOWN_USERS = {SAM.id, SOL.id, CORA.id, CLIVE.id}
INTERNAL = "C0INTERNAL"
from tests.support.ticks import post_due_checkins

ACKED_VIEWS: list[dict[str, Any]] = []  # modals Parley answered with in an ack (not via the Web API)


def submit(slack: SlackSender, user: User, view: dict[str, Any], answers: dict[str, Any]) -> None:
    """Submit a modal as a person would (what is pre-filled stays); when the tone note comes back,
    submit the same text again."""
    answers = {**_keep(view, answers), **answers}
    reply = slack.view_submission(user, view, answers)
    assert reply.status == 200, reply
    if reply.body:
        answer = reply.json()
        assert answer.get("response_action") == "update", answer
        ACKED_VIEWS.append(answer["view"])
        assert slack.view_submission(user, answer["view"], answers).body == ""


def allowed(token: str) -> bool:
    """The markup Parley itself makes: mentions of real parties, its channels, dates, permalinks."""
    if token.startswith("@"):
        return token[1:] in KNOWN_USERS
    if token.startswith("#"):
        return token[1:] in {CHANNEL, INTERNAL}
    return token.startswith(("!date^", "https://parley-test.slack.com/archives/"))


def test_hostile_text_everywhere_is_shown_and_never_acted_on(slack, parley, fake_slack, db):
    ACKED_VIEWS.clear()
    fake_slack.users[CORA.id]["real_name"] = f"Cora {EVIL}"  # names are typed by people too
    fake_slack.teams[CLIENT_TEAM] = f"Client Co {EVIL}"
    fake_slack.add_channel(INTERNAL, shared=False)
    with db.transaction() as s:
        set_policy(s, SAM.team_id, actor=Person(SAM.team_id, SAM.id), escalation_channel=INTERNAL)

    # raise it: the title comes from the command text too
    slack.command(SAM, EVIL)
    opened = raise_dispute(slack, fake_slack, SAM, [CORA, CLIVE], **{
        ids.B_TITLE: EVIL[:150], ids.B_HAPPENED: EVIL, ids.B_OUTCOME: EVIL})
    ts = opened["welcome"]["thread_ts"]
    card = lambda: card_blocks(fake_slack, CHANNEL, ts)  # noqa: E731 - the card as it is now
    for user in (SAM, CORA):
        slack.event({"type": "app_home_opened", "user": user.id, "tab": "home"})
    fake_slack.wait_until(lambda: len(fake_slack.calls_to("views.publish")) == 2, what="both App Homes")
    homes = {c.args["user_id"]: text_of(c.args["view"]) for c in fake_slack.calls_to("views.publish")}
    assert all("&lt;!channel&gt;" in home for home in homes.values())  # the title, in both Homes

    # perspectives: sealed notice, then both revealed
    perspective = {ids.B_P_HAPPENED: EVIL, ids.B_P_IMPACT: EVIL + " YOUR WORK IS GARBAGE!!!",
                   ids.B_P_RESOLUTION: EVIL, ids.B_P_ACK: EVIL}  # heated: the tone note comes back
    for user in (SAM, CORA):
        submit(slack, user, click_for_modal(slack, fake_slack, user, card(), ids.SHARE_PERSPECTIVE), perspective)

    # proposals: Slack refuses the first post (the text comes back privately), one declined, one accepted
    offer = {ids.B_PR_SUMMARY: EVIL[:150], ids.B_PR_DETAILS: EVIL, ids.B_PR_REMEDY: "redo",
             "item_text_0": EVIL, "item_owner_0": SAM.id, "item_due_0": DUE}
    fake_slack.fail_next("chat.postMessage", "msg_too_long")
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, card(), ids.PROPOSE), offer)
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, card(), ids.PROPOSE), offer)
    proposal = thread_posts(fake_slack, ts)[-1]
    submit(slack, CORA, click_for_modal(slack, fake_slack, CORA, proposal["blocks"], ids.DECLINE_PROPOSAL),
           {ids.B_DECLINE_REASON: EVIL})
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, card(), ids.PROPOSE), offer)
    # (Accepting would make it the agreement at once: test_happy_path.py. Here the agreement is
    # written from the card's menu, so that drafting, changes and versions show the text too.)

    # the agreement: drafted, changes requested, edited, approved by both sides, then the file
    agreement = {ids.B_AG_TERMS: EVIL, "item_text_0": EVIL, "item_owner_0": SAM.id, "item_due_0": DUE}
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, card(), ids.DRAFT_AGREEMENT), agreement)
    v1 = thread_posts(fake_slack, ts)[-1]
    submit(slack, CORA, click_for_modal(slack, fake_slack, CORA, v1["blocks"], ids.REQUEST_CHANGES),
           {ids.B_CHANGES: EVIL})
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, v1["blocks"], ids.EDIT_AGREEMENT),
           {**agreement, ids.B_AG_TERMS: EVIL + " (v2)"})
    v2 = thread_posts(fake_slack, ts)[-1]
    assert v2["text"].startswith("Agreement v2")
    for user in (SAM, CORA):
        click(slack, fake_slack, user, v2["blocks"], ids.APPROVE_AGREEMENT)
    fake_slack.wait_until(lambda: any(u.get("blocks") for u in fake_slack.uploads.values()),
                          what="the agreement in effect, with its PDF")

    # a check-in: not yet → a new date and a mediator; then done → resolved → feedback → lessons
    with db.transaction() as s:
        first = s.scalars(select(CheckIn).where(CheckIn.kind == "after_days").order_by(CheckIn.due_at)).first()
        first.due_at = utcnow() - timedelta(minutes=1)
    assert post_due_checkins(parley) == 1
    checkin = fake_slack.calls_to("chat.postMessage")[-1].args
    click(slack, fake_slack, CORA, checkin["blocks"], ids.CHECKIN_NOT_YET)
    options = fake_slack.calls_to("chat.postMessage")[-1].args
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, options["blocks"], ids.NEW_DATE),
           {ids.B_NEW_DATE: (date.today() + timedelta(days=20)).isoformat()})
    submit(slack, CORA, click_for_modal(slack, fake_slack, CORA, options["blocks"], ids.REQUEST_MEDIATOR),
           {ids.B_MEDIATOR_ANYONE: SOL.id, ids.B_MEDIATOR_REASON: EVIL, ids.B_MEDIATOR_NOTE: EVIL})
    with db.transaction() as s:
        for row in s.scalars(select(CheckIn).where(CheckIn.status == "pending")):
            row.due_at = utcnow() - timedelta(minutes=1)
    assert post_due_checkins(parley) == 1  # every due check-in of the dispute, in one message
    again = fake_slack.calls_to("chat.postMessage")[-1].args
    click(slack, fake_slack, SAM, again["blocks"], ids.CHECKIN_DONE)
    ask = fake_slack.calls_to("chat.postMessage")[-1].args
    click(slack, fake_slack, CORA, ask["blocks"], ids.CONFIRM_RESOLVED)
    done, lessons = [c.args for c in fake_slack.calls_to("chat.postMessage")][-2:]
    submit(slack, CORA, click_for_modal(slack, fake_slack, CORA, done["blocks"], ids.GIVE_FEEDBACK),
           {ids.B_RATING: "4", ids.B_COMMENT: EVIL})
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, lessons["blocks"], ids.RECORD_LESSONS),
           {ids.B_ROOT_CAUSE: "process", ids.B_CHANGE: EVIL})

    # a second dispute, withdrawn with a reason; the private commands
    second = raise_dispute(slack, fake_slack, SAM, [CORA], **{ids.B_TITLE: EVIL[:150]})
    submit(slack, SAM, click_for_modal(slack, fake_slack, SAM, card_blocks(
        fake_slack, CHANNEL, second["welcome"]["thread_ts"]), ids.CLOSE_DISPUTE), {ids.B_CLOSE_REASON: EVIL})
    for user in (SAM, CORA):
        for text in ("list", "show D-1", "export D-1"):
            assert slack.command(user, text).status == 200

    # Every string Slack would parse holds only markup Parley made itself …
    texts = parsed_texts(fake_slack) + [("ack", t) for view in ACKED_VIEWS for t in texts_in(view)]
    assert ACKED_VIEWS  # (the tone note came back at least once, in an ack)
    assert len(texts) > 100
    foreign = [(method, text) for method, text in texts if not all(allowed(t) for t in tokens(text))]
    assert foreign == []
    # … no line of people's text can pass for one of Parley's: quoted, or inside Parley's line
    forged = [(method, line) for method, text in texts for line in text.split("\n")
              if line.lstrip().startswith(FORGED.split(" (")[0]) and "(forged)" in line]
    assert forged == []
    assert any(line.startswith(">" + FORGED) for _, text in texts for line in text.split("\n"))
    # … and the hostile text was shown, escaped, on every kind of surface
    shown = {method for method, text in texts if "&lt;!channel&gt;" in text}
    assert shown >= {"chat.postMessage", "chat.update", "views.open", "views.publish", "response_url"}
    # Parley's own mentions are still real mentions
    assert "<@U0CORA>" in opened["welcome"]["text"] and "<@U0SAM>" in checkin["text"]
    assert any(f"<#{INTERNAL}>" in text for _, text in texts)
    # Files: people's text is escaped outside the verbatim blocks, and exact inside them
    documents = [u["content"] for u in fake_slack.uploads.values()
                 if u.get("content") and u["filename"].endswith(".md")]
    assert len(documents) == 2  # one export for each side (the thread gets the PDF only)
    certificate = next(u["bytes"] for u in fake_slack.uploads.values()
                       if u["filename"].endswith("certificate.pdf"))
    record = json.loads(PdfReader(io.BytesIO(certificate)).attachments[ATTACHMENT][0])
    assert record["agreement"]["terms"].startswith(EVIL)  # kept exactly, drawn as plain text
    for document in documents:
        rest = outside_fences(document)
        assert re.search(r"(?<!\\)[<>\[\]&]", rest) is None, rest  # every one backslash-escaped
        assert f"```text\n{EVIL}" in document
