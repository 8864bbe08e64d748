"""Written agreements, end to end: draft from an accepted proposal, approve with buttons (one
person from each organization), request changes, new versions, ratification, the file."""

from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import select

from bot import ids
from bot.payloads import AgreementButton, decode
from bot.records.agreement import ATTACHMENT
from models import Agreement, Approval, AuditEvent, CheckIn, Dispute, OutboxMessage
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.agreement_steps import DUE, post_agreement, proposal_to_draft
from tests.e2e.threads import (
    buttons,
    card_blocks,
    click,
    last_update,
    private_notes,
    text_of,
    thread_posts,
)
from tests.support.waiting import eventually


def test_the_whole_path_to_an_agreement_in_effect(slack, fake_slack, db):
    """The way through approvals (an agreement written rather than accepted: a mediator's, say):
    one person of each organization approves, and it takes effect with one post."""
    ts, note = proposal_to_draft(slack, fake_slack)
    assert ids.DRAFT_AGREEMENT in buttons(note["blocks"])
    view, message = post_agreement(slack, fake_slack, CORA, note["blocks"])
    terms = next(b for b in view["blocks"] if b.get("block_id") == ids.B_AG_TERMS)
    assert terms["element"]["initial_value"].startswith("Redo the checkout screens")
    assert text_of(view).count(DUE) == 1  # the action item came over from the proposal
    body = text_of(message["blocks"])
    assert message["text"] == "Agreement v1 for D-1"
    assert "250 EUR" in body and "Redo the screens" in body and "No approvals yet." in body
    assert "one person from Studio" in body and "one person from Client Co" in body
    assert "Each approval is tied to this exact wording" in body and "hash" not in body
    # who must act is mentioned: both organizations' people, not Cora, who just wrote it
    assert f"<@{SAM.id}> and <@{CLIVE.id}>: please read it, then approve it" in body
    assert f"<@{CORA.id}>" not in body
    value = decode(AgreementButton, buttons(message["blocks"])[ids.APPROVE_AGREEMENT]["value"])
    with db.read() as session:
        agreement = session.scalars(select(Agreement)).one()
        assert value.h == agreement.content_hash
        assert session.scalars(select(Dispute)).one().status == "agreement_pending"

    click(slack, fake_slack, SAM, message["blocks"], ids.APPROVE_AGREEMENT)
    live = text_of(last_update(fake_slack, "Agreement v1"))
    assert "Sam (Studio)" in live and "one person from Client Co" in live
    # the card's Next line says whose approval it still waits for
    assert "The agreement waits for Client Co's approval" in text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "one person from Studio" not in live and f'"<@{CLIVE.id}>: please read it' in live
    assert "Your approval of Agreement v1 is recorded" in private_notes(fake_slack)[-1]

    click(slack, fake_slack, SOL, message["blocks"], ids.APPROVE_AGREEMENT)  # not a party
    assert "Only the parties to D-1 can approve the agreement" in private_notes(fake_slack)[-1]

    click(slack, fake_slack, CLIVE, message["blocks"], ids.APPROVE_AGREEMENT)
    # One post says it is in effect, with the agreement's PDF attached; no Markdown file.
    effect = fake_slack.messages_in(CHANNEL, ts)[-1]
    assert effect["text"] == "" and effect["files"]
    said = text_of(effect["blocks"])
    assert "Studio and Client Co agreed on D-1" in said and "It is attached as a PDF" in said
    assert "Sam (Studio)" in said and "Clive (Client Co)" in said and "hash" not in said
    assert [u["filename"] for u in fake_slack.uploads.values()] == ["D-1-agreement-v1-certificate.pdf"]
    card = text_of(card_blocks(fake_slack, CHANNEL, ts))
    assert "Agreed" in card and ids.SHARE_PERSPECTIVE not in card
    assert "Parley checks in with both sides on" in card
    slack.command(SAM, "list")
    assert "next check-in" in text_of(fake_slack.calls_to("response_url")[-1].args["blocks"])
    certificate = next(iter(fake_slack.uploads.values()))
    assert certificate["channel"] == CHANNEL and certificate["thread_ts"] == ts
    # "How to check this record" tells whoever asks, privately, what the PDF witnesses
    click(slack, fake_slack, CORA, effect["blocks"], ids.HOW_TO_CHECK)
    check = private_notes(fake_slack)[-1]
    with db.read() as session:
        agreement = session.scalars(select(Agreement)).one()
        head = session.scalars(select(AuditEvent).where(AuditEvent.kind == "agreement.ratified")).one()
        assert agreement.status == "ratified" and agreement.file_id in fake_slack.uploads
        assert agreement.content_hash in check and "parley verify" in check
        pdf = PdfReader(io.BytesIO(certificate["bytes"]))
        record = json.loads(pdf.attachments[ATTACHMENT][0])
        assert record["agreement"]["content_hash"] == agreement.content_hash
        assert record["audit_trail_head"] in check  # the head the PDF in the thread carries
        assert session.scalars(select(AuditEvent).where(
            AuditEvent.hash == record["audit_trail_head"])).one().id >= head.id
        assert [(a["name"], a["organization"]) for a in record["approvals"]] == [
            ("Sam", "Studio"), ("Clive", "Client Co")]
        assert session.scalars(select(Dispute)).one().status == "agreed"
        assert len(session.scalars(select(CheckIn)).all()) == 3  # 7 days, 30 days, the item's due date
        assert [e.kind for e in session.scalars(select(AuditEvent))].count("agreement.ratified") == 1
    # buttons of the ratified version answer privately and change nothing
    click(slack, fake_slack, CORA, message["blocks"], ids.APPROVE_AGREEMENT)
    assert "already in effect" in private_notes(fake_slack)[-1]
    click(slack, fake_slack, CORA, message["blocks"], ids.EDIT_AGREEMENT)
    assert "can no longer change" in private_notes(fake_slack)[-1]
    with db.read() as session:
        assert len(session.scalars(select(Approval)).all()) == 2


