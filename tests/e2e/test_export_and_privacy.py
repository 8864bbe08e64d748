"""`/dispute export`, and the rule that internal material never reaches a shared channel."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bot import ids
from bot.records import export_access
from bot.records.agreement import ATTACHMENT
from bot.services.errors import NotAllowed
from bot.services.people import Person
from bot.services.policy import set_policy
from models import Dispute, Feedback, Party
from tests.conftest import CHANNEL, CLIVE, CORA, GUEST, SAM, SOL
from tests.e2e.agreement_steps import (
    accepted_proposal,
    proposal_to_draft,
)
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import card_blocks, click_for_modal, text_of
from tests.integration.test_certificate import verify
from tests.support.slack_requests import User
from tests.support.ticks import a_working_morning, remind


def test_export_sends_the_full_record_privately(slack, fake_slack, db, database_url, tmp_path):
    accepted_proposal(slack, fake_slack)  # P1 accepted: the agreement is in effect
    slack.command(SAM, "export D-1")
    upload = next(u for u in fake_slack.uploads.values() if u["filename"] == "D-1-record.md")
    assert upload["channel"] == "D0SAM"  # the requester's DM with Parley, nobody else's
    for expected in ("# D-1:", "## Proposals", "P1: Redo the checkout screens (accepted)",
                     "## Agreements", "Approved by Sam (Studio)", "## Timeline", "agreement.approved"):
        assert expected in upload["content"]
    pdf = next(u for u in fake_slack.uploads.values() if u["filename"] == "D-1-record.pdf")
    assert pdf["channel"] == "D0SAM" and (pdf["title"], upload["title"]) == ("D-1: full record (PDF)", "D-1: full record (Markdown)")
    reader = PdfReader(io.BytesIO(pdf["bytes"]))
    record = json.loads(reader.attachments[ATTACHMENT][0])
    assert record["format"] == "parley/dispute-record" and record["scope"] == "full"
    assert [(x["name"], x["organization"]) for x in record["agreements"][0]["approvals"]] == \
        [("Sam", "Studio"), ("Cora", "Client Co")]  # who proposed it, and who accepted it
    words = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Dispute record · D-1", "P1 (accepted)\nRedo the checkout screens",
                     "Approved by Sam (Studio) on ", "Sam (Studio, Slack T0HOST / U0SAM): approved",
                     "Agreement approved: version 1"):
        assert expected in words
    (tmp_path / "D-1-record.pdf").write_bytes(pdf["bytes"])
    checked = verify(database_url, tmp_path / "D-1-record.pdf")
    assert checked.returncode == 0 and checked.stdout.startswith("Matches the full record of D-1"), \
        checked.stderr
    assert "in your direct messages" in fake_slack.calls_to("response_url")[-1].args["text"]
    fake_slack.add_channel("C0ELSEWHERE")
    slack.command(SOL, "export D-1", channel="C0ELSEWHERE")
    assert "Only the parties to D-1" in fake_slack.calls_to("response_url")[-1].args["text"]


def test_a_title_that_starts_with_show_still_opens_the_form(slack, fake_slack):
    slack.command(SAM, "show stopper bug in checkout")
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    title = next(b for b in view["blocks"] if b.get("block_id") == ids.B_TITLE)
    assert title["element"]["initial_value"] == "show stopper bug in checkout"


def test_nothing_internal_reaches_a_channel_shared_with_another_organization(slack, parley, fake_slack, db):
    """Escalation notes, lessons learned and exports go only to internal channels or DMs, even
    when the policy's escalation channel is (wrongly) a shared one."""
    fake_slack.add_channel("C0ALSOSHARED", shared=True)
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person("T0HOST", SAM.id), escalation_channel="C0ALSOSHARED")
    ts, note = proposal_to_draft(slack, fake_slack)
    assert remind(parley, a_working_morning()) >= 1  # escalation note for a stalled dispute
    slack.command(SAM, "export D-1")  # the record includes internal parts
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.CLOSE_DISPUTE)
    slack.view_submission(SAM, view, {ids.B_CLOSE_REASON: "Settled."})
    request = fake_slack.calls_to("chat.postMessage")[-1].args
    view = click_for_modal(slack, fake_slack, SAM, request["blocks"], ids.RECORD_LESSONS)
    slack.view_submission(SAM, view, {ids.B_ROOT_CAUSE: "process", ids.B_CHANGE: "INTERNAL-LESSON"})

    shared = {c for c, ch in fake_slack.channels.items() if ch["is_shared"] or ch["is_ext_shared"]}
    to_shared = [c.method + " " + text_of(c.args) for c in fake_slack.calls
                 if c.args.get("channel") in shared or c.args.get("channel_id") in shared]
    leaked = [m for m in to_shared if any(marker in m for marker in (
        "INTERNAL-LESSON", "rotating_light", "Lessons learned", "full record", "record.md"))]
    assert leaked == []
    # and the internal things did happen, privately
    assert any("INTERNAL-LESSON" in text_of(c.args) for c in fake_slack.calls
               if str(c.args.get("channel", "")).startswith("U"))
    assert any(u["channel"] == "D0SAM" for u in fake_slack.uploads.values())


