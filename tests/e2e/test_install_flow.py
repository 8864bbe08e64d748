"""Multi-workspace mode: Slack's OAuth install flow through the real app over HTTP (Bolt's flow,
slack_sdk's stores in Parley's database), and what an installed workspace can then do."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bot import ids
from bot.application import create_app
from bot.config import load_settings
from bot.slack.installs import installation_store
from tests.conftest import CLIENT_TEAM, CORA, SAM, SECRET
from tests.e2e.helpers import GOOD_ANSWERS, open_modal
from tests.support.app_server import AppServer
from tests.support.slack_requests import Reply, SlackSender

CLIENT_TOKEN = "xoxb-client-co"


@pytest.fixture
def settings(fake_slack, database_url):
    return load_settings(slack_bot_token="", slack_client_id="1111.2222", slack_client_secret="shh",
                         slack_signing_secret=SECRET, slack_api_url=fake_slack.base_url,
                         database_url=database_url, slack_app_token="")


@pytest.fixture
def server(settings, engine) -> Iterator[AppServer]:
    parley = create_app(settings, engine=engine)
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


def bot_of(settings, engine, team: str):
    return installation_store(settings, engine).find_bot(enterprise_id=None, team_id=team)


def test_a_workspace_installs_parley_and_uses_it_with_its_own_token(server, settings, engine, fake_slack):
    browser = Browser(server.url)
    state = browser.start_install()
    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    done = browser.get(f"/slack/oauth_redirect?code=code-1&state={state}")
    assert done.status == 200, done.body
    assert "Parley is installed in Client Co" in done.body and "/invite @Parley" in done.body
    assert bot_of(settings, engine, CLIENT_TEAM).bot_token == CLIENT_TOKEN

    slack = SlackSender(server.url, SECRET, fake_slack, CLIENT_TEAM)
    view = open_modal(slack, fake_slack, CORA)  # the client's own workspace's /dispute
    assert fake_slack.calls_to("views.open")[-1].args["_team"] == CLIENT_TEAM  # its own token
    reply = slack.view_submission(CORA, view, {**GOOD_ANSWERS, ids.B_PARTIES: [SAM.id]})
    assert reply.status == 200 and reply.body == ""
    card, welcome = fake_slack.wait_for("chat.postMessage", 2)
    assert card.args["_team"] == welcome.args["_team"] == CLIENT_TEAM  # delivered with it too

    again = browser.start_install()
    fake_slack.add_install("code-2", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    page = browser.get(f"/slack/oauth_redirect?code=code-2&state={again}")
    assert page.status == 200 and "already in this workspace" in page.body


@pytest.mark.parametrize("case", ["forged state", "no cookie", "reused code", "access denied"])
def test_a_failed_install_says_why_and_stores_nothing(case, server, settings, engine, fake_slack):
    browser = Browser(server.url)
    state = browser.start_install()
    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    if case == "forged state":
        page = browser.get("/slack/oauth_redirect?code=code-1&state=not-a-state")
        expected = (400, "another browser")  # the cookie names the real state: this is not it
    elif case == "no cookie":
        page = Browser(server.url).get(f"/slack/oauth_redirect?code=code-1&state={state}")
        expected = (400, "another browser")
    elif case == "reused code":
        fake_slack.install_codes.pop("code-1")  # Slack takes a code once: this one was used
        page = browser.get(f"/slack/oauth_redirect?code=code-1&state={state}")
        expected = (401, "Slack did not accept this install")
    else:
        page = browser.get(f"/slack/oauth_redirect?error=access_denied&state={state}")
        expected = (200, "Parley was not added")
    assert (page.status, expected[1] in page.body) == (expected[0], True), page.body
    assert "Traceback" not in page.body and 'href="/slack/install"' in page.body
    assert bot_of(settings, engine, CLIENT_TEAM) is None
    assert fake_slack.calls_to("chat.postMessage") == []


def test_an_expired_state_is_refused(server, settings, engine, fake_slack):
    browser = Browser(server.url)
    state = browser.start_install()
    with engine.begin() as conn:  # ten minutes later
        conn.exec_driver_sql("UPDATE slack_oauth_states SET expire_at = '2000-01-01 00:00:00'")
    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    page = browser.get(f"/slack/oauth_redirect?code=code-1&state={state}")
    assert page.status == 401 and "This install link has expired" in page.body
    assert bot_of(settings, engine, CLIENT_TEAM) is None


def test_a_request_from_a_workspace_without_parley_changes_nothing(server, settings, fake_slack, engine):
    slack = SlackSender(server.url, SECRET, fake_slack, CLIENT_TEAM)
    reply = slack.command(CORA)
    assert (reply.status, reply.body) == (200, "")
    told = fake_slack.wait_for("response_url")[-1].args  # privately, to the person who typed it
    assert "Parley isn't installed in your workspace" in told["text"]
    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("chat.postMessage") == []
    assert bot_of(settings, engine, CLIENT_TEAM) is None


def install(server, fake_slack, team: str = CLIENT_TEAM, token: str = CLIENT_TOKEN) -> None:
    browser = Browser(server.url)
    state = browser.start_install()
    fake_slack.add_install(f"code-{team}", team, "Client Co", token)
    assert browser.get(f"/slack/oauth_redirect?code=code-{team}&state={state}").status == 200


@pytest.mark.parametrize("event", ["app_uninstalled", "tokens_revoked"])
def test_uninstalling_deletes_the_workspace_s_tokens(event, server, settings, engine, fake_slack):
    install(server, fake_slack)
    assert bot_of(settings, engine, CLIENT_TEAM) is not None
    slack = SlackSender(server.url, SECRET, fake_slack, CLIENT_TEAM)
    body = {"type": event} if event == "app_uninstalled" else {
        "type": event, "tokens": {"oauth": [], "bot": ["U0BOTIENT"]}}
    reply = slack.event(body, team_id=CLIENT_TEAM)
    assert reply.status == 200
    assert bot_of(settings, engine, CLIENT_TEAM) is None
    reply = slack.command(CORA)  # afterwards: told privately, nothing done
    assert "Parley isn't installed" in fake_slack.wait_for("response_url")[-1].args["text"]
    assert fake_slack.calls_to("views.open") == []
