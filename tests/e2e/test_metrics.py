"""GET /metrics: Prometheus text that moves with what people do and with what Slack answers."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

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


def test_the_pool_gauge_counts_connections_in_use(slack, parley):
    key = ("parley_db_connections_in_use", ())
    idle = scrape(slack.app_url)[key]
    with parley.db.engine.connect():
        assert scrape(slack.app_url)[key] == idle + 1
    assert scrape(slack.app_url)[key] == idle


def test_the_records_are_read_once_per_interval(slack, fake_slack, parley):
    parley.wsgi.metrics.collector.fresh_for = 60.0
    first = scrape(slack.app_url)
    raise_dispute(slack, fake_slack, SAM, [CORA])
    again = scrape(slack.app_url)  # within the interval: the same figures, no second read
    assert again[("parley_disputes_opened_total", ())] == first[("parley_disputes_opened_total", ())]
    assert again[("parley_metrics_query_seconds", ())] == first[("parley_metrics_query_seconds", ())]
    parley.wsgi.metrics.collector.fresh_for = 0.0
    assert scrape(slack.app_url)[("parley_disputes_opened_total", ())] == first[
        ("parley_disputes_opened_total", ())] + 1


def test_a_metrics_token_keeps_the_page_private(slack, parley):
    parley.wsgi.metrics_token = "s3cret"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
        request = urllib.request.Request(slack.app_url + "/metrics", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == 401
    request = urllib.request.Request(slack.app_url + "/metrics",
                                     headers={"Authorization": "Bearer s3cret"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200 and b"parley_database_up 1.0" in response.read()
