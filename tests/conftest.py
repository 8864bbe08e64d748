"""Shared fixtures: databases (SQLite and PostgreSQL), the fake Slack API, the real app over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import Engine

from bot.application import Parley, create_app
from bot.config import Settings, load_settings
from bot.db import Database
from bot.slack.outgoing import strict_transactions
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import HOST_TEAM
from tests.support.app_server import AppServer
from tests.support.databases import backends, clear, engine_for, fresh_database, upgrade
from tests.support.slack_requests import SlackSender, User

pytest_plugins = ["tests.support.multi_workspace"]  # any_settings, any_server

# Settings come from the tests alone, never from a .env file someone keeps in their checkout.
os.environ["PARLEY_ENV_FILE"] = ""

# Every Slack call made inside a database transaction fails its test (bot/slack/outgoing.py), in
# this process and in the processes the tests start.
os.environ["STRICT_TRANSACTIONS"] = "true"
strict_transactions(True)

# Property-based tests: on CI the same examples every run (no random seed, no example database),
# so a failure there is reproducible and a pass means the same thing each time.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

SECRET = "test-signing-secret"
CLIENT_TEAM = "T0CLIENT"
CHANNEL = "C0SHARED"

SAM = User("U0SAM", HOST_TEAM, "sam")  # studio (host workspace)
SOL = User("U0SOL", HOST_TEAM, "sol")  # studio colleague
CORA = User("U0CORA", CLIENT_TEAM, "cora")  # client, from the connected organization
CLIVE = User("U0CLIVE", CLIENT_TEAM, "clive")  # client colleague
BOT_USER = "U0OTHERBOT"
GUEST = User("U0GUEST", HOST_TEAM, "gus")  # a guest account in the host workspace


@pytest.fixture(autouse=True)
def every_mrkdwn_text_is_built_with_md(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """bot/slack/outgoing.py escapes plain text that reaches a mrkdwn field of a Slack call and
    warns: in a test, that warning means a builder forgot md() (a real mention would show as text)."""
    yield
    unmarked = [r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when)
                if r.name == "parley.outgoing"]
    assert unmarked == [], unmarked


@pytest.fixture(scope="session", params=backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir: Path = tmp_path_factory.mktemp("db")
    with fresh_database(request.param, workdir) as url:
        engine = engine_for(url)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    clear(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine) -> Database:
    return Database(engine)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    for user in (SAM, SOL, CORA, CLIVE, GUEST):
        fake.add_user(user.id, user.team_id, name=user.name, guest=user is GUEST)
    fake.add_user(BOT_USER, HOST_TEAM, name="otherbot", is_bot=True)
    fake.add_channel(CHANNEL, shared=True)
    fake.teams[CLIENT_TEAM] = "Client Co"
    yield fake
    fake.stop()
    assert fake.violations == [], "Block Kit payloads Slack would refuse"


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url: str) -> Settings:
    return load_settings(
        slack_bot_token=fake_slack.token,
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.base_url,
        database_url=database_url,
        slack_app_token="",
    )


@pytest.fixture
def parley(settings: Settings, engine: Engine) -> Iterator[Parley]:
    app = create_app(settings, engine=engine)
    # No scheduler runs in these tests, so a request's own thread waits for a busy channel's
    # turn instead of leaving the message to the tick (tests/integration/test_deliveries.py
    # covers the hand-over).
    app.deliverer.right_away.request_wait = 30.0
    app.wsgi.metrics.collector.fresh_for = 0.0  # each scrape reads the records (tests compare two)
    yield app
    app.close()


@pytest.fixture
def server(parley: Parley) -> Iterator[AppServer]:
    srv = AppServer(parley).start()
    yield srv
    srv.stop()


@pytest.fixture
def slack(server: AppServer, fake_slack: FakeSlack, parley: Parley) -> SlackSender:
    return SlackSender(server.url, SECRET, fake_slack, HOST_TEAM,
                       settle=lambda: parley.executor.wait_idle())
