"""Parley in any-workspace mode (Slack's install flow) over HTTP, and a person's browser for
its pages, for the end-to-end tests of installs."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.application import create_app
from bot.config import load_settings
from tests.conftest import SECRET
from tests.support.app_server import AppServer
from tests.support.slack_requests import Reply

CLIENT_TOKEN = "xoxb-client-co"


@pytest.fixture
def any_settings(fake_slack, database_url):
    return load_settings(slack_bot_token="", slack_client_id="1111.2222", slack_client_secret="shh",
                         slack_signing_secret=SECRET, slack_api_url=fake_slack.base_url,
                         database_url=database_url, slack_app_token="")


@pytest.fixture
def any_server(any_settings, engine) -> Iterator[AppServer]:
    parley = create_app(any_settings, engine=engine)
    parley.deliverer.request_wait = 30.0
    srv = AppServer(parley).start()
    yield srv
    srv.stop()
    parley.close()


class Browser:
    """A person's browser: keeps the cookies the app sets (the state cookie is Secure, which a
    browser sends to localhost over http too; urllib's cookie jar would not), and does not follow
    the link to slack.com."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Reply:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.headers["Content-Type"].startswith("text/html")
                self._keep(response.headers.get_all("Set-Cookie") or [])
                return Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.read().decode())

    def _keep(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            name, _, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def start_install(self) -> str:
        """The install page; returns the state in its Add to Slack link."""
        page = self.get("/slack/install")
        assert page.status == 200 and "Add to Slack" in page.body
        link = page.body.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        assert link.startswith("https://slack.com/oauth/v2/authorize?")
        query = parse_qs(urlsplit(link).query)
        assert query["client_id"] == ["1111.2222"] and "commands" in query["scope"][0]
        return query["state"][0]


