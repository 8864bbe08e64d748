"""Parley in any-workspace mode (Slack's install flow) over HTTP, and a person's browser for
its pages, for the end-to-end tests of installs."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.application import create_app
from bot.config import load_settings
from bot.slack.installs import installation_store
from tests.conftest import CLIENT_TEAM, SECRET
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
    parley.deliverer.right_away.request_wait = 30.0
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




def save_install(settings, engine, fake, team: str, name: str, token: str, *,
                 enterprise_id: str | None = None, org_wide: bool = False,
                 refresh_token: str | None = None, expires_in: int | None = None) -> str:
    """An installation as Bolt's flow stores it (without the browser); returns its bot user."""
    bot_user = fake.bot_user if team == fake.host_team else f"U0BOT{team[-4:]}"
    fake.tokens[token] = team
    fake.teams.setdefault(team, name)
    fake.add_user(bot_user, team, name="parley", is_bot=True)
    if refresh_token:
        fake.refresh_tokens[refresh_token] = team
    installation_store(settings, engine).save(Installation(
        app_id="A0PARLEY", enterprise_id=enterprise_id, team_id=None if org_wide else team,
        team_name=name, bot_token=token, bot_id=f"B{bot_user}", bot_user_id=bot_user,
        bot_scopes="commands,chat:write", user_id="U0INSTALLER", is_enterprise_install=org_wide,
        bot_refresh_token=refresh_token, bot_token_expires_in=expires_in,
        installed_at=time.time()))
    return bot_user


@pytest.fixture
def both_installed(any_settings, engine, fake_slack):
    """The studio's workspace and the client's both installed Parley."""
    save_install(any_settings, engine, fake_slack, fake_slack.host_team, "Studio", fake_slack.token)
    save_install(any_settings, engine, fake_slack, CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
