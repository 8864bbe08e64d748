"""GET /metrics: Prometheus text that moves with what people do and with what Slack answers."""

from __future__ import annotations

from bot import ids
from tests.conftest import CORA, SAM
from tests.e2e.helpers import GOOD_ANSWERS, open_modal, raise_dispute
from tests.support.processes import scrape

OK_POSTS = ("parley_slack_api_calls_total", (("method", "chat.postMessage"), ("outcome", "ok")))
RATE_LIMITED = ("parley_slack_api_calls_total", (("method", "users.info"), ("outcome", "rate_limited")))
LOOKUPS = ("parley_slack_api_calls_total", (("method", "users.info"), ("outcome", "ok")))


def count(name: str, kind: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (f"{name}_count", (("kind", kind),))


def test_a_dispute_moves_the_metrics(slack, fake_slack, parley):
    before = scrape(slack.app_url)
    fake_slack.fail_next("users.info", status=429, retry_after=1)  # slack_sdk waits, then retries
    raise_dispute(slack, fake_slack, SAM, [CORA])
    after = scrape(slack.app_url)

    def moved(key: tuple[str, tuple[tuple[str, str], ...]]) -> float:
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved(("parley_disputes_opened_total", ())) == 1
    assert after[("parley_database_up", ())] == 1
    assert moved(count("parley_ack_seconds", "command")) == 1  # /dispute opened the modal
    assert moved(count("parley_ack_seconds", "view_submission")) == 1
    assert moved(count("parley_request_seconds", "view_submission")) == 1
    assert moved(OK_POSTS) == 2  # the card and the welcome
    assert moved(RATE_LIMITED) == 1
    assert moved(LOOKUPS) == len(fake_slack.calls_to("users.info")) - 1
    assert after[("parley_delivery_backlog", ())] == 0
    assert after[("parley_delivery_oldest_seconds", ())] == 0
    assert ("parley_db_connections_in_use", ()) in after
    assert moved(("parley_checkins_posted_total", ())) == 0


def test_the_backlog_and_its_age_show_what_slack_has_not_taken(slack, fake_slack, parley):
    view = open_modal(slack, fake_slack, SAM)
    fake_slack.fail_next("chat.postMessage", status=503, times=5)  # the card waits, its thread too
    reply = slack.view_submission(SAM, view, {**GOOD_ANSWERS, ids.B_PARTIES: [CORA.id]})
    assert reply.status == 200
    found = scrape(slack.app_url)
    assert found[("parley_delivery_backlog", ())] == 2  # the card and the welcome
    assert found[("parley_delivery_oldest_seconds", ())] > 0
    assert found[("parley_slack_api_calls_total",
                  (("method", "chat.postMessage"), ("outcome", "server_error")))] >= 1
