"""Settling the amount privately, end to end on SQLite and PostgreSQL: asked from the card's menu,
joined with a confirm dialog, limits sealed in private forms, the thread told only "settled at"
or "still apart"; the settled amount becomes the agreement. No limit ever reaches Slack."""

from __future__ import annotations

import io
import json
import logging
import os
import threading
from pathlib import Path

from pypdf import PdfReader

from sqlalchemy import select

from bot import ids
from bot.payloads import CardOption
from models import Agreement, Settlement
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import buttons, card_blocks, private_notes, text_of
from tests.integration.test_certificate import verify
from tests.support.slack_page import screenshot

ROOT = Path(__file__).resolve().parents[2]

LIMITS = ("813.37", "611.11", "655.55", "777.77", "401.01", "999.91", "402.02", "998.81")


def opened(slack, fake):
    """Sam (Studio) raises D-1 (1,250.50 EUR in question) with Cora and Clive (Client Co)."""
    return raise_dispute(slack, fake, SAM, [CORA, CLIVE])["welcome"]["thread_ts"]


def settlement_message(fake, ts):
    [found] = [m for (c, _), m in list(fake.messages.items())
               if c == CHANNEL and m.get("thread_ts") == ts and m["text"].startswith("Settling the amount")]
    return found


def asked(slack, fake, ts, user=CORA, payer="provider"):
    """`user` asks from the card's menu; the studio would pay the client unless said."""
    dispute_id = json.loads(buttons(card_blocks(fake, CHANNEL, ts))[ids.CARD_MORE]["options"][0]["value"])["d"]
    before = len(fake.calls_to("views.open"))
    slack.block_action(user, ids.CARD_MORE, option=CardOption(d=dispute_id, o="settle").encode())
    view = fake.wait_for("views.open", before + 1)[-1].args["view"]
    amount = next(b for b in view["blocks"] if b.get("block_id") == ids.B_ST_AMOUNT)
    assert amount["element"]["initial_value"] == "1250.50"  # the dispute's amount in question
    reply = slack.view_submission(user, view, {ids.B_ST_PAYER: payer, ids.B_ST_CURRENCY: "EUR",
                                               ids.B_ST_AMOUNT: "1250.50"})
    assert reply.status == 200 and reply.body == "", reply
    fake.wait_until(lambda: any(m["text"].startswith("Settling the amount") for m in list(fake.messages.values())),
                    what="the settlement's message")
    return settlement_message(fake, ts)


def click_on(slack, fake, ts, user, action_id):
    message = settlement_message(fake, ts)
    element = buttons(message["blocks"])[action_id]
    return slack.block_action(user, action_id, element["value"])


def seal(slack, fake, ts, user, amount):
    """Open the limit form from the thread's message, seal `amount`; Parley's private word."""
    before = len(fake.calls_to("views.open"))
    told = len(fake.calls_to("chat.postEphemeral"))
    click_on(slack, fake, ts, user, ids.SETTLE_LIMIT)
    view = fake.wait_for("views.open", before + 1)[-1].args["view"]
    reply = slack.view_submission(user, view, {ids.B_ST_LIMIT: amount})
    assert reply.status == 200 and reply.body == "", reply
    return fake.wait_for("chat.postEphemeral", told + 1)[-1].args["text"]


def joined(slack, fake, ts):
    message = asked(slack, fake, ts)
    said = text_of(message["blocks"])
    assert "Cora (Client Co) asked to settle the amount privately" in said and "<@U0SAM>" in said
    join = buttons(message["blocks"])[ids.SETTLE_JOIN]
    assert "halfway between the two" in join["confirm"]["text"]["text"]  # what an overlap does
    click_on(slack, fake, ts, SAM, ids.SETTLE_JOIN)
    fake.wait_until(lambda: "Round 1 of 3" in text_of(settlement_message(fake, ts)["blocks"]), what="round 1")


def no_limit_reached_slack(fake, *limits):
    """Nothing Parley sent holds a limit: no message, update, ephemeral, DM, Home view or file.
    (The one exception: a side's own limit form, opened for that side's approver, reminds them
    of their side's last limit.)"""
    everything = text_of([c.args for c in fake.calls if not (
        c.method == "views.open" and (c.args.get("view") or {}).get("callback_id") == ids.SETTLE_LIMIT_MODAL)])
    for limit in limits:
        assert limit not in everything and limit.replace(".", ",") not in everything, limit


def test_an_overlap_in_round_one_becomes_the_agreement(slack, fake_slack, db, database_url, tmp_path):
    ts = opened(slack, fake_slack)
    joined(slack, fake_slack, ts)
    assert "sealed" in seal(slack, fake_slack, ts, SAM, "813.37")  # the studio pays at most
    said = text_of(settlement_message(fake_slack, ts)["blocks"])
    assert "In for this round: Studio." in said and "<@U0SAM>" not in said  # only who must act
    assert "Settled privately at 712.24 EUR" in seal(slack, fake_slack, ts, CORA, "611.11")
    fake_slack.wait_until(lambda: "Settled privately at *712.24 EUR*" in text_of(
        settlement_message(fake_slack, ts)["blocks"]), what="the settled message")
    with db.read() as session:
        found = session.scalars(select(Settlement)).one()
        assert (found.status, str(found.settled_amount)) == ("settled", "712.24")
        agreement = session.scalars(select(Agreement)).one()
        assert (agreement.status, str(agreement.amount), agreement.currency) == ("ratified", "712.24", "EUR")
    # the certificate says how the amount was found, and shows only it
    fake_slack.wait_until(lambda: any(u["filename"].endswith("certificate.pdf") and u["content"] is not None
                                      for u in fake_slack.uploads.values()), what="the certificate")
    certificate = next(u for u in fake_slack.uploads.values() if u["filename"].endswith("certificate.pdf"))
    words = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(certificate["bytes"])).pages).split())
    assert "712.24 EUR" in words and "This amount was settled privately" in words
    assert "813.37" not in words and "611.11" not in words
    (tmp_path / "certificate.pdf").write_bytes(certificate["bytes"])
    checked = verify(database_url, tmp_path / "certificate.pdf")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    no_limit_reached_slack(fake_slack, "813.37", "611.11")


