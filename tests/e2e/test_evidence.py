"""Evidence end to end: files and Slack messages attached to a dispute, kept as Parley's own
copy, hashed in the audit trail, listed in one Evidence message, sealed with a perspective."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

from pypdf import PdfReader

from sqlalchemy import select

from bot import ids
from models import AuditEvent, EvidenceBlob, EvidenceItem
from tests.conftest import CHANNEL, CLIVE, CORA, SAM
from tests.e2e.agreement_steps import proposal_to_draft
from tests.e2e.helpers import raise_dispute
from tests.e2e.test_perspectives import STORY
from tests.e2e.threads import card_blocks, click, click_for_modal, text_of, thread_posts
from tests.integration.test_certificate import verify
from tests.support.slack_page import screenshot

ROOT = Path(__file__).resolve().parents[2]

BRIEF = b"%PDF-1.4 the brief as approved on 3 March" + bytes(range(256)) * 40


def opened(slack, fake):
    return raise_dispute(slack, fake, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]


def add_evidence(slack, fake, user, ts, *, files=(), link=None, note=None):
    """Open Add evidence on the card, submit it, and wait for Parley's private word."""
    view = click_for_modal(slack, fake, user, card_blocks(fake, CHANNEL, ts), ids.ADD_EVIDENCE)
    told = len(fake.calls_to("chat.postEphemeral"))
    reply = slack.view_submission(
        user, view, {ids.B_EV_FILES: list(files), ids.B_EV_LINK: link, ids.B_EV_NOTE: note}
    )
    assert reply.status == 200 and reply.body == "", reply
    return fake.wait_for("chat.postEphemeral", told + 1)[-1].args["text"]


def evidence_posts(fake, ts):
    return [p for p in thread_posts(fake, ts) if p["text"].startswith("Evidence on record")]


def evidence_message(fake, ts):
    """The Evidence message as it reads now (posted once, then updated in place)."""
    [found] = [m for (c, _), m in list(fake.messages.items())
               if c == CHANNEL and m.get("thread_ts") == ts and m["text"].startswith("Evidence on record")]
    return found


def shown(fake, ts):
    return text_of(evidence_message(fake, ts)["blocks"])


def items(db):
    with db.read() as session:
        return [(i.label, i.name, i.status, i.sha256, i.side) for i in
                session.scalars(select(EvidenceItem).order_by(EvidenceItem.number))]


def test_a_file_is_kept_hashed_in_the_trail_and_listed_once(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    brief = fake_slack.add_file("brief-v2.pdf", BRIEF, team=CORA.team_id)
    said = add_evidence(slack, fake_slack, CORA, ts, files=[brief], note="The brief we approved")
    assert "Added to the record: brief-v2.pdf." in said
    sha = hashlib.sha256(BRIEF).hexdigest()
    assert items(db) == [("E1", "brief-v2.pdf", "kept", sha, "client")]
    with db.read() as session:
        assert session.get(EvidenceBlob, sha).data == BRIEF  # Parley's own copy
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.kind == "evidence.added"))
        assert event.payload["sha256"] == sha and event.payload["side"] == "client"
        assert (event.actor_team, event.actor_user) == (CORA.team_id, CORA.id)
        assert event.payload["source"] == "form" and event.payload["copied"] is True
    fake_slack.wait_until(lambda: len(evidence_posts(fake_slack, ts)) == 1, what="the Evidence message")
    listed = shown(fake_slack, ts)
    assert "brief-v2.pdf" in listed and "Cora (Client Co)" in listed and "The brief we approved" in listed
    assert "<@" not in listed  # nobody is mentioned

    # a second file: the same message, updated in place (no new post)
    posts = len(thread_posts(fake_slack, ts))
    invoice = fake_slack.add_file("invoice-114.pdf", b"%PDF invoice 114")
    add_evidence(slack, fake_slack, SAM, ts, files=[invoice])
    fake_slack.wait_until(lambda: "invoice-114.pdf" in shown(fake_slack, ts), what="the list's update")
    assert len(thread_posts(fake_slack, ts)) == posts
    # the same bytes again, under another name: one item
    again = fake_slack.add_file("copy of brief.pdf", BRIEF)
    said = add_evidence(slack, fake_slack, CLIVE, ts, files=[again])
    assert "Already on record" in said and "copy of brief.pdf" in said
    assert [i[0] for i in items(db)] == ["E1", "E2"]