def test_export_is_for_parties_and_admins_and_the_client_side_gets_no_internal_notes(slack, fake_slack, db):
    fake_slack.add_user("U0ADA", SAM.team_id, name="ada", admin=True)  # a workspace admin, not a party
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.CLOSE_DISPUTE)
    slack.view_submission(SAM, view, {ids.B_CLOSE_REASON: "Settled by phone."})
    request = fake_slack.calls_to("chat.postMessage")[-1].args
    view = click_for_modal(slack, fake_slack, SAM, request["blocks"], ids.RECORD_LESSONS)
    slack.view_submission(SAM, view, {ids.B_ROOT_CAUSE: "process", ids.B_CHANGE: "INTERNAL-LESSON"})
    with db.transaction() as s:
        s.add(Feedback(dispute_id=s.scalars(select(Dispute)).one().id, team_id=CORA.team_id,
                       user_id=CORA.id, rating=2, comment="INTERNAL-FEEDBACK"))

    def export(user: User) -> tuple[str | None, str]:
        before = set(fake_slack.uploads)
        assert slack.command(user, "export D-1").status == 200
        answer = fake_slack.calls_to("response_url")[-1].args["text"]
        new = {u["filename"]: u for f, u in fake_slack.uploads.items() if f not in before}
        if not new:
            return None, answer
        assert set(new) == {"D-1-record.md", "D-1-record.pdf"}
        assert {u["channel"] for u in new.values()} == {"D" + user.id.removeprefix("U")}  # their DM
        reader = PdfReader(io.BytesIO(new["D-1-record.pdf"]["bytes"]))
        pdf = "\n".join(page.extract_text() for page in reader.pages)
        attached = reader.attachments[ATTACHMENT][0].decode()
        return "\n".join((new["D-1-record.md"]["content"], pdf, attached)), answer

    internal = ("INTERNAL-LESSON", "INTERNAL-FEEDBACK", "lessons.recorded")
    for user in (SAM, User("U0ADA", SAM.team_id, "ada")):  # the provider side, a workspace admin
        document, answer = export(user)
        assert all(marker in document for marker in internal) and "full record" in answer
    document, answer = export(CORA)  # the client side: the record without the team's notes
    assert document is not None and "Settled by phone." in document
    assert not any(marker in document for marker in internal)
    # the Markdown file and the PDF both say so, in the organization's name
    assert document.count("This copy leaves out Studio's internal notes.") == 2
    assert "full record" not in answer
    for outsider in (CLIVE, GUEST):  # in the channel, but not a party: told privately, no file
        document, answer = export(outsider)
        assert document is None and "Only the parties to D-1 can export its record" in answer