def test_accepting_a_changed_proposal_and_changes_from_it_are_shown(slack, fake_slack, db):
    """An agreement written from a proposal says plainly what it changed ("250 EUR → 1,200
    EUR"), so nobody approves a change without seeing it."""
    ts, note = proposal_to_draft(slack, fake_slack)
    _, message = post_agreement(slack, fake_slack, SAM, note["blocks"], answers={ids.B_AG_AMOUNT: "1200"})
    said = text_of(message["blocks"])
    assert "Changed from the accepted proposal" in said and "250 EUR → 1,200 EUR" in said


def test_request_changes_then_a_new_version_restarts_approvals(slack, fake_slack, db):
    ts, note = proposal_to_draft(slack, fake_slack)
    _, v1 = post_agreement(slack, fake_slack, SAM, note["blocks"])
    click(slack, fake_slack, SAM, v1["blocks"], ids.APPROVE_AGREEMENT)
    view = None
    before = len(fake_slack.calls_to("views.open"))
    click(slack, fake_slack, CORA, v1["blocks"], ids.REQUEST_CHANGES)
    view = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    slack.view_submission(CORA, view, {ids.B_CHANGES: "The credit should be 15%."})
    assert thread_posts(fake_slack, ts)[-1]["text"].startswith(
        "Cora (Client Co) asked for changes to Agreement v1:")
    edit_view, v2 = post_agreement(slack, fake_slack, SAM, v1["blocks"], ids.EDIT_AGREEMENT,
                                   {ids.B_AG_AMOUNT: "375"})
    assert "version 2" in text_of(edit_view)
    assert v2["text"] == "Agreement v2 for D-1" and "375 EUR" in text_of(v2["blocks"])
    assert "No approvals yet." in text_of(v2["blocks"])  # approvals start again
    superseded = fake_slack.calls_to("chat.update")[-2].args
    assert "Superseded by v2" in text_of(superseded["blocks"])
    # the v1 button (with v1's hash) no longer approves anything
    click(slack, fake_slack, CORA, v1["blocks"], ids.APPROVE_AGREEMENT)
    assert "was superseded by v2" in private_notes(fake_slack)[-1]
    click(slack, fake_slack, SAM, v2["blocks"], ids.APPROVE_AGREEMENT)
    click(slack, fake_slack, CORA, v2["blocks"], ids.APPROVE_AGREEMENT)
    with db.read() as session:
        rows = {a.version: a.status for a in session.scalars(select(Agreement))}
        assert rows == {1: "superseded", 2: "ratified"}
        v2_row = session.scalars(select(Agreement).where(Agreement.version == 2)).one()
        assert {a.content_hash for a in v2_row.approvals} == {v2_row.content_hash}


def test_same_organization_cannot_complete_alone(slack, fake_slack, db):
    ts, note = proposal_to_draft(slack, fake_slack)
    _, message = post_agreement(slack, fake_slack, CORA, note["blocks"])
    click(slack, fake_slack, CORA, message["blocks"], ids.APPROVE_AGREEMENT)
    click(slack, fake_slack, CLIVE, message["blocks"], ids.APPROVE_AGREEMENT)
    click(slack, fake_slack, CORA, message["blocks"], ids.APPROVE_AGREEMENT)  # double click
    assert "already approved" in private_notes(fake_slack)[-1]
    with db.read() as session:
        agreement = session.scalars(select(Agreement)).one()
        assert agreement.status == "pending" and len(agreement.approvals) == 2
    assert "one person from Studio" in text_of(last_update(fake_slack, "Agreement v1"))


