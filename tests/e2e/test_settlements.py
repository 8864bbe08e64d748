"""Settling the amount privately, end to end on SQLite and PostgreSQL: asked from the card's menu,
joined with a confirm dialog, limits sealed in private forms, the thread told only "settled at"
or "still apart"; the settled amount becomes the agreement. No limit ever reaches Slack."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import threading
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pypdf import PdfReader

from sqlalchemy import select

from bot import ids
from bot.payloads import CardOption
from bot.services.people import Person
from bot.services.policy import set_policy
from models import Agreement, Settlement
from tests.conftest import CHANNEL, CLIVE, CORA, SAM, SOL
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import buttons, card_blocks, click_for_modal, private_notes, text_of
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


def holds(text: str, amount: str) -> bool:
    """Whether `text` shows the amount as an amount (not as digits inside a Slack ts or an id),
    with or without a thousands separator."""
    whole, _, cents = amount.partition(".")
    grouped = f"{int(whole):,}"
    return any(re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", text)
               for form in {amount, f"{grouped}.{cents}", amount.replace(".", ",")})


def no_limit_reached_slack(fake, *limits):
    """Nothing Parley sent holds a limit: no message, update, ephemeral, DM, Home view or file.
    (The one exception: a side's own limit form, opened for that side's approver, reminds them
    of their side's last limit.)"""
    everything = text_of([c.args for c in fake.calls if not (
        c.method == "views.open" and (c.args.get("view") or {}).get("callback_id") == ids.SETTLE_LIMIT_MODAL)])
    for limit in limits:
        assert not holds(everything, limit), limit


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
        assert not holds(logged, limit), limit
    no_limit_reached_slack(fake_slack, "401.01", "999.91", "813.37", "611.11")


amounts = st.decimals(min_value=Decimal("100.01"), max_value=Decimal("2000"), places=2, allow_nan=False,
                      allow_infinity=False)


@given(st.lists(st.tuples(amounts, amounts), min_size=1, max_size=3))
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_any_limits_settle_within_both_and_never_show(slack, fake_slack, db, caplog, rounds):
    """Random limits over up to three rounds: a settled amount lies within both final limits, and
    no message, update, ephemeral, DM, Home view, file (the client side's export included) or log
    line holds a limit that is not the settled amount."""
    caplog.set_level(logging.DEBUG)
    first_call, first_record = len(fake_slack.calls), len(caplog.records)
    ts = opened(slack, fake_slack)
    joined(slack, fake_slack, ts)
    floor, ceiling, said, settled = Decimal("0"), Decimal("100000"), [], None
    for pays, accepts in rounds:
        pays, accepts = max(pays, floor), min(accepts, ceiling)  # in a new round, only toward each other
        floor, ceiling = pays, accepts
        seal(slack, fake_slack, ts, SAM, f"{pays:.2f}")
        note = seal(slack, fake_slack, ts, CORA, f"{accepts:.2f}")
        said += [f"{pays:.2f}", f"{accepts:.2f}"]
        if "Settled privately" in note:
            with db.read() as session:
                settled = session.scalars(select(Settlement).where(Settlement.status == "settled")
                                          .order_by(Settlement.id.desc())).first().settled_amount
            assert accepts <= settled <= pays
            break
        if "after the last round" in note:
            break
    reference = settlement_message(fake_slack, ts)["text"].split(" ")[-2]  # "… of D-3 privately"
    slack.command(CORA, f"export {reference}")
    for user in (SAM, CORA):  # and each one's App Home
        slack.event({"type": "app_home_opened", "user": user.id, "tab": "home"}, team_id=user.team_id)
    shown = text_of([c.args for c in fake_slack.calls[first_call:] if c.method != "upload" and not (
        c.method == "views.open" and (c.args.get("view") or {}).get("callback_id") == ids.SETTLE_LIMIT_MODAL)])
    # the export's words (its Markdown: the PDF holds the same record, and layout numbers of its own)
    shown += text_of([u["content"] for u in fake_slack.uploads.values() if u["filename"].endswith(".md")])
    logged = "\n".join(r.getMessage() for r in caplog.records[first_record:])
    for limit in said:
        if settled is None or limit != f"{settled:.2f}":
            assert not holds(shown, limit) and not holds(logged, limit), limit


def test_the_policy_sets_the_rounds_the_bands_and_the_rounding(slack, fake_slack, db):
    with db.transaction() as s:
        set_policy(s, "T0HOST", actor=Person(SAM.team_id, SAM.id), settle_rounds=1, settle_days=3,
                   settle_bands=True, settle_step="50")
    ts = opened(slack, fake_slack)
    asked(slack, fake_slack, ts)
    click_on(slack, fake_slack, ts, SAM, ids.SETTLE_JOIN)
    fake_slack.wait_until(lambda: "Round 1 of 1" in text_of(settlement_message(fake_slack, ts)["blocks"]),
                          what="one round")
    seal(slack, fake_slack, ts, SAM, "400.00")
    note = seal(slack, fake_slack, ts, CORA, "500.00")  # 100 short of 500: 20% apart
    assert "Still apart (10% to 25%) after the last round" in note
    # another dispute: an overlap of 510 to 640, settled on the policy's step of 50
    ts = opened(slack, fake_slack)
    asked(slack, fake_slack, ts)
    click_on(slack, fake_slack, ts, SAM, ids.SETTLE_JOIN)
    fake_slack.wait_until(lambda: "Round 1 of 1" in text_of(settlement_message(fake_slack, ts)["blocks"]),
                          what="one round")
    seal(slack, fake_slack, ts, SAM, "640.00")
    assert "Settled privately at 600 EUR" in seal(slack, fake_slack, ts, CORA, "510.00")


def test_from_the_proposal_form_s_compensation(slack, fake_slack, db):
    ts = opened(slack, fake_slack)
    form = click_for_modal(slack, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts), ids.PROPOSE)
    settle = buttons(form["blocks"])[ids.SETTLE_FROM_PROPOSAL]
    assert settle["text"]["text"] == "Not sure of the figure? Settle it privately"
    pushed = len(fake_slack.calls_to("views.push"))
    reply = slack.payload({
        "type": "block_actions", "user": {"id": CORA.id, "username": CORA.name, "team_id": CORA.team_id},
        "team": {"id": CORA.team_id, "domain": "x"}, "api_app_id": "A0PARLEY", "trigger_id": "trig-settle-1",
        "container": {"type": "view", "view_id": form.get("id") or "V1"},
        "view": {**form, "id": form.get("id") or "V1", "hash": "h1", "state": {"values": {
            ids.B_PR_SUMMARY: {ids.A_PR_SUMMARY: {"type": "plain_text_input", "value": "Redo the screens"}}}}},
        "actions": [{"type": "button", "action_id": ids.SETTLE_FROM_PROPOSAL, "block_id": "pr_settle",
                     "value": settle["value"], "action_ts": "1"}]})
    assert reply.status == 200
    view = fake_slack.wait_for("views.push", pushed + 1)[-1].args["view"]
    assert view["callback_id"] == ids.SETTLE_ASK_MODAL
    summary = next(b for b in view["blocks"] if b.get("block_id") == ids.B_ST_SUMMARY)
    assert summary["element"]["initial_value"] == "Redo the screens"  # what she had typed
    slack.view_submission(CORA, view, {ids.B_ST_PAYER: "provider", ids.B_ST_CURRENCY: "EUR",
                                       ids.B_ST_AMOUNT: "300", ids.B_ST_SUMMARY: "Redo the screens",
                                       ids.B_ST_DETAILS: "Both screens redone by Friday.",
                                       ids.B_ST_REMEDY: "redo"})
    fake_slack.wait_until(lambda: any(m["text"].startswith("Settling the amount") for m in list(fake_slack.messages.values())),
                          what="the settlement's message")
    assert "300 EUR" in text_of(settlement_message(fake_slack, ts)["blocks"])
    # the other side joins, both seal: the agreement has her proposal's words and the amount
    click_on(slack, fake_slack, ts, SAM, ids.SETTLE_JOIN)
    fake_slack.wait_until(lambda: "Round 1" in text_of(settlement_message(fake_slack, ts)["blocks"]), what="round 1")
    seal(slack, fake_slack, ts, SAM, "250.00")
    seal(slack, fake_slack, ts, CORA, "150.00")
    with db.read() as session:
        agreement = session.scalars(select(Agreement)).one()
        assert "Redo the screens" in agreement.terms and "Both screens redone by Friday." in agreement.terms
        assert (str(agreement.amount), agreement.currency) == ("200.00", "EUR")
