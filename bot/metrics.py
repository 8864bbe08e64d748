"""This process's Prometheus measurements (prometheus_client): ack and request latency, Slack Web
API calls, database connections in use. GET /metrics serves them with what the database says
(bot/http/metrics.py).

Under gunicorn every web process writes them to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets
it) and any of them answers for all; the worker serves its own on METRICS_PORT, when that is set.
Labels are bounded: a request's kind is one of the request types the envelope accepts, a Slack
method one of the few Parley calls."""

from __future__ import annotations

import logging
import re

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import Engine, event

log = logging.getLogger("parley.metrics")

# Slack wants an ack within 3 s: the buckets are fine below it and coarse beyond.
SECONDS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)

ACK_SECONDS = Histogram(
    "parley_ack_seconds",
    "Slack request received to its ack sent back (HTTP), by kind",
    ["kind"],
    buckets=SECONDS,
)
REQUEST_SECONDS = Histogram(
    "parley_request_seconds",
    "Slack request received to the end of the work after its ack (its messages delivered), by kind",
    ["kind"],
    buckets=SECONDS,
)
SLACK_CALLS = Counter(
    "parley_slack_api_calls_total",
    "Slack Web API calls, each attempt (retries included), by method and outcome: ok, error "
    "(Slack said ok=false), rate_limited (429), server_error (5xx), http_error, connection_error",
    ["method", "outcome"],
)
DB_IN_USE = Gauge(
    "parley_db_connections_in_use",
    "Database connections checked out of the pool",
    multiprocess_mode="livesum",
)

_METHOD = re.compile(r"[A-Za-z.]{1,64}")


def observe(histogram: Histogram, kind: str, seconds: float) -> None:
    """Measure; a failure to (a full disk under gunicorn's metrics directory) never fails the
    request it measures."""
    try:
        histogram.labels(kind).observe(seconds)
    except Exception:
        log.warning("could not record %s", histogram._name, exc_info=True)


def slack_call(url: str, outcome: str) -> None:
    method = url.split("?", 1)[0].rsplit("/", 1)[-1]
    try:
        SLACK_CALLS.labels(method if _METHOD.fullmatch(method) else "other", outcome).inc()
    except Exception:
        log.warning("could not count a Slack call", exc_info=True)


def failed_attempt(status: int | None) -> str:
    """The outcome label of an HTTP attempt Slack did not answer 2xx (None: no answer at all)."""
    if status is None:
        return "connection_error"
    if status == 429:
        return "rate_limited"
    return "server_error" if status >= 500 else "http_error"


def watch_pool(engine: Engine) -> None:
    """Count this engine's connections in use (checked out of its pool)."""
    event.listen(engine, "checkout", lambda *_: _add_in_use(1))
    event.listen(engine, "checkin", lambda *_: _add_in_use(-1))


def _add_in_use(change: int) -> None:
    try:
        DB_IN_USE.inc(change)
    except Exception:
        log.warning("could not count a database connection", exc_info=True)
