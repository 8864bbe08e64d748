"""Multi-workspace mode: Slack's OAuth install flow through the real app over HTTP (Bolt's flow,
slack_sdk's stores in Parley's database), and what an installed workspace can then do."""

from __future__ import annotations

import pytest

from sqlalchemy import select

from bot import ids
from bot.slack.installs import installation_store
from models import SlackDefaults
from tests.conftest import CLIENT_TEAM, CORA, SAM, SECRET
from tests.e2e.helpers import GOOD_ANSWERS, open_modal
from tests.support.multi_workspace import CLIENT_TOKEN, Browser
from tests.support.slack_requests import SlackSender


def bot_of(any_settings, engine, team: str):
    return installation_store(any_settings, engine).find_bot(enterprise_id=None, team_id=team)


def test_a_workspace_installs_parley_and_uses_it_with_its_own_token(any_server, any_settings, engine, fake_slack):
    browser = Browser(any_server.url)
    state = browser.start_install()
    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    installer = f"U0ADMIN{CLIENT_TEAM[-4:]}"  # the fake's authed_user
    fake_slack.add_user(installer, CLIENT_TEAM, name="ines", admin=True, tz="Europe/Berlin", locale="de-DE")
    done = browser.get(f"/slack/oauth_redirect?code=code-1&state={state}")
    assert done.status == 200, done.body
    assert "Parley is installed in Client Co" in done.body and "/invite @Parley" in done.body
    assert bot_of(any_settings, engine, CLIENT_TEAM).bot_token == CLIENT_TOKEN
    with engine.connect() as connection:  # the installing admin's defaults, for its workspace
        learnt = connection.execute(select(SlackDefaults.time_zone, SlackDefaults.locale).where(
            SlackDefaults.team_id == CLIENT_TEAM)).one()
    assert tuple(learnt) == ("Europe/Berlin", "de-DE")

    slack = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
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
def test_a_failed_install_says_why_and_stores_nothing(case, any_server, any_settings, engine, fake_slack):
    browser = Browser(any_server.url)
    state = browser.start_install()
    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    if case == "forged state":
        page = browser.get("/slack/oauth_redirect?code=code-1&state=not-a-state")
        expected = (400, "another browser")  # the cookie names the real state: this is not it
    elif case == "no cookie":
        page = Browser(any_server.url).get(f"/slack/oauth_redirect?code=code-1&state={state}")
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
    assert bot_of(any_settings, engine, CLIENT_TEAM) is None
    assert fake_slack.calls_to("chat.postMessage") == []


def test_an_expired_state_is_refused(any_server, any_settings, engine, fake_slack):
    browser = Browser(any_server.url)
    state = browser.start_install()
    with engine.begin() as conn:  # ten minutes later
        conn.exec_driver_sql("UPDATE slack_oauth_states SET expire_at = '2000-01-01 00:00:00'")
    fake_slack.add_install("code-1", CLIENT_TEAM, "Client Co", CLIENT_TOKEN)
    page = browser.get(f"/slack/oauth_redirect?code=code-1&state={state}")
    assert page.status == 401 and "This install link has expired" in page.body
    assert bot_of(any_settings, engine, CLIENT_TEAM) is None


def test_a_request_from_a_workspace_without_parley_changes_nothing(any_server, any_settings, fake_slack, engine):
    slack = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
    reply = slack.command(CORA)
    assert (reply.status, reply.body) == (200, "")
    told = fake_slack.wait_for("response_url")[-1].args  # privately, to the person who typed it
    assert "Parley isn't installed in your workspace" in told["text"]
    assert fake_slack.calls_to("views.open") == [] and fake_slack.calls_to("chat.postMessage") == []
    assert bot_of(any_settings, engine, CLIENT_TEAM) is None


def install(any_server, fake_slack, team: str = CLIENT_TEAM, token: str = CLIENT_TOKEN) -> None:
    browser = Browser(any_server.url)
    state = browser.start_install()
    fake_slack.add_install(f"code-{team}", team, "Client Co", token)
    assert browser.get(f"/slack/oauth_redirect?code=code-{team}&state={state}").status == 200


@pytest.mark.parametrize("event", ["app_uninstalled", "tokens_revoked"])
def test_uninstalling_deletes_the_workspace_s_tokens(event, any_server, any_settings, engine, fake_slack):
    install(any_server, fake_slack)
    assert bot_of(any_settings, engine, CLIENT_TEAM) is not None
    slack = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
    body = {"type": event} if event == "app_uninstalled" else {
        "type": event, "tokens": {"oauth": [], "bot": ["U0BOTIENT"]}}
    reply = slack.event(body, team_id=CLIENT_TEAM)
    assert reply.status == 200
    assert bot_of(any_settings, engine, CLIENT_TEAM) is None
    reply = slack.command(CORA)  # afterwards: told privately, nothing done
    assert "Parley isn't installed" in fake_slack.wait_for("response_url")[-1].args["text"]
    assert fake_slack.calls_to("views.open") == []