def test_show_command_lists_the_agreement_and_approvals(slack, fake_slack):
    ts, note = proposal_to_draft(slack, fake_slack)
    _, message = post_agreement(slack, fake_slack, SAM, note["blocks"])
    click(slack, fake_slack, SAM, message["blocks"], ids.APPROVE_AGREEMENT)
    slack.command(SAM, "show D-1")
    answer = fake_slack.calls_to("response_url")[-1].args
    text = text_of(answer["blocks"])
    assert answer["response_type"] == "ephemeral"
    assert "D-1" in text and "Agreement v1" in text and "Sam (Studio)" in text
    slack.command(SAM, "show D-9")
    assert "There is no dispute D-9" in fake_slack.calls_to("response_url")[-1].args["text"]


def test_agreement_form_validation(slack, fake_slack, db):
    ts, note = proposal_to_draft(slack, fake_slack)
    view = None
    before = len(fake_slack.calls_to("views.open"))
    click(slack, fake_slack, SAM, note["blocks"], ids.DRAFT_AGREEMENT)
    view = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    reply = slack.view_submission(SAM, view, {ids.B_AG_TERMS: "", ids.B_AG_AMOUNT: "abc",
                                              ids.B_AG_CURRENCY: "EUR", "item_text_0": "x",
                                              "item_owner_0": SAM.id, "item_due_0": "2001-01-01"})
    errors = reply.json()["errors"]
    assert set(errors) == {ids.B_AG_TERMS, ids.B_AG_AMOUNT, "item_due_0"}
    with db.read() as session:
        assert session.scalars(select(Agreement)).all() == []


def test_show_is_for_parties_or_people_in_the_channel(slack, fake_slack):
    proposal_to_draft(slack, fake_slack)
    fake_slack.add_channel("C0ELSEWHERE")
    slack.command(SOL, "show D-1", channel="C0ELSEWHERE")
    assert "Only the parties to D-1" in fake_slack.calls_to("response_url")[-1].args["text"]
    slack.command(SOL, "show D-1")  # in the dispute's channel
    assert "blocks" in fake_slack.calls_to("response_url")[-1].args
    slack.command(SAM, "show D-1", channel="D0DM", channel_name="directmessage")
    assert "blocks" in fake_slack.calls_to("response_url")[-1].args


def test_when_the_thread_refuses_files_the_agreement_is_written_there_and_sent_to_each_approver(
        slack, fake_slack, db):
    ts, note = proposal_to_draft(slack, fake_slack)
    _, message = post_agreement(slack, fake_slack, CORA, note["blocks"])
    click(slack, fake_slack, SAM, message["blocks"], ids.APPROVE_AGREEMENT)
    # An admin turned file uploads off for Slack Connect channels: the PDF is refused there
    fake_slack.fail_next("files.completeUploadExternal", "restricted_action")
    click(slack, fake_slack, CLIVE, message["blocks"], ids.APPROVE_AGREEMENT)
    written = next(p for p in wait_for_posts(fake_slack, ts) if "agreed on D-1" in p["text"])
    body = text_of(written["blocks"])
    assert "written out" in body and "attached" not in body
    assert "Redo the checkout screens" in body  # the terms, in writing
    assert "Redo the screens" in body and "Sam (Studio)" in body  # the action item and its owner
    with db.read() as session:
        agreement = session.scalars(select(Agreement)).one()
    fake_slack.wait_for("files.completeUploadExternal", 3)
    copies = sorted((u["channel"], u["filename"]) for u in fake_slack.uploads.values()
                    if (u.get("channel") or "").startswith("D"))
    assert copies == [("D0CLIVE", "D-1-agreement-v1-certificate.pdf"),
                      ("D0SAM", "D-1-agreement-v1-certificate.pdf")]  # one for each approver
    dm = next(u for u in fake_slack.uploads.values() if u.get("channel") == "D0SAM")
    assert "Slack did not take files in D-1's thread" in dm["comment"]
    assert json.loads(PdfReader(io.BytesIO(dm["bytes"])).attachments[ATTACHMENT][0])[
        "agreement"]["content_hash"] == agreement.content_hash
    with db.read() as session:  # nobody is told of the refused file: the agreement got through
        rows = {r.kind: r for r in session.scalars(select(OutboxMessage))}
        assert "notice.failed" not in rows
        # ...but Clive would be, had the written-out message failed too
        assert rows["agreement.in_effect.text"].notify_user == CLIVE.id


def wait_for_posts(fake, ts, count_with=lambda posts: any("agreed on D-1" in p["text"] for p in posts)):
    eventually(lambda: count_with(thread_posts(fake, ts)), what="the agreement written out")
    return thread_posts(fake, ts)