def test_a_message_kept_by_the_shortcut_outlives_its_edit_and_deletion(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    plan = fake_slack.add_file("plan.pdf", b"%PDF the plan", team=CORA.team_id)
    said_ts = fake_slack.add_message(CHANNEL, "Agreed: the homepage is due on 3 March.", user=CORA.id,
                                     files=[plan])
    message = {"type": "message", "ts": said_ts, "user": CORA.id, "files": [plan],
               "text": "Agreed: the homepage is due on 3 March."}
    before = len(fake_slack.calls_to("views.open"))
    assert slack.message_shortcut(SAM, ids.EVIDENCE_SHORTCUT, message).status == 200
    view = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    picker = next(b for b in view["blocks"] if b.get("block_id") == ids.B_EV_DISPUTE)
    assert [o["text"]["text"] for o in picker["element"]["options"]][0].startswith("D-1 · ")
    told = len(fake_slack.calls_to("chat.postEphemeral"))
    reply = slack.view_submission(SAM, view, {ids.B_EV_DISPUTE: picker["element"]["options"][0]["value"],
                                              ids.B_EV_NOTE: "The deadline, in their words"})
    assert reply.status == 200 and reply.body == ""
    assert "Added to the record" in fake_slack.wait_for("chat.postEphemeral", told + 1)[-1].args["text"]
    # the message is edited, then deleted, in Slack: Parley's copy keeps what it said
    fake_slack.edit_message(CHANNEL, said_ts, "Agreed: the homepage is due whenever.")
    fake_slack.delete_message(CHANNEL, said_ts)
    with db.read() as session:
        item, its_file = session.scalars(select(EvidenceItem).order_by(EvidenceItem.number))
        assert (item.kind, item.status, item.side, item.source) == ("message", "kept", "provider", "shortcut")
        kept = json.loads(session.get(EvidenceBlob, item.sha256).data)
        assert (its_file.kind, its_file.name, its_file.status) == ("file", "plan.pdf", "kept")  # its file too
        assert session.get(EvidenceBlob, its_file.sha256).data == b"%PDF the plan"
    assert kept["text"] == "Agreed: the homepage is due on 3 March." and kept["files"] == ["plan.pdf"]
    assert kept["author"]["user_id"] == CORA.id and kept["ts"] == said_ts
    assert kept["permalink"].startswith("https://") and kept["posted_at"]


def test_a_pasted_link_to_a_deleted_message_is_told_and_recorded_as_a_link(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    link = "https://parley-test.slack.com/archives/C0SHARED/p1700000000123456"
    said = add_evidence(slack, fake_slack, CORA, ts, link=link)
    assert "Not copied" in said and "could not find that message" in said and "link only" in said
    [(label, _, status, sha, _)] = items(db)
    assert (label, status, sha) == ("E1", "not_copied", None)
    with db.read() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.kind == "evidence.added"))
        assert event.payload["copied"] is False and event.payload["link"] == link
    fake_slack.wait_until(lambda: evidence_posts(fake_slack, ts), what="the Evidence message")
    assert "not copied" in shown(fake_slack, ts)