def test_still_apart_then_settled_in_round_two(slack, fake_slack, db, tmp_path):
    ts = opened(slack, fake_slack)
    joined(slack, fake_slack, ts)
    seal(slack, fake_slack, ts, SAM, "401.01")
    assert "Still apart" in seal(slack, fake_slack, ts, CORA, "999.91")
    fake_slack.wait_until(lambda: "Round 2 of 3" in text_of(settlement_message(fake_slack, ts)["blocks"]),
                          what="round 2")
    assert "Still apart after round 1." in text_of(settlement_message(fake_slack, ts)["blocks"])
    # How the thread reads (docs/screenshots with PARLEY_SCREENSHOTS=docs, `make screenshots`)
    where = ROOT / "docs" / "screenshots" if os.environ.get("PARLEY_SCREENSHOTS") == "docs" else tmp_path
    screenshot(fake_slack, CHANNEL, ts, where / "thread-settling.png")
    seal(slack, fake_slack, ts, SAM, "777.77")
    assert "Settled privately at 716.66 EUR" in seal(slack, fake_slack, ts, CORA, "655.55")
    no_limit_reached_slack(fake_slack, "401.01", "999.91", "777.77", "655.55")


def test_still_apart_after_the_last_round_settles_nothing(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    joined(slack, fake_slack, ts)
    for pays, accepts in (("401.01", "999.91"), ("402.02", "998.81"), ("402.02", "998.81")):
        seal(slack, fake_slack, ts, SAM, pays)
        last = seal(slack, fake_slack, ts, CORA, accepts)
    assert "after the last round" in last
    fake_slack.wait_until(lambda: "still apart after the last round" in text_of(
        settlement_message(fake_slack, ts)["blocks"]), what="the end")
    with db.read() as session:
        assert session.scalars(select(Agreement)).all() == []
    no_limit_reached_slack(fake_slack, "401.01", "999.91", "402.02", "998.81")


def test_who_may_not_and_an_old_button_are_answered_privately(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    message = json.loads(json.dumps(asked(slack, fake_slack, ts)))  # as it was then
    click_on(slack, fake_slack, ts, CLIVE, ids.SETTLE_JOIN)  # Cora's own side cannot answer it
    assert "your side asked" in private_notes(fake_slack)[-1]
    click_on(slack, fake_slack, ts, SAM, ids.SETTLE_JOIN)
    fake_slack.wait_until(lambda: "Round 1" in text_of(settlement_message(fake_slack, ts)["blocks"]), what="round 1")
    # the first message's Join button, clicked again later: answered privately, nothing changes
    slack.block_action(SAM, ids.SETTLE_JOIN, buttons(message["blocks"])[ids.SETTLE_JOIN]["value"])
    assert "no longer waiting" in private_notes(fake_slack)[-1]
    fake_slack.add_user(SOL.id, SOL.team_id, name="sol")
    before = len(fake_slack.calls_to("views.open"))
    click_on(slack, fake_slack, ts, SOL, ids.SETTLE_LIMIT)  # not a party at all
    assert len(fake_slack.calls_to("views.open")) == before
    # a limit that cannot be taken is refused in the form
    click_on(slack, fake_slack, ts, SAM, ids.SETTLE_LIMIT)
    view = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    for typed, why in (("-3", "more than zero"), ("lots", "in numbers"), ("999999", "100 times")):
        reply = slack.view_submission(SAM, view, {ids.B_ST_LIMIT: typed})
        assert why in reply.json()["errors"][ids.B_ST_LIMIT], typed


def test_both_sides_sealing_at_the_same_instant_make_one_outcome(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    joined(slack, fake_slack, ts)
    views = {}
    for user in (SAM, CORA):
        before = len(fake_slack.calls_to("views.open"))
        click_on(slack, fake_slack, ts, user, ids.SETTLE_LIMIT)
        views[user.id] = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    start = threading.Barrier(2)
    replies = []

    def submit(user, amount):
        start.wait()
        replies.append(slack.view_submission(user, views[user.id], {ids.B_ST_LIMIT: amount}))

    threads = [threading.Thread(target=submit, args=a) for a in ((SAM, "813.37"), (CORA, "611.11"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [r.status for r in replies] == [200, 200]
    fake_slack.wait_until(lambda: "Settled privately" in text_of(settlement_message(fake_slack, ts)["blocks"]),
                          what="one outcome")
    with db.read() as session:
        assert len(session.scalars(select(Agreement)).all()) == 1


def test_no_limit_in_any_log_line_even_at_debug(slack, fake_slack, db, caplog):
    caplog.set_level(logging.DEBUG)  # what LOG_LEVEL=DEBUG does to the root logger
    ts = opened(slack, fake_slack)
    joined(slack, fake_slack, ts)
    seal(slack, fake_slack, ts, SAM, "401.01")
    seal(slack, fake_slack, ts, CORA, "999.91")
    seal(slack, fake_slack, ts, SAM, "813.37")
    seal(slack, fake_slack, ts, CORA, "611.11")
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.get_records("call"))
    assert "parley" in logged  # the log was captured …
    for limit in ("401.01", "999.91", "813.37", "611.11"):  # … and holds no limit
        assert limit not in logged, limit
    no_limit_reached_slack(fake_slack, "401.01", "999.91", "813.37", "611.11")