def test_only_the_provider_side_and_admins_get_the_full_record():
    dispute = Dispute(team_id="T0HOST", number=1)
    dispute.parties = [Party(team_id="T0HOST", user_id="U0SAM", side="provider"),
                       Party(team_id="T0CLIENT", user_id="U0CORA", side="client"),
                       Party(team_id="T0HOST", user_id="U0GUEST", side="client"),
                       Party(team_id="T0HOST", user_id="U0SOL", side="mediator")]
    full = export_access.full_record_for
    assert full(dispute, Person("T0HOST", "U0SAM"), is_admin=False) is True
    assert full(dispute, Person("T0CLIENT", "U0CORA"), is_admin=False) is False
    assert full(dispute, Person("T0HOST", "U0GUEST"), is_admin=False) is False
    assert full(dispute, Person("T0HOST", "U0SOL"), is_admin=False) is False  # a mediator is neutral
    assert full(dispute, Person("T0HOST", "U0SOL"), is_admin=True) is True
    assert full(dispute, Person("T0HOST", "U0ADA"), is_admin=True) is True
    with pytest.raises(NotAllowed):
        full(dispute, Person("T0CLIENT", "U0CLIVE"), is_admin=True)  # another workspace's admin
    with pytest.raises(NotAllowed):
        full(dispute, Person("T0HOST", "U0NOBODY"), is_admin=False)


def test_an_admin_of_the_other_organization_gets_no_full_record(slack, fake_slack):
    """A slash command's team_id is the workspace it was run in, not the person's: whose admin
    someone is comes from users.info."""
    fake_slack.add_user("U0CADMIN", CORA.team_id, name="cadmin", admin=True)
    raise_dispute(slack, fake_slack, SAM, [CORA])
    slack.command(User("U0CADMIN", SAM.team_id, "cadmin"), "export D-1")  # body says T0HOST
    assert "Only the parties to D-1" in fake_slack.calls_to("response_url")[-1].args["text"]
    assert [u for u in fake_slack.uploads.values() if u.get("channel") == "D0CADMIN"] == []


def test_app_home_figures_are_only_for_the_host_team_and_each_sees_their_disputes(slack, fake_slack):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    for user in (SAM, CORA):  # Slack's app_home_opened names no team
        slack.event({"type": "app_home_opened", "user": user.id, "tab": "home", "channel": "D0X"})
    fake_slack.wait_until(lambda: len(fake_slack.calls_to("views.publish")) == 2, what="both Homes")
    homes = {c.args["user_id"]: text_of(c.args["view"]) for c in fake_slack.calls_to("views.publish")}
    assert "Your team, last 90 days" in homes[SAM.id]
    assert "Your team, last 90 days" not in homes[CORA.id]
    assert all("D-1 · Homepage delivered two weeks late" in home for home in homes.values())


@pytest.mark.parametrize("failure", [{"error": "internal_error"}, {"status": 503}])
def test_when_slack_refuses_the_export_s_files_the_person_is_told_and_can_try_again(
        slack, fake_slack, failure):
    raise_dispute(slack, fake_slack, SAM, [CORA])
    fake_slack.fail_next("files.completeUploadExternal", failure.get("error"),
                         status=failure.get("status", 200), times=5)  # past the client's retries
    assert slack.command(SAM, "export D-1").status == 200
    told = fake_slack.calls_to("response_url")[-1].args["text"]
    assert "something went wrong on Parley's side" in told and "try again" in told
    assert not any(u.get("channel") for u in fake_slack.uploads.values())  # nothing shared
    fake_slack.failures.clear()
    assert slack.command(SAM, "export D-1").status == 200
    shared = {u["filename"] for u in fake_slack.uploads.values() if u.get("channel") == "D0SAM"}
    assert shared == {"D-1-record.md", "D-1-record.pdf"}