def test_a_link_to_a_channel_parley_is_not_in_is_told_and_recorded_as_a_link(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    fake_slack.add_channel("C0WITHOUT", is_member=False)  # shared with the client, Parley not in it
    said_ts = fake_slack.add_message("C0WITHOUT", "The sign-off.", user=CORA.id)
    said = add_evidence(slack, fake_slack, CORA, ts,
                        link="https://parley-test.slack.com/archives/C0WITHOUT/p" + said_ts.replace(".", ""))
    assert "Parley is not in that channel" in said and "link only" in said
    assert items(db)[0][2] == "not_copied"


def test_a_file_slack_will_not_give_is_told_and_recorded_as_not_copied(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    theirs = fake_slack.add_file("their-notes.docx", b"PK\x03\x04 notes", team=CORA.team_id,
                                 readers={CORA.team_id})  # Parley's token (the studio's) may not read it
    said = add_evidence(slack, fake_slack, CORA, ts, files=[theirs])
    assert "Not copied: their-notes.docx" in said and "would not give Parley a copy" in said
    assert items(db) == [("E1", "their-notes.docx", "not_copied", None, "client")]
    # a token that may read the file's metadata but gets Slack's sign-in page for its bytes
    lying = fake_slack.add_file("mockups.zip", b"PK\x03\x04 mockups", size=999)
    said = add_evidence(slack, fake_slack, CORA, ts, files=[lying])
    assert "Not copied: mockups.zip" in said
    # an app not yet reinstalled with files:read
    fake_slack.fail_next("files.info", "missing_scope")
    said = add_evidence(slack, fake_slack, CORA, ts, files=[fake_slack.add_file("scope.pdf", b"%PDF")])
    assert "not yet allowed to read files" in said and "updating the app" in said


def test_a_file_over_the_limit_is_refused_in_the_form_with_the_limit_named(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    huge = fake_slack.add_file("raw-footage.mov", b"x", size=11 * 1024 * 1024)
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.ADD_EVIDENCE)
    reply = slack.view_submission(CORA, view, {ids.B_EV_FILES: [huge]})
    errors = reply.json()["errors"]
    assert "raw-footage.mov is 11.0 MB" in errors[ids.B_EV_FILES] and "10 MB" in errors[ids.B_EV_FILES]
    reply = slack.view_submission(CORA, view, {})
    assert reply.json()["errors"][ids.B_EV_FILES].startswith("Attach a file, or paste a link")
    reply = slack.view_submission(CORA, view, {ids.B_EV_LINK: "not a link"})
    assert "Copy link" in reply.json()["errors"][ids.B_EV_LINK]
    assert items(db) == [] and fake_slack.calls_to("files.info") == []


def test_a_file_with_a_sealed_perspective_stays_sealed_until_both_have_shared(slack, fake_slack, db,
                                                                             database_url, tmp_path):
    ts = opened(slack, fake_slack)  # Sam's account is his side's sealed perspective
    sheets = b"PK\x03\x04 timesheets"
    secret = fake_slack.add_file("timesheets-march.xlsx", sheets)
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    files = next(b for b in view["blocks"] if b.get("block_id") == ids.B_P_FILES)
    assert "sealed with your side" in files["hint"]["text"]
    told = len(fake_slack.calls_to("chat.postEphemeral"))
    slack.view_submission(SAM, view, {**STORY, ids.B_P_FILES: [secret]})
    fake_slack.wait_for("chat.postEphemeral", told + 2)  # shared, then the file kept
    assert items(db)[0][2] == "kept"
    # he revises his side before the client has shared: the file goes with the new version
    view = click_for_modal(slack, fake_slack, SAM, card_blocks(fake_slack, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    told = len(fake_slack.calls_to("chat.postEphemeral"))
    slack.view_submission(SAM, view, {**STORY, ids.B_P_IMPACT: "Two weeks, not one."})
    fake_slack.wait_for("chat.postEphemeral", told + 1)
    fake_slack.wait_until(lambda: evidence_posts(fake_slack, ts), what="the Evidence message")
    everything_shared = text_of([c.args for c in fake_slack.calls if c.method in ("chat.postMessage", "chat.update")])
    assert "timesheets-march" not in everything_shared  # nothing the other side sees names it
    assert ":lock: 1 item from Studio's side, sealed with its account until both sides have shared." in shown(
        fake_slack, ts)
    # the client attaches the very same bytes: their own item, and nothing said of the sealed one
    same = fake_slack.add_file("our copy.xlsx", sheets, team=CORA.team_id)
    said = add_evidence(slack, fake_slack, CORA, ts, files=[same])
    assert "Added to the record: our copy.xlsx." in said and "Already" not in said
    assert [(i[0], i[4]) for i in items(db)] == [("E1", "provider"), ("E2", "client")]
    # an export now leaves the sealed file out (of the studio's own too), and still verifies
    slack.command(SAM, "export D-1")
    pdf = next(u for u in fake_slack.uploads.values() if u["filename"] == "D-1-record.pdf")
    record = json.loads(PdfReader(io.BytesIO(pdf["bytes"])).attachments["parley-record.json"][0])
    assert [e["item"] for e in record["evidence"]] == ["E2"]
    (tmp_path / "D-1-record.pdf").write_bytes(pdf["bytes"])
    assert verify(database_url, tmp_path / "D-1-record.pdf").returncode == 0
    # the client shares: the list names it now
    view = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.SHARE_PERSPECTIVE)
    told = len(fake_slack.calls_to("chat.postEphemeral"))
    slack.view_submission(CORA, view, STORY)
    fake_slack.wait_for("chat.postEphemeral", told + 1)
    fake_slack.wait_until(lambda: "timesheets-march.xlsx" in shown(fake_slack, ts), what="the reveal")
    assert "sealed" not in shown(fake_slack, ts)


def test_hostile_file_names_are_shown_as_text(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    pathy = fake_slack.add_file("../../etc/passwd", b"root:x:0:0")
    loud = fake_slack.add_file("<!channel> <@U0SAM> *urgent* \u202egpj.exe" + "x" * 1000,
                               b"MZ not really an image", mimetype="image/png")
    add_evidence(slack, fake_slack, CORA, ts, files=[pathy, loud])
    [(_, first, status, _, _), (_, second, _, _, _)] = items(db)
    assert status == "kept" and first == "passwd"
    assert "\u202e" not in second and len(second) == 200 and second.startswith("<!channel> <@U0SAM>")
    fake_slack.wait_until(lambda: evidence_posts(fake_slack, ts), what="the Evidence message")
    assert "<!channel>" not in text_of([c.args for c in fake_slack.calls])


def test_the_certificate_lists_evidence_and_an_export_bundle_verifies(slack, fake_slack, db, database_url,
                                                                      tmp_path):
    ts, drafting = proposal_to_draft(slack, fake_slack)
    brief = fake_slack.add_file("brief-v2.pdf", BRIEF, team=CORA.team_id)
    notes = fake_slack.add_file("call notes.txt", b"3 March: homepage due")
    add_evidence(slack, fake_slack, CORA, ts, files=[brief, notes])
    said_ts = fake_slack.add_message(CHANNEL, "Due on 3 March, agreed.", user=CORA.id)
    add_evidence(slack, fake_slack, SAM, ts, link=f"https://parley-test.slack.com/archives/{CHANNEL}/p"
                 + said_ts.replace(".", ""))
    fake_slack.wait_until(lambda: "E3" in shown(fake_slack, ts), what="the list's update")
    # How the thread reads now (docs/screenshots with PARLEY_SCREENSHOTS=docs, `make screenshots`)
    where = ROOT / "docs" / "screenshots" if os.environ.get("PARLEY_SCREENSHOTS") == "docs" else tmp_path
    screenshot(fake_slack, CHANNEL, ts, where / "thread-evidence.png")
    assert (where / "thread-evidence.png").stat().st_size > 20_000
    click(slack, fake_slack, CORA, drafting["proposal"]["blocks"], ids.ACCEPT_PROPOSAL)  # in effect
    fake_slack.wait_until(lambda: any(u["filename"].endswith("certificate.pdf") and u["content"] is not None
                                      for u in fake_slack.uploads.values()), what="the certificate")
    certificate = next(u for u in fake_slack.uploads.values() if u["filename"].endswith("certificate.pdf"))
    words = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate["bytes"])).pages).split())
    assert "Evidence on record" in words and "brief-v2.pdf" in words and "call notes.txt" in words
    assert hashlib.sha256(BRIEF).hexdigest() in words

    slack.command(SAM, "export D-1")
    bundle = next(u for u in fake_slack.uploads.values() if u["filename"] == "D-1-record-bundle.zip")
    assert bundle["channel"] == "D0SAM"
    good = tmp_path / "bundle.zip"
    good.write_bytes(bundle["bytes"])
    with zipfile.ZipFile(good) as z:
        names = z.namelist()
        assert z.read("evidence/E1-brief-v2.pdf") == BRIEF
    assert names == ["README.txt", "record.json", "record.pdf", "evidence/E1-brief-v2.pdf",
                     "evidence/E2-call_notes.txt", "evidence/E3-slack-message.json"]
    checked = verify(database_url, good)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "The bundle's 3 evidence files match the SHA-256 in the audit trail" in checked.stdout

    def altered(name, change):
        path = tmp_path / name
        with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as out:
            for info in source.infolist():
                data = change(info.filename, source.read(info))
                if data is not None:
                    out.writestr(info, data)
            if name == "added.zip":
                out.writestr("evidence/E9-extra.pdf", b"%PDF extra")
        done = verify(database_url, path)
        return done.returncode, done.stdout + done.stderr

    one_byte = altered("byte.zip", lambda n, d: (d[:-1] + bytes([d[-1] ^ 1])) if n.endswith("brief-v2.pdf") else d)
    assert one_byte == (1, 'The bundle\'s record matches Parley\'s, but the bundle "evidence/E1-brief-v2.pdf" '
                        'differs from the copy on record.\n')
    removed = altered("removed.zip", lambda n, d: None if n.endswith("call_notes.txt") else d)
    assert removed[0] == 1 and 'missing "evidence/E2-call_notes.txt"' in removed[1]
    def forged(n, d):  # a file swapped, and its fingerprint in record.json changed to match
        if n.endswith("brief-v2.pdf"):
            return b"%PDF another brief"
        if n == "record.json":
            return d.replace(hashlib.sha256(BRIEF).hexdigest().encode(),
                             hashlib.sha256(b"%PDF another brief").hexdigest().encode())
        return d

    swapped = altered("swapped.zip", forged)
    assert swapped[0] == 1 and "differs from Parley's record: the evidence" in swapped[1], swapped
    added = altered("added.zip", lambda n, d: d)
    assert added[0] == 1 and 'holds what its record does not list: "evidence/E9-extra.pdf"' in added[1]


