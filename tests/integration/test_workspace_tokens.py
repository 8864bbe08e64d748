"""Any-workspace mode: each Slack call goes out with the token of the workspace it acts for,
found in the installation store, and never without one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_bolt import BoltContext
from slack_sdk.oauth.installation_store import Bot
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from bot.application import build_client, build_deliverer
from bot.jobs.tasks import forget, queue_checkins
from bot.services.people import Person
from bot.slack import tokens
from bot.slack.installs import (
    TokenBook,
    authorizer,
    installation_store,
    remember_enterprise,
    shared_store,
)
from bot.slack.membership import Membership
from bot.slack.outgoing import NoToken
from models import CheckIn, OutboxMessage, Workspace
from models.installations import oauth_states
from tests.conftest import CLIENT_TEAM, CORA
from tests.fakeslack.server import HOST_TEAM
from tests.support.multi_workspace import save_install
from tests.support.scenarios import make_checkins_due, ratified_dispute
from tests.support.waiting import eventually

GRID_TEAM, GRID_TOKEN = "T0GRIDWS", "xoxb-grid-workspace"


def book_for(settings, db, client) -> TokenBook:
    return TokenBook(authorizer(settings, shared_store(settings, db.engine), client), client, db,
                     "1111.2222")


@pytest.fixture
def book(any_settings, db, fake_slack):
    fake_slack.tokens[GRID_TOKEN] = GRID_TEAM
    fake_slack.teams[GRID_TEAM] = "Grid workspace"
    installation_store(any_settings, db.engine).save_bot(Bot(
        app_id="A0PARLEY", enterprise_id="E0ORG", team_id=GRID_TEAM, bot_token=GRID_TOKEN,
        bot_id="B0GRID", bot_user_id="U0BOTGRID", installed_at=datetime.now(UTC).timestamp()))
    client = build_client(any_settings, delivery=True)
    return book_for(any_settings, db, client), client


def test_a_grid_workspace_s_token_is_found_by_its_team_alone_and_looked_up_once(book, fake_slack):
    tokens_of, client = book
    with tokens.acting_as(lambda: tokens_of.bot_token(GRID_TEAM)):  # as a delivery binds it
        client.users_info(user="U0SAM")
        client.files_getUploadURLExternal(filename="a.md", length=3, token=None)  # as slack_sdk's helper calls it
    assert [c.args["_team"] for c in fake_slack.calls_to("users.info")] == [GRID_TEAM]
    assert [c.args["_team"] for c in fake_slack.calls_to("files.getUploadURLExternal")] == [GRID_TEAM]
    assert len(fake_slack.calls_to("auth.test")) == 1  # once for the token, not once per call


def test_a_call_without_a_workspace_token_is_not_made(book, fake_slack):
    tokens_of, client = book
    with tokens.acting_as(lambda: None), pytest.raises(NoToken):  # the lookup failed just now
        client.chat_postMessage(channel="C0SHARED", text="hello")
    with pytest.raises(tokens.NotInstalled):  # no installation at all: said plainly
        tokens_of.bot_token("T0NOBODY")
    assert fake_slack.calls_to("chat.postMessage") == []


def test_channel_membership_is_each_installation_s_own(fake_slack, any_settings):
    """Client Co's Parley joining a shared channel says nothing of whether the studio's is in it."""
    fake_slack.tokens["xoxb-other"] = "T0OTHER"
    client = build_client(any_settings)
    membership = Membership()
    with tokens.acting_as("xoxb-other"):
        membership.joined("C0SHARED")
        assert membership.is_member(client, "C0SHARED")  # remembered: no call
    assert fake_slack.calls_to("conversations.info") == []
    with tokens.acting_as("xoxb-test-token"):
        assert membership.is_member(client, "C0SHARED")
    # Asked Slack, with its own token.
    assert [c.args["_team"] for c in fake_slack.calls_to("conversations.info")] == [HOST_TEAM]


def test_expired_install_states_are_forgotten(db):
    now = datetime.now(UTC).replace(tzinfo=None)
    with db.engine.begin() as conn:
        conn.execute(insert(oauth_states), [{"state": "old", "expire_at": now - timedelta(minutes=1)},
                                            {"state": "live", "expire_at": now + timedelta(minutes=9)}])
    forget(db)
    with db.engine.connect() as conn:
        assert conn.execute(select(oauth_states.c.state)).scalars().all() == ["live"]
        assert conn.execute(select(func.count()).select_from(oauth_states)).scalar() == 1


def test_what_is_owed_to_an_uninstalled_workspace_stops_with_a_clear_state(any_settings, db, fake_slack):
    """Its check-ins (and any message still owed) are settled as not needed, at once, without a
    call to Slack and without retrying for days."""
    gone = ratified_dispute(db, Person("T0GONE", "U0GONE"), Person(CLIENT_TEAM, CORA.id))
    make_checkins_due(db, gone)
    queue_checkins(db)
    deliverer = build_deliverer(any_settings, db)
    deliverer()
    assert fake_slack.calls_to("chat.postMessage") == [] and fake_slack.calls_to("auth.test") == []
    with Session(db.engine) as s:
        rows = s.scalars(select(OutboxMessage).where(OutboxMessage.dispute_id == gone)).all()
        checkins = s.scalars(select(CheckIn.status).where(CheckIn.dispute_id == gone)).all()
    assert rows and {r.status for r in rows} == {"skipped"}
    assert all("no longer installed" in (r.last_error or "") for r in rows)
    assert "checkin" in {r.kind for r in rows}
    assert set(checkins) <= {"cancelled", "pending"} and "cancelled" in checkins


def test_a_rotating_token_is_refreshed_before_it_expires_for_deliveries(any_settings, db, fake_slack):
    """The worker's (and each web process's) deliveries: Bolt's rotation, through the TokenBook."""
    save_install(any_settings, db.engine, fake_slack, "T0ROTATE", "Rotating Co", "xoxe.xoxb-old",
                 refresh_token="xoxe-1-first", expires_in=600)  # ten minutes left: refresh now
    client = build_client(any_settings, delivery=True)
    book = book_for(any_settings, db, client)
    token = book.bot_token("T0ROTATE")
    assert token is not None and token.startswith("xoxe.xoxb-T0ROTATE-")
    refresh = fake_slack.calls_to("oauth.v2.access")[-1].args
    assert refresh["grant_type"] == "refresh_token" and refresh["refresh_token"] == "xoxe-1-first"
    stored = installation_store(any_settings, db.engine).find_bot(enterprise_id=None, team_id="T0ROTATE")
    assert stored.bot_token == token and stored.bot_refresh_token.startswith("xoxe-1-T0ROTATE-")
    with tokens.acting_as(token):
        client.chat_postMessage(channel="C0SHARED", text="hello")
    assert fake_slack.calls_to("chat.postMessage")[-1].args["_team"] == "T0ROTATE"


