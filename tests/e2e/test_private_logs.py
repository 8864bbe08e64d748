"""At DEBUG, the log shows what Parley did, never what it said privately nor where it said it."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from bot import ids
from tests.conftest import CHANNEL, CORA, GUEST, SAM
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import card_blocks, click, click_for_modal

SEALED = "SEALED-PERSPECTIVE-TEXT"
HEATED = "THIS IS OUTRAGEOUS AND YOUR WORK IS GARBAGE!!! PRIVATE-DRAFT"


def test_debug_logs_hold_no_response_url_and_no_private_text(slack, fake_slack, db, caplog):
    caplog.set_level(logging.DEBUG)  # what LOG_LEVEL=DEBUG does to the root logger
    ts = raise_dispute(slack, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    card = card_blocks(fake_slack, CHANNEL, ts)
    view = click_for_modal(slack, fake_slack, SAM, card, ids.SHARE_PERSPECTIVE)
    slack.view_submission(SAM, view, {ids.B_P_HAPPENED: SEALED, ids.B_P_IMPACT: SEALED,
                                      ids.B_P_RESOLUTION: SEALED})  # sealed: only in the database
    view = click_for_modal(slack, fake_slack, SAM, card, ids.PROPOSE)
    reply = slack.view_submission(SAM, view, {ids.B_PR_SUMMARY: "Fix it", ids.B_PR_DETAILS: HEATED,
                                              ids.B_PR_REMEDY: "redo"})
    assert HEATED in reply.body  # the tone note came back in the modal, to the author only
    click(slack, fake_slack, GUEST, card, ids.SHARE_PERSPECTIVE)  # refused privately
    for text in ("help", "list", "export D-1"):
        slack.command(SAM, text)
    export = next(u["content"] for u in fake_slack.uploads.values() if u.get("content"))

    records = caplog.get_records("call")
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in records)
    assert any(r.levelno == logging.DEBUG and r.name == "parley.slack" for r in records)
    assert "chat.postEphemeral" in logged or "response_url" in logged  # calls are logged …
    assert "/respond/" not in logged  # … but not where a private answer went
    for private in (SEALED, "PRIVATE-DRAFT", "Only the parties", "opens a form to raise a dispute",
                    export.splitlines()[0]):
        assert private not in logged, private


def test_an_unreachable_response_url_is_logged_without_its_address(slack, caplog):
    caplog.set_level(logging.DEBUG)
    secret_path = "/respond/T0HOST/1234/SECRET-HOOK"
    body = {"command": "/dispute", "text": "help", "team_id": SAM.team_id, "user_id": SAM.id,
            "channel_id": CHANNEL, "trigger_id": "13345224609.9.x",
            "response_url": "http://127.0.0.1:1" + secret_path}  # nothing listens on port 1
    assert slack.post(urlencode(body)).status == 200
    records = caplog.get_records("call")
    assert any("response_url was not delivered" in r.getMessage() for r in records)
    assert not any("SECRET-HOOK" in r.getMessage() for r in records)
    assert [r for r in records if r.exc_info or r.levelno >= logging.ERROR] == []
