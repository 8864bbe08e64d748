"""GET /metrics: every process's measurements (bot/metrics.py), then what the records say, read
at each scrape (DatabaseCollector): disputes opened, agreed and resolved, check-ins posted and
failed, the outbox's backlog. Counted from the database, so the figures are the same whichever
process did the work, and they survive restarts.

Also the worker's own /metrics (serve_process_metrics). Both ask for METRICS_TOKEN when it is set
(authorized)."""

from __future__ import annotations

import hmac
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    make_wsgi_app,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.db import Database
from models import AuditEvent, CheckIn, OutboxMessage, utcnow
from models.checkin import CheckInStatus
from models.outbox import UNDELIVERED

log = logging.getLogger("parley.metrics")

CONTENT_TYPE = CONTENT_TYPE_LATEST
CHALLENGE = 'Bearer realm="metrics"'  # WWW-Authenticate, with a 401
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


# The records' figures are read at most this often per process (seconds): a scrape costs
# tens of milliseconds on a big database (docs/performance.md), and several scrapers, or a
# scrape of each web process, then cost one read.
RECORDS_FOR = 10.0


class DatabaseCollector(Collector):
    """What the records say, read in one short read at most every RECORDS_FOR seconds; one read
    at a time (a scrape that comes meanwhile waits for it and takes its figures)."""

    def __init__(self, db: Database, fresh_for: float = RECORDS_FOR) -> None:
        self.db = db
        self.fresh_for = fresh_for
        self._lock = threading.Lock()
        self._read_at: float | None = None
        self._figures: list[Metric] = []

    def collect(self) -> Iterator[Metric]:
        with self._lock:
            if self._read_at is None or time.monotonic() - self._read_at >= self.fresh_for:
                self._figures = list(self.read())
                self._read_at = time.monotonic()
            return iter(self._figures)

    def read(self) -> Iterator[Metric]:
        """The figures, read now."""
        started = time.monotonic()
        try:
            with self.db.read() as session:
                audit = dict(
                    session.execute(
                        select(AuditEvent.kind, func.count())
                        .where(AuditEvent.kind.in_(["dispute.opened", "agreement.ratified"]))
                        .group_by(AuditEvent.kind)
                    ).all()
                )
                resolved = session.scalar(
                    select(func.count()).where(
                        AuditEvent.kind == "dispute.status_changed",
                        AuditEvent.payload["new"].as_string() == "resolved",
                    )
                )
                checkins = dict(
                    session.execute(
                        select(CheckIn.status, func.count())
                        .where(
                            CheckIn.status.in_(
                                [CheckInStatus.POSTED, CheckInStatus.ANSWERED, CheckInStatus.FAILED]
                            )
                        )
                        .group_by(CheckIn.status)
                    ).all()
                )
                backlog, oldest = session.execute(
                    select(func.count(), func.min(OutboxMessage.created_at)).where(
                        OutboxMessage.status.in_(UNDELIVERED)
                    )
                ).one()
        except Exception:
            log.warning("metrics: the database did not answer", exc_info=True)
            yield GaugeMetricFamily("parley_database_up", "The database answered this scrape", 0)
            return
        yield GaugeMetricFamily("parley_database_up", "The database answered this scrape", 1)
        yield _counter("parley_disputes_opened", "Disputes opened", audit.get("dispute.opened", 0))
        yield _counter(
            "parley_disputes_agreed",
            "Agreements ratified (approved by both sides)",
            audit.get("agreement.ratified", 0),
        )
        yield _counter("parley_disputes_resolved", "Disputes marked resolved", resolved or 0)
        yield _counter(
            "parley_checkins_posted",
            "Check-ins posted in Slack",
            checkins.get(CheckInStatus.POSTED, 0) + checkins.get(CheckInStatus.ANSWERED, 0),
        )
        yield _counter(
            "parley_checkins_failed",
            "Check-ins Slack refused for good",
            checkins.get(CheckInStatus.FAILED, 0),
        )
        yield GaugeMetricFamily(
            "parley_delivery_backlog", "Messages in the outbox not delivered yet", backlog
        )
        age = (utcnow() - oldest).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "parley_delivery_oldest_seconds", "Age of the oldest message not delivered yet", max(age, 0.0)
        )
        yield GaugeMetricFamily(
            "parley_metrics_query_seconds",
            "Time this scrape spent reading the database",
            time.monotonic() - started,
        )


def _counter(name: str, documentation: str, value: int) -> CounterMetricFamily:
    return CounterMetricFamily(name, documentation, value=value)


class MetricsPage:
    """The text GET /metrics answers: every process's measurements, then the records'."""

    def __init__(self, db: Database) -> None:
        self.collector = DatabaseCollector(db)
        self.records = CollectorRegistry(auto_describe=False)
        self.records.register(self.collector)

    def render(self) -> bytes:
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # under gunicorn: every process's files
            registry = CollectorRegistry()
            MultiProcessCollector(registry)
        else:
            registry = REGISTRY
        return generate_latest(registry) + generate_latest(self.records)


def authorized(environ: dict[str, Any], token: str) -> bool:
    """With METRICS_TOKEN set, a scrape must send "Authorization: Bearer <it>" (compared in
    constant time, so the answer's timing says nothing about how much of a guess was right)."""
    if not token:
        return True
    return hmac.compare_digest(environ.get("HTTP_AUTHORIZATION", "").encode(), f"Bearer {token}".encode())


def token_required(app: WSGIApp, token: str) -> WSGIApp:
    """`app`, answering 401 to a request without the token (see `authorized`)."""

    def guarded(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if authorized(environ, token):
            return app(environ, start_response)
        start_response(
            "401 Unauthorized",
            [
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Length", "12"),
                ("WWW-Authenticate", CHALLENGE),
            ],
        )
        return [b"Unauthorized"]

    return guarded


def serve_process_metrics(host: str, port: int, token: str) -> Any:
    """The worker's own measurements (this process's registry: its Slack calls, its database
    connections) on host:port, behind METRICS_TOKEN, answered on a thread of their own; returns
    the server. Raises OSError when the address cannot be listened on.

    (prometheus_client.start_http_server would listen on every interface and ask for no token.)
    Served by waitress, as the web process is: scrapes are small GETs, so two threads and a small
    request limit are plenty."""
    import waitress

    server = waitress.create_server(
        token_required(make_wsgi_app(REGISTRY), token),
        host=host,
        port=port,
        threads=2,
        ident="parley",
        max_request_body_size=65536,
    )
    threading.Thread(target=server.run, name="metrics-server", daemon=True).start()
    return server
