"""slack_sdk's WebClient over persistent HTTP connections.

The stock WebClient opens a new connection (and, against slack.com, a new TLS session) for every
call through `urllib.request.urlopen`. Parley's scheduler posts thousands of check-ins in a burst
and its listeners call the Web API after nearly every ack, so each thread keeps one connection per
host open and reuses it while the server does. Everything above the transport is slack_sdk's own:
request building, the retry handlers (429 with Retry-After, connection errors, 5xx) and response
parsing. The transport keeps urllib's contract towards them: a non-2xx answer raises `HTTPError`,
a failure to connect or send raises `URLError`, a failure while reading the answer is raised as is.
"""

from __future__ import annotations

import http.client
import io
import select
import threading
import time
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

from bot import metrics

IDLE_SECONDS = 30.0  # close a connection unused for this long rather than trust it is still open

Key = tuple[str, str, int | None]


class ConnectionPerThread:
    """One open connection per (thread, scheme, host, port)."""

    def __init__(self, timeout: float, ssl_context: Any = None, idle_seconds: float = IDLE_SECONDS) -> None:
        self.timeout = timeout
        self.ssl_context = ssl_context
        self.idle_seconds = idle_seconds
        self._local = threading.local()
        self._lock = threading.Lock()
        self.opened = 0  # connections opened, for tests and benchmarks

    def _pool(self) -> dict[Key, tuple[http.client.HTTPConnection, float]]:
        pool = getattr(self._local, "pool", None)
        if pool is None:
            pool = self._local.pool = {}
        return pool

    def _connection(self, key: Key) -> http.client.HTTPConnection:
        pool = self._pool()
        held = pool.pop(key, None)
        if held is not None:
            conn, last_used = held
            if time.monotonic() - last_used < self.idle_seconds and _still_open(conn):
                return conn
            conn.close()
        scheme, host, port = key
        with self._lock:
            self.opened += 1
        if scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self.ssl_context)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def send(self, req: Request) -> tuple[http.client.HTTPResponse, bytes]:
        parts = urlsplit(req.full_url)
        key: Key = (parts.scheme.lower(), parts.hostname or "", parts.port)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn = self._connection(key)
        try:
            conn.request(
                req.get_method(),
                path,
                body=req.data,
                headers={name.title(): value for name, value in req.header_items()},
            )
        except OSError as error:  # as urllib does: not connected, or the request was not sent
            conn.close()
            raise URLError(error) from error
        try:
            response = conn.getresponse()
            body = response.read()
        except BaseException:
            conn.close()
            raise
        if response.will_close:
            conn.close()
        else:
            self._pool()[key] = (conn, time.monotonic())
        return response, body


def _still_open(conn: http.client.HTTPConnection) -> bool:
    """An idle keep-alive socket that is readable has been closed by the server (or holds bytes
    nobody asked for): either way it must not carry the next request. (poll, not select: select
    refuses file descriptors above 1023, which a busy process can reach.)"""
    sock = conn.sock
    if sock is None:
        return False
    try:
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return not poller.poll(0)
    except (OSError, ValueError):
        return False


class KeepAliveWebClient(WebClient):
    """A WebClient whose HTTP transport reuses connections; see the module docstring."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections = ConnectionPerThread(self.timeout, self.ssl)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        """One HTTP attempt (slack_sdk's retry handlers call it again); an attempt that gets no
        2xx answer is counted here, by what went wrong (bot/metrics.py), and ParleyClient counts
        the answers."""
        try:
            return self._attempt(url, req)
        except HTTPError as error:
            metrics.slack_call(url, metrics.failed_attempt(error.code))
            raise
        except (OSError, http.client.HTTPException):
            metrics.slack_call(url, metrics.failed_attempt(None))
            raise

    def _attempt(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or not url.lower().startswith(("http://", "https://")):
            return super()._perform_urllib_http_request_internal(url, req)
        response, body = self.connections.send(req)
        if not 200 <= response.status < 300:
            raise HTTPError(url, response.status, response.reason, response.headers, io.BytesIO(body))
        if response.headers.get_content_type() == "application/gzip":
            return {"status": response.status, "headers": response.headers, "body": body}
        charset = response.headers.get_content_charset() or "utf-8"
        return {"status": response.status, "headers": response.headers, "body": body.decode(charset)}
