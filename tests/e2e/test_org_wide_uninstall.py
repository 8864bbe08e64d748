"""An Enterprise Grid organization removes its org-wide installation of Parley: Slack's
`app_uninstalled` and `tokens_revoked` for it name the organization and no workspace. They are
accepted, the installation's tokens are deleted from the store, the process that hears them
forgets them at once, and another process sharing the database stops using them too (at once
when Slack refuses the token, else within its cache's refresh window)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.application import Parley, create_app
from bot.services import outbox
from bot.slack import tokens
from models import OutboxMessage, Workspace
from models.installations import bots, installations
from tests.conftest import CHANNEL, SECRET
from tests.support.app_server import AppServer
from tests.support.multi_workspace import save_install
from tests.support.slack_requests import SlackSender, User, new_trigger
from tests.support.waiting import eventually

ORG, GRID_TEAM, ORG_TOKEN = "E0ORG", "T0GRIDWS", "xoxb-org-wide"
GRACE = User("U0GRACE", GRID_TEAM, "grace")
NOT_INSTALLED = "Parley isn't installed"


def org_wide_event(event: dict[str, Any], *, shape: str, bot_user: str) -> dict[str, Any]:
    """An org-wide installation's own event, as Slack sends it. "bolt": the payload of
    bolt-python's tests/scenario_tests/test_events_token_revocations.py (enterprise_id, no
    team_id, no authorizations). "authorized": the same with `team_id: null` (as in Slack's
    team_access_granted reference) and the `authorizations` entry of Slack's org-wide apps
    reference (api.slack.com/enterprise/apps/reference), `is_enterprise_install: true`."""
    body: dict[str, Any] = {
        "token": "verification-token", "enterprise_id": ORG, "api_app_id": "A0PARLEY",
        "event": event, "type": "event_callback", "event_id": f"Ev{new_trigger()[5:]}",
        "event_time": int(time.time())}
    if shape == "authorized":
        body |= {"team_id": None, "is_enterprise_install": True, "authorizations": [
            {"enterprise_id": ORG, "team_id": None, "user_id": bot_user, "is_bot": True,
             "is_enterprise_install": True}]}
    return body


def revocation(kind: str, bot_user: str) -> dict[str, Any]:
    # Parley asks for no user scopes, so Slack revokes (and lists) its bot user's token only.
    return {"type": kind} if kind == "app_uninstalled" else {
        "type": kind, "tokens": {"oauth": [], "bot": [bot_user]}}


def dispute_command(slack: SlackSender, fake) -> None:
    """/dispute by a person of the organization's workspace, as Slack sends it for an org-wide
    installation."""
    form = {"token": "legacy", "team_id": GRID_TEAM, "enterprise_id": ORG,
            "is_enterprise_install": "true", "channel_id": CHANNEL, "channel_name": "shared",
            "user_id": GRACE.id, "user_name": GRACE.name, "command": "/dispute", "text": "",
            "api_app_id": "A0PARLEY", "response_url": fake.response_url(),
            "trigger_id": new_trigger()}
    assert slack.post(urlencode(form)).status == 200


def rows_of(engine, table) -> list[Any]:
    with engine.connect() as conn:
        return conn.execute(select(table).where(table.c.enterprise_id == ORG)).all()


def not_installed(parley: Parley) -> bool:
    """Whether this process's deliveries find no token for the organization's workspace."""
    try:
        parley.deliverer.tokens.bot_token(GRID_TEAM)
    except tokens.NotInstalled:
        return True
    return False


@pytest.fixture
def org_bot(any_settings, engine, fake_slack, db) -> str:
    """The organization installed Parley org-wide; Slack has named the organization of its
    workspace (as remember_enterprise records it from the workspace's first request)."""
    bot_user = save_install(any_settings, engine, fake_slack, GRID_TEAM, "Grid Org", ORG_TOKEN,
                            enterprise_id=ORG, org_wide=True)
    fake_slack.add_user(GRACE.id, GRID_TEAM, name=GRACE.name)
    with db.transaction() as session:
        session.add(Workspace(team_id=GRID_TEAM, enterprise_id=ORG))
    return bot_user


@pytest.fixture
def other(any_settings, engine) -> Iterator[tuple[Parley, AppServer]]:
    """A second web process on the same database."""
    parley = create_app(any_settings, engine=engine)
    server = AppServer(parley).start()
    yield parley, server
    server.stop()
    parley.close()


def in_use_everywhere(any_server, other, fake_slack) -> tuple[SlackSender, SlackSender]:
    """Both processes have served the organization's workspace: each has its token in memory,
    for requests (the installation store's cache) and for deliveries (the TokenBook)."""
    senders = []
    for parley, server in ((any_server.parley, any_server), other):
        slack = SlackSender(server.url, SECRET, fake_slack, GRID_TEAM)
        before = len(fake_slack.calls_to("views.open"))
        dispute_command(slack, fake_slack)
        assert fake_slack.wait_for("views.open", before + 1)[-1].args["_team"] == GRID_TEAM
        assert parley.deliverer.tokens.bot_token(GRID_TEAM) == ORG_TOKEN
        senders.append(slack)
    return senders[0], senders[1]


@pytest.mark.parametrize("shape", ["bolt", "authorized"])
@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
def test_an_org_wide_uninstall_is_forgotten_here_at_once_and_elsewhere_when_slack_refuses_the_token(
        kind, shape, any_server, other, org_bot, engine, fake_slack, db):
    here, _ = in_use_everywhere(any_server, other, fake_slack)
    opened = len(fake_slack.calls_to("views.open"))

    body = org_wide_event(revocation(kind, org_bot), shape=shape, bot_user=org_bot)
    assert here.post(json.dumps(body), "application/json").status == 200
    fake_slack.tokens.pop(ORG_TOKEN)  # Slack no longer takes it

    assert rows_of(engine, bots) == []  # the organization's bot token is gone from the store
    if kind == "app_uninstalled":
        assert rows_of(engine, installations) == []  # and its installation with it
    assert not_installed(any_server.parley)  # this process's deliveries: at once
    before = len(fake_slack.calls_to("response_url"))
    dispute_command(here, fake_slack)  # this process's requests: at once
    assert NOT_INSTALLED in fake_slack.wait_for("response_url", before + 1)[-1].args["text"]
    assert len(fake_slack.calls_to("views.open")) == opened

    # The other process was not told. Its next delivery for the workspace is refused by Slack:
    # it forgets the token at once and finds the installation gone.
    assert other[0].deliverer.tokens.bot_token(GRID_TEAM) == ORG_TOKEN  # still in its memory
    with db.transaction() as session:  # a message owed in the workspace's channel
        outbox.say_outside(session, GRID_TEAM, CHANNEL, "channel.welcome")
    other[0].deliverer()
    refused = fake_slack.calls_to("chat.postMessage")
    assert len(refused) == 1 and "_team" not in refused[0].args  # tried with the revoked token
    assert not_installed(other[0])
    with db.read() as session:
        row = session.scalars(select(OutboxMessage)).one()
    assert (row.status, row.last_error) == ("pending", "invalid_auth")  # looked at again later


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
def test_another_process_stops_using_an_org_wide_install_within_its_refresh_window(
        kind, any_server, other, org_bot, engine, fake_slack):
    here, there = in_use_everywhere(any_server, other, fake_slack)
    parley, _ = other
    store = parley.deliverer.tokens.authorize.installation_store
    parley.deliverer.tokens.KEEP = 0.3  # its windows, shortened from a minute and 30 s
    store.fresh = 0.2
    body = org_wide_event(revocation(kind, org_bot), shape="bolt", bot_user=org_bot)
    assert here.post(json.dumps(body), "application/json").status == 200

    eventually(lambda: not_installed(parley), what="the other process's deliveries to forget it")
    eventually(lambda: store.find_bot(enterprise_id=ORG, team_id=GRID_TEAM,
                                      is_enterprise_install=True) is None,
               what="the other process's installation store to forget it")
    opened = len(fake_slack.calls_to("views.open"))
    before = len(fake_slack.calls_to("response_url"))
    dispute_command(there, fake_slack)
    assert NOT_INSTALLED in fake_slack.wait_for("response_url", before + 1)[-1].args["text"]
    assert len(fake_slack.calls_to("views.open")) == opened


def test_a_grid_workspace_s_own_uninstall_leaves_its_organization_s_install(
        any_server, any_settings, org_bot, engine, fake_slack):
    """A workspace of the organization with an installation of its own removes it: Slack names
    the workspace and the organization; the org-wide installation stays."""
    save_install(any_settings, engine, fake_slack, "T0GRIDTWO", "Grid Two", "xoxb-grid-two",
                 enterprise_id=ORG)
    slack = SlackSender(any_server.url, SECRET, fake_slack, "T0GRIDTWO")
    body = slack.event_body({"type": "app_uninstalled"}, team_id="T0GRIDTWO")
    body["enterprise_id"] = body["authorizations"][0]["enterprise_id"] = ORG
    body["authorizations"][0]["team_id"] = "T0GRIDTWO"
    assert slack.post(json.dumps(body), "application/json").status == 200
    assert [(r.team_id, r.is_enterprise_install) for r in rows_of(engine, bots)] == [(None, True)]
    assert any_server.parley.deliverer.tokens.bot_token(GRID_TEAM) == ORG_TOKEN


@pytest.mark.parametrize("names", [{}, {"team_id": None, "enterprise_id": None}])
def test_an_event_naming_neither_a_team_nor_an_organization_is_refused(
        names, any_server, org_bot, engine, fake_slack):
    body = org_wide_event({"type": "app_uninstalled"}, shape="bolt", bot_user=org_bot)
    del body["enterprise_id"]
    slack = SlackSender(any_server.url, SECRET, fake_slack, GRID_TEAM)
    reply = slack.post(json.dumps(body | names), "application/json")
    assert reply.status == 400 and "team_id required" in reply.body
    assert len(rows_of(engine, bots)) == 1  # nothing deleted
    assert any_server.parley.deliverer.tokens.bot_token(GRID_TEAM) == ORG_TOKEN
