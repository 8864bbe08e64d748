"""The Web API client's persistent connections: reused, renewed when the server closed them, and
failing the way slack_sdk's retry handlers expect (urllib's contract)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    FixedValueRetryIntervalCalculator,
)

from bot.web_client import KeepAliveWebClient
from tests.fakeslack import FakeSlack

TOKEN = "xoxb-test-token"
SOON = FixedValueRetryIntervalCalculator(0.01)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack(token=TOKEN).start()
    fake.add_channel("C1")
    yield fake
    fake.stop()


def client_for(base_url: str, **kwargs: object) -> KeepAliveWebClient:
    return KeepAliveWebClient(token=TOKEN, base_url=base_url, timeout=5, **kwargs)  # type: ignore[arg-type]


def test_one_thread_reuses_one_connection(fake: FakeSlack):
    client = client_for(fake.base_url)
    for n in range(5):
        assert client.chat_postMessage(channel="C1", text=f"message {n}")["ok"]
    assert client.users_info(user="U0PARLEY")["user"]["id"] == "U0PARLEY"
    assert client.connections.opened == 1
    sent = fake.calls_to("chat.postMessage")
    assert [c.args["text"] for c in sent] == [f"message {n}" for n in range(5)]


def test_each_thread_has_its_own_connection(fake: FakeSlack):
    client = client_for(fake.base_url)

    def post() -> None:
        for _ in range(3):
            client.chat_postMessage(channel="C1", text="hello")

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert client.connections.opened == 4
    assert len(fake.calls_to("chat.postMessage")) == 12


def test_an_idle_connection_is_not_trusted_past_its_time(fake: FakeSlack):
    client = client_for(fake.base_url)
    client.connections.idle_seconds = 0
    client.chat_postMessage(channel="C1", text="one")
    client.chat_postMessage(channel="C1", text="two")
    assert client.connections.opened == 2


class ClosingServer:
    """Answers one request per connection and then hangs up without saying so, as a server
    whose keep-alive timeout has passed does."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.accepted = 0
        self.hung_up = threading.Semaphore(0)  # released each time a connection is closed
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/api/"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length"))
                while len(body) < length:
                    body += conn.recv(65536)
                answer = b'{"ok": true, "ts": "1.1"}'
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer))
            self.hung_up.release()

    def close(self) -> None:
        self.sock.close()


def test_a_connection_the_server_closed_is_replaced_before_the_next_request():
    server = ClosingServer()
    try:
        client = client_for(server.base_url, retry_handlers=[])  # a stale socket would surface
        for _ in range(3):
            assert client.chat_postMessage(channel="C1", text="hi")["ts"] == "1.1"
            # The server has hung up before the next request (not while it is being sent: that
            # race is the retry handlers' job, not the check for a closed idle socket).
            assert server.hung_up.acquire(timeout=5)
        assert server.accepted == 3 and client.connections.opened == 3
    finally:
        server.close()


def test_429_is_retried_after_retry_after(fake: FakeSlack):
    client = client_for(fake.base_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    first, second = fake.calls_to("chat.postMessage")
    assert second.at - first.at >= 1.0


def test_5xx_surfaces_as_an_api_error_with_its_status_after_retries(fake: FakeSlack):
    client = client_for(fake.base_url, retry_handlers=[ServerErrorRetryHandler(max_retry_count=1, interval_calculator=SOON)])
    fake.fail_next("chat.postMessage", status=503, times=2)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="hi")
    assert raised.value.response.status_code == 503
    assert len(fake.calls_to("chat.postMessage")) == 2


def test_slack_errors_are_api_errors(fake: FakeSlack):
    with pytest.raises(SlackApiError) as raised:
        client_for(fake.base_url).chat_postMessage(channel="C404", text="hi")
    assert raised.value.response["error"] == "channel_not_found"


def test_nothing_listening_is_a_url_error_that_the_connection_handler_retries():
    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        port = placeholder.getsockname()[1]
    handler = ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=SOON)
    calls = []
    original = handler.prepare_for_next_attempt

    def counting(**kwargs: object) -> None:
        calls.append(kwargs["error"])
        original(**kwargs)  # type: ignore[arg-type]

    handler.prepare_for_next_attempt = counting  # type: ignore[method-assign]
    client = client_for(f"http://127.0.0.1:{port}/api/", retry_handlers=[handler])
    with pytest.raises(URLError):
        client.chat_postMessage(channel="C1", text="hi")
    assert len(calls) == 2 and all(isinstance(e, URLError) for e in calls)
