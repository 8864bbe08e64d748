"""The WSGI application: GET /healthz (liveness), GET /readyz (readiness: readiness.py) and
POST /slack/events.

Slack requests are checked in this order: size (411/413, before the body is read), Slack's
`ssl_check` (answered 200 unsigned, as Bolt's own SslCheck middleware does before it verifies
signatures), signature and age (401), shape (400, see bot/http/envelope.py), then Bolt. Whatever a
body holds, the answer is never a 5xx and the log never gets a traceback for it."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, cast
from urllib.parse import parse_qsl

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_normalized_headers, extract_content_type
from slack_sdk.signature import SignatureVerifier

from bot import logs, metrics
from bot.blocks.install_pages import failure_page
from bot.db import Database
from bot.http import metrics as metrics_page
from bot.http.envelope import Malformed, check
from bot.http.readiness import Readiness
from bot.slack.context import RECEIVED_AT, REQUEST_KIND
from bot.slack.installs import INSTALL_PATH, REDIRECT_PATH

log = logging.getLogger("parley.web")
MAX_BODY_BYTES = 1_048_576  # 1 MiB; Slack's own payloads stay far below
# waitress's connections (waitress_options): far more than Slack itself ever opens at once.
MAX_CONNECTIONS = 1000
FILES_KEPT_BACK = 200
# X-Slack-Request-Timestamp: Unix seconds, as Slack sends them (10 digits until the year 2286).
TIMESTAMP = re.compile(r"[0-9]{1,12}")
StartResponse = Callable[[str, list[tuple[str, str]]], Any]
OAUTH_PATHS = (INSTALL_PATH, REDIRECT_PATH)

_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def waitress_options(threads: int) -> dict[str, Any]:
    """How Parley is served by waitress (app.py, and the end-to-end tests' server).

    waitress reads a whole request body into its buffers before it calls the app, so the app's own
    size check cannot keep a huge body out of memory there: waitress must refuse it itself. It
    refuses a body of `max_request_body_size` bytes or more, hence the + 1 (the same limit).

    The same buffering means a connection that sends half a request holds no request thread, only
    one of waitress's connections; past `connection_limit` (100 by default) waitress stops
    accepting, and Slack's requests wait in the kernel's queue behind the idle ones until those
    close (`channel_timeout`, 120 s of silence). So the limit is raised to what the process's
    open-file limit allows (with 500 idle connections, acks still take milliseconds:
    docs/performance.md), with poll() instead of select(), which cannot watch a file descriptor
    above 1023. `channel_timeout` stays at 120 s, above the 60 s for which load balancers
    commonly keep an idle connection to the app open, so that none sends a request on a
    connection waitress has just closed."""
    return {
        "threads": threads,
        "ident": "parley",
        "max_request_body_size": MAX_BODY_BYTES + 1,
        "connection_limit": connection_limit(),
        "asyncore_use_poll": True,
    }


def connection_limit(most: int = MAX_CONNECTIONS) -> int:
    """As many connections as the open-file limit leaves room for: up to two files each (the
    socket, and a temporary file for a body over waitress's 512 KiB in memory; Parley's answers
    are too small for one), with FILES_KEPT_BACK left for the database, Slack and the rest.
    Never below waitress's own 100."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):  # no such limit on this platform
        return most
    if soft == resource.RLIM_INFINITY:
        return most
    return max(100, min(most, (soft - FILES_KEPT_BACK) // 2))


def _reply(
    start_response: StartResponse,
    status: int,
    body: str | bytes,
    headers: Mapping[str, Sequence[str]] | None = None,
) -> Iterable[bytes]:
    data = body.encode() if isinstance(body, str) else body
    out = [(k, v) for k, values in (headers or {}).items() for v in values]
    if not any(k.lower() == "content-type" for k, _ in out):
        out.append(("Content-Type", "text/plain; charset=utf-8"))
    out.append(("Content-Length", str(len(data))))
    start_response(f"{status} {_REASONS.get(status, 'Status')}", out)
    return [data]


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


class WebApp:
    def __init__(
        self, bolt: App | None, db: Database, signing_secret: str | None, *, metrics_token: str = ""
    ) -> None:
        self.bolt = bolt
        self.db = db
        self.metrics = metrics_page.MetricsPage(db)
        # Multi-workspace mode: Slack's install flow, served by Bolt's own WSGI adapter.
        self.oauth = (
            SlackRequestHandler(bolt) if bolt is not None and getattr(bolt, "oauth_flow", None) else None
        )
        self.metrics_token = metrics_token  # when set, GET /metrics wants "Bearer <it>"
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.readiness = Readiness(db)
        self.on_exit: Callable[[], None] | None = None  # graceful shutdown, under gunicorn

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":  # liveness: the process answers (the database is /readyz's)
            return _reply(
                start_response, 200, json.dumps({"ok": True}), {"Content-Type": ["application/json"]}
            )
        if path == "/metrics" and method == "GET":
            if not metrics_page.authorized(environ, self.metrics_token):
                return _reply(
                    start_response, 401, "Unauthorized", {"WWW-Authenticate": [metrics_page.CHALLENGE]}
                )
            return _reply(
                start_response, 200, self.metrics.render(), {"Content-Type": [metrics_page.CONTENT_TYPE]}
            )
        if path == "/readyz":
            ready, found = self.readiness.check()
            return _reply(
                start_response,
                200 if ready else 503,
                json.dumps(found),
                {"Content-Type": ["application/json"]},
            )
        if self.oauth is not None and method == "GET" and path in OAUTH_PATHS:
            return self._install_flow(environ, start_response)
        if path == "/slack/events" and self.bolt is not None and self.verifier is not None:
            if method != "POST":
                return _reply(start_response, 405, "Use POST", {"Allow": ["POST"]})
            return self._slack(environ, start_response)
        return _reply(start_response, 404, "Not Found")

    def _slack(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        received = time.monotonic()
        with logs.fields(request=logs.new_request_id()):
            return self._slack_request(environ, start_response, received)

    def _slack_request(
        self, environ: dict[str, Any], start_response: StartResponse, received: float
    ) -> Iterable[bytes]:
        assert self.bolt is not None and self.verifier is not None
        declared = environ.get("CONTENT_LENGTH")
        if not declared:  # e.g. chunked, under a server that passes it through
            return _reply(start_response, 411, "Content-Length required")
        # Digits only: int() would also take "+1", " 1" or "1_0" (and give up past 4300 digits).
        if not (declared.isascii() and declared.isdigit()):
            return _reply(start_response, 400, "Bad Content-Length")
        if len(declared) > 18 or int(declared) > MAX_BODY_BYTES:
            return _reply(start_response, 413, "Request body too large")
        length = int(declared)
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if len(raw) != length:
            return _reply(start_response, 400, "Body shorter than its Content-Length")
        headers = _headers(environ)
        as_bolt_reads: dict[str, str | Sequence[str]] = {**headers}  # (the same, as Bolt types it)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _reply(start_response, 400, "Body is not UTF-8")
        content_type = extract_content_type(build_normalized_headers(as_bolt_reads))
        if _is_ssl_check(body, content_type):
            return _reply(start_response, 200, "")
        if not self._signed(body, headers):
            return _reply(start_response, 401, "Invalid or expired signature")
        try:
            data = check(body, content_type)
        except Malformed as error:
            log.info("rejected a malformed Slack request: %s", error)
            return _reply(start_response, 400, f"Malformed request: {error}")
        kind = "command" if "command" in data else str(data["type"])
        logs.bind(team=team_of(data))
        try:
            # In a context of its own: what the request binds (its installation's token) stays
            # with it and the work after its ack, never with this server thread's next request.
            response = contextvars.copy_context().run(
                self.bolt.dispatch,
                BoltRequest(
                    body=body,
                    query=environ.get("QUERY_STRING", ""),
                    headers=as_bolt_reads,
                    context={RECEIVED_AT: received, REQUEST_KIND: kind},
                ),
            )
        except Exception as error:  # noqa: BLE001 - the envelope should have made this impossible
            log.warning("refused a Slack request that Bolt could not handle (%s)", type(error).__name__)
            return _reply(start_response, 400, "Malformed request")
        metrics.observe(metrics.ACK_SECONDS, kind, time.monotonic() - received)
        return _reply(start_response, response.status, response.body or "", response.headers)

    def _install_flow(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        assert self.oauth is not None
        try:
            return self.oauth(environ, cast(Any, start_response))  # a WSGI start_response
        except Exception:
            log.exception("the install flow failed")
            return _reply(
                start_response,
                500,
                failure_page("error", INSTALL_PATH),
                {"Content-Type": ["text/html; charset=utf-8"]},
            )

    def _signed(self, body: str, headers: dict[str, str]) -> bool:
        """Signed with the signing secret, and recent. The timestamp must look like Slack's before
        slack_sdk sees it: it does `time.time() - int(timestamp)`, and int() takes " 17", "+17",
        "1_7" and other scripts' digits, while a 400-digit number overflows the float
        (OverflowError)."""
        assert self.verifier is not None
        if not TIMESTAMP.fullmatch(headers.get("x-slack-request-timestamp", "")):
            return False
        try:
            return self.verifier.is_valid_request(body, headers)
        except (ValueError, TypeError, OverflowError):  # whatever else a forged header holds
            return False


def team_of(data: dict[str, Any]) -> str | None:
    """The workspace a request came from (where the person acting belongs)."""
    team, user = data.get("team"), data.get("user")
    for found in (
        data.get("team_id"),
        team.get("id") if isinstance(team, dict) else None,
        user.get("team_id") if isinstance(user, dict) else None,
    ):
        if isinstance(found, str):
            return found[:32]
    return None


def _is_ssl_check(body: str, content_type: str | None) -> bool:
    """Slack's `ssl_check=1` probe: a form body without `command` or `payload` (Bolt's rules for
    telling a form from JSON, see slack_bolt.request.internals.parse_body)."""
    if content_type == "application/json" or body.startswith("{") or "payload" in body:
        return False
    params = dict(parse_qsl(body, keep_blank_values=True))
    return params.get("ssl_check") == "1" and "command" not in params
