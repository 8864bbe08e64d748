"""Idle and slow connections do not stop Parley answering Slack (issue 25). The app is served as
app.py serves it (waitress with waitress_options); 300 connections that send half a request, or
nothing, stay open while a person runs /dispute. Before, waitress stopped accepting at 100
connections and Slack's request waited behind them until they closed.

(gunicorn cannot hold like this on its own: each of its threads reads one request to the end.
docs/performance.md says what to put in front of it; bench/slow_clients.py measures both.)"""

from __future__ import annotations

import resource
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from bot.http.app import connection_limit, waitress_options
from tests.conftest import SAM

HALF_A_REQUEST = (b"POST /slack/events HTTP/1.1\r\nHost: parley\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 2000\r\n"
                  b"X-Slack-Request-Timestamp: 1700000000\r\nX-Slack-Signature: v0=00\r\n\r\n"
                  + b"payload=" + b"x" * 40)


@contextmanager
def slow_connections(url: str, half: int, silent: int) -> Iterator[list[socket.socket]]:
    """`half` connections that send a request's headers and 48 of its 2,000 bytes of body, and
    `silent` that send nothing; all closed at the end."""
    address = (urlsplit(url).hostname, urlsplit(url).port)
    opened: list[socket.socket] = []
    try:
        for n in range(half + silent):
            conn = socket.create_connection(address, timeout=5)
            opened.append(conn)
            if n < half:
                conn.sendall(HALF_A_REQUEST)
        yield opened
    finally:
        for conn in opened:
            conn.close()


def test_a_person_is_answered_while_300_connections_hang(slack, fake_slack):
    with slow_connections(slack.app_url, half=200, silent=100):
        reply = slack.command(SAM)  # the sender gives up after 10 s: the guard, not a timing
        assert reply.status == 200
        opened = fake_slack.wait_for("views.open")[-1].args
    assert opened["view"]["callback_id"]  # the form opened for them


def test_the_hanging_connections_are_refused_when_they_finish_late(slack, fake_slack):
    """One that finally sends the rest of its body has it judged as any other: unsigned, 401."""
    with slow_connections(slack.app_url, half=150, silent=0) as hanging:
        assert slack.command(SAM).status == 200
        late = hanging[0]
        late.sendall(b"y" * (2000 - 48))
        assert late.recv(64).startswith(b"HTTP/1.1 401 ")


@pytest.mark.parametrize(("soft", "limit"), [(20000, 1000), (4096, 1000), (1024, 412), (256, 100),
                                             (resource.RLIM_INFINITY, 1000)])
def test_the_connection_limit_leaves_files_for_the_rest(monkeypatch, soft, limit):
    """Two files per connection at most, 200 kept back, never fewer than waitress's own 100
    (app.py raises a soft limit below 2,200 as far as the hard limit allows)."""
    monkeypatch.setattr(resource, "getrlimit", lambda which: (soft, resource.RLIM_INFINITY))
    assert connection_limit() == limit
    assert waitress_options(4)["connection_limit"] == limit