def test_an_org_wide_install_serves_its_workspaces_once_slack_has_named_their_org(
        any_settings, db, fake_slack):
    save_install(any_settings, db.engine, fake_slack, "T0GRIDWS", "Grid Org", "xoxb-org-wide",
                 enterprise_id="E0ORG", org_wide=True)
    client = build_client(any_settings, delivery=True)
    book = book_for(any_settings, db, client)
    with pytest.raises(tokens.NotInstalled):  # which organization the workspace is in: unknown
        book.bot_token("T0GRIDWS")
    remember = remember_enterprise(db)
    remember(BoltContext({"team_id": "T0GRIDWS", "enterprise_id": "E0ORG"}), lambda: None)

    def recorded() -> bool:
        with db.read() as session:
            found = session.get(Workspace, "T0GRIDWS")
            return found is not None and found.enterprise_id == "E0ORG"

    eventually(recorded, what="the workspace's organization recorded")  # after the request
    assert book.bot_token("T0GRIDWS") == "xoxb-org-wide"


def org_wide_in_use(any_settings, db, fake_slack) -> TokenBook:
    """An organization's org-wide install, serving two of its workspaces' deliveries, and a
    workspace of another organization with its own."""
    save_install(any_settings, db.engine, fake_slack, "T0GRIDWS", "Grid Org", "xoxb-org-wide",
                 enterprise_id="E0ORG", org_wide=True)
    save_install(any_settings, db.engine, fake_slack, CLIENT_TEAM, "Client Co", "xoxb-client")
    with db.transaction() as session:
        session.add_all([Workspace(team_id="T0GRIDWS", enterprise_id="E0ORG"),
                         Workspace(team_id="T0GRIDTWO", enterprise_id="E0ORG")])
    book = book_for(any_settings, db, build_client(any_settings, delivery=True))
    assert [book.bot_token(t) for t in ("T0GRIDWS", "T0GRIDTWO", CLIENT_TEAM)] == [
        "xoxb-org-wide", "xoxb-org-wide", "xoxb-client"]
    return book


def test_an_org_wide_uninstall_is_forgotten_for_every_workspace_of_the_organization(
        any_settings, db, fake_slack):
    book = org_wide_in_use(any_settings, db, fake_slack)
    installation_store(any_settings, db.engine).delete_all(enterprise_id="E0ORG", team_id=None)
    book.forget_installation("E0ORG", None)
    for team in ("T0GRIDWS", "T0GRIDTWO"):
        with pytest.raises(tokens.NotInstalled):
            book.bot_token(team)
    assert book.bot_token(CLIENT_TEAM) == "xoxb-client"


def test_a_token_looked_up_while_its_installation_is_deleted_is_not_kept(any_settings, db, fake_slack):
    """A delivery finds the token just before an uninstall deletes it and forgets it: the next
    delivery does not get the deleted token from memory."""
    book = org_wide_in_use(any_settings, db, fake_slack)
    book.forget_installation("E0ORG", None)  # each is looked up again
    book.authorize = UninstalledMeanwhile(book, any_settings, db)  # type: ignore[assignment]
    assert book.bot_token("T0GRIDWS") == "xoxb-org-wide"  # as it was when looked up
    with pytest.raises(tokens.NotInstalled):
        book.bot_token("T0GRIDWS")


class UninstalledMeanwhile:
    """Bolt's authorization, with the organization's uninstall heard right after it answers."""

    def __init__(self, book: TokenBook, settings, db) -> None:
        self.authorize, self.book, self.settings, self.db = book.authorize, book, settings, db
        self.installation_store = book.authorize.installation_store

    def __call__(self, **kwargs):
        found = self.authorize(**kwargs)
        installation_store(self.settings, self.db.engine).delete_all(enterprise_id="E0ORG",
                                                                     team_id=None)
        self.book.forget_installation("E0ORG", None)  # as the revocation listener does
        return found
