"""LOG_FORMAT=json lines carry the request they belong to: its id, the team, and the dispute's
reference once Parley knows it, in the request thread and in the work after the ack alike."""

from __future__ import annotations

import io
import json
import logging

from bot import ids
from bot.logs import JsonFormatter, TextFormatter
from tests.conftest import CORA, SAM
from tests.e2e.helpers import GOOD_ANSWERS, open_modal
from tests.fakeslack.server import HOST_TEAM


def test_json_lines_name_the_request_the_team_and_the_dispute(slack, fake_slack, caplog):
    caplog.set_level(logging.INFO)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    logging.getLogger().addHandler(handler)
    try:
        view = open_modal(slack, fake_slack, SAM)
        fake_slack.fail_next("chat.postMessage", status=503)  # logged by the work after the ack
        slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
        slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})  # a replay
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    failed = [e for e in lines if "attempt 1 failed" in e["message"]]
    replayed = [e for e in lines if "delivered again" in e["message"]]
    assert len(failed) == 1 and len(replayed) == 1
    assert failed[0]["team"] == HOST_TEAM and failed[0]["dispute"] == "D-1"
    assert replayed[0]["team"] == HOST_TEAM and "dispute" not in replayed[0]
    assert len(failed[0]["request"]) == 12 and failed[0]["request"] != replayed[0]["request"]


def test_text_lines_show_the_same_fields_before_the_message():
    from bot import logs

    record = logging.LogRecord("parley.test", logging.INFO, __file__, 1, "opened %s", ("D-7",), None)
    with logs.fields(request="abc123", team="T1"):
        line = TextFormatter().format(record)
    assert line.endswith("INFO parley.test: [request=abc123 team=T1] opened D-7")
    assert TextFormatter().format(record).endswith("INFO parley.test: opened D-7")