def test_a_link_into_the_other_organization_s_internal_channel_is_not_read(slack, fake_slack, db):
    """Parley is in the studio's internal channels; the client's people cannot make it copy
    from them (the studio's own people can: it is theirs to share)."""
    ts = opened(slack, fake_slack)
    fake_slack.add_channel("C0INTERNAL", shared=False)
    said_ts = fake_slack.add_message("C0INTERNAL", "Internal: we missed the date, our fault.", user=SAM.id)
    link = "https://parley-test.slack.com/archives/C0INTERNAL/p" + said_ts.replace(".", "")
    said = add_evidence(slack, fake_slack, CORA, ts, link=link)
    assert "channel your organization is not in" in said
    assert not [c for c in fake_slack.calls if c.method in ("conversations.history", "conversations.replies")
                and c.args.get("channel") == "C0INTERNAL"]
    with db.read() as session:
        assert session.scalars(select(EvidenceBlob)).all() == []
    said = add_evidence(slack, fake_slack, SAM, ts, link=link)  # the studio shares its own
    assert "Added to the record" in said


def test_a_link_into_a_private_conversation_needs_the_reader_in_it(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    fake_slack.add_channel("C0LEADS", private=True, shared=False, members=["U0SOL"])  # Sam is not in it
    fake_slack.add_channel("C0MINE", private=True, shared=False, members=["U0SOL", SAM.id])
    theirs = fake_slack.add_message("C0LEADS", "Leads only: we underquoted.", user="U0SOL")
    mine = fake_slack.add_message("C0MINE", "The signed brief.", user="U0SOL")
    said = add_evidence(slack, fake_slack, SAM, ts,
                        link="https://parley-test.slack.com/archives/C0LEADS/p" + theirs.replace(".", ""))
    assert "private conversation you are not in" in said
    said = add_evidence(slack, fake_slack, SAM, ts,
                        link="https://parley-test.slack.com/archives/C0MINE/p" + mine.replace(".", ""))
    assert "Added to the record" in said
    with db.read() as session:
        kept = [json.loads(b.data)["text"] for b in session.scalars(select(EvidenceBlob))]
    assert kept == ["The signed brief."]
