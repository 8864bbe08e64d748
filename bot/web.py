"""The WSGI application: GET /healthz and POST /slack/events.

Slack requests are checked in this order: signature and age (401), then shape (400), then Bolt."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.db import Database
from bot.slack.envelope import Malformed, check

log = logging.getLogger("parley.web")
MAX_BODY_BYTES = 1_000_000
StartResponse = Callable[[str, list[tuple[str, str]]], Any]

_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
            405: "Method Not Allowed", 413: "Payload Too Large", 503: "Service Unavailable"}


def _reply(start_response: StartResponse, status: int, body: str | bytes,
           headers: dict[str, list[str]] | None = None) -> Iterable[bytes]:
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
    def __init__(self, bolt: App | None, db: Database, signing_secret: str | None) -> None:
        self.bolt = bolt
        self.db = db
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":
            healthy = self.db.ping()
            body = json.dumps({"ok": healthy, "database": "up" if healthy else "down"})
            return _reply(start_response, 200 if healthy else 503, body,
                          {"Content-Type": ["application/json"]})
        if path == "/slack/events" and self.bolt is not None and self.verifier is not None:
            if method != "POST":
                return _reply(start_response, 405, "Use POST", {"Allow": ["POST"]})
            return self._slack(environ, start_response)
        return _reply(start_response, 404, "Not Found")

    def _slack(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        assert self.bolt is not None and self.verifier is not None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _reply(start_response, 400, "Bad Content-Length")
        if length > MAX_BODY_BYTES:
            return _reply(start_response, 413, "Request body too large")
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        headers = _headers(environ)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _reply(start_response, 400, "Body is not UTF-8")
        if not self._signed(body, headers):
            return _reply(start_response, 401, "Invalid or expired signature")
        try:
            check(body, headers.get("content-type", ""))
        except Malformed as error:
            log.info("rejected a malformed Slack request: %s", error)
            return _reply(start_response, 400, f"Malformed request: {error}")
        response = self.bolt.dispatch(
            BoltRequest(body=body, query=environ.get("QUERY_STRING", ""), headers=headers)
        )
        return _reply(start_response, response.status, response.body or "", response.headers)


    def _signed(self, body: str, headers: dict[str, str]) -> bool:
        assert self.verifier is not None
        try:
            return self.verifier.is_valid_request(body, headers)
        except (ValueError, TypeError):  # e.g. a timestamp header that is not a number
            return False


def wsgi_from_env() -> WebApp:
    """Factory for gunicorn: settings from the environment, no scheduler in web workers."""
    from bot.application import configure_logging, create_app
    from bot.config import load_settings_or_exit

    settings = load_settings_or_exit()
    configure_logging(settings.log_level)
    return create_app(settings).wsgi
