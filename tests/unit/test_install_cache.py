"""The installation store's answers as requests read them: kept, refreshed ahead, forgotten."""

from __future__ import annotations

import pytest
from slack_bolt import BoltContext
from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.file import FileInstallationStore

from bot.slack.install_cache import TimedInstallationStore
from bot.slack.installs import revoked_installation


class CountingStore(FileInstallationStore):
    def __init__(self, base_dir: str) -> None:
        super().__init__(base_dir=base_dir, client_id="1111.2222")
        self.finds = 0

    def find_bot(self, **kwargs):
        self.finds += 1
        return super().find_bot(**kwargs)


def bot(token: str) -> Bot:
    return Bot(app_id="A0", enterprise_id=None, team_id="T1", bot_token=token, bot_id="B1",
               bot_user_id="U0BOT", installed_at=1.0)


def settle(store: TimedInstallationStore) -> None:
    store._refresher.submit(lambda: None).result()  # the one refresher thread is done


def test_answers_are_kept_refreshed_ahead_and_read_again_when_stale(tmp_path):
    now = [0.0]
    backing = CountingStore(str(tmp_path))
    store = TimedInstallationStore(backing, fresh=30, stale=300, clock=lambda: now[0])
    store.save_bot(bot("xoxb-1"))
    find = {"enterprise_id": None, "team_id": "T1"}
    assert store.find_bot(**find).bot_token == "xoxb-1" and backing.finds == 1
    assert store.find_bot(**find).bot_token == "xoxb-1" and backing.finds == 1  # from memory
    backing.save_bot(bot("xoxb-2"))  # replaced by another process
    now[0] = 31.0
    assert store.find_bot(**find).bot_token == "xoxb-1"  # still answered at once …
    settle(store)
    assert backing.finds == 2 and store.find_bot(**find).bot_token == "xoxb-2"  # … and refreshed
    now[0] = 400.0  # too old to serve: read before answering
    assert store.find_bot(**find).bot_token == "xoxb-2" and backing.finds == 3


def test_deletes_and_forgetting_a_workspace_clear_what_is_kept(tmp_path):
    backing = CountingStore(str(tmp_path))
    store = TimedInstallationStore(backing)
    store.save_bot(bot("xoxb-1"))
    find = {"enterprise_id": None, "team_id": "T1"}
    store.find_bot(**find)
    store.delete_bot(enterprise_id=None, team_id="T1")  # Bolt's revocation listener
    assert store.find_bot(**find) is None
    backing.save_bot(bot("xoxb-3"))  # installed again, through another process
    assert store.find_bot(**find).bot_token == "xoxb-3"  # a missing answer is not kept
    backing.save_bot(bot("xoxb-4"))
    store.forget("T1")  # a token Slack refused
    assert store.find_bot(**find).bot_token == "xoxb-4"


def grid_bot(team: str | None, token: str) -> Bot:
    return Bot(app_id="A0", enterprise_id="E1", team_id=team, bot_token=token, bot_id="B1",
               bot_user_id="U0BOT", installed_at=1.0, is_enterprise_install=team is None)


def test_forgetting_an_organization_clears_its_workspaces_answers_only(tmp_path):
    backing = CountingStore(str(tmp_path))
    store = TimedInstallationStore(backing)
    backing.save_bot(grid_bot(None, "xoxb-org"))  # org-wide
    backing.save_bot(bot("xoxb-1"))  # another workspace, not in the organization
    org = {"enterprise_id": "E1", "team_id": "T0GRID", "is_enterprise_install": True}
    assert store.find_bot(**org).bot_token == "xoxb-org"
    store.find_bot(enterprise_id=None, team_id="T1")
    backing.delete_bot(enterprise_id="E1", team_id=None)  # uninstalled, heard by another process
    store.forget(enterprise_id="E1")
    assert store.find_bot(**org) is None
    finds = backing.finds
    assert store.find_bot(enterprise_id=None, team_id="T1").bot_token == "xoxb-1"
    assert backing.finds == finds  # still kept


def test_a_read_overtaken_by_a_delete_is_not_kept(tmp_path):
    """A request's read that began before an uninstall and ends after it: its answer may hold
    the deleted token, so it is not kept for the requests after the uninstall."""
    backing = CountingStore(str(tmp_path))
    store = TimedInstallationStore(backing)
    backing.save_bot(bot("xoxb-1"))
    find = {"enterprise_id": None, "team_id": "T1"}
    original = backing.find_bot

    def read_then_uninstalled(**kwargs):
        found = original(**kwargs)
        store.delete_bot(enterprise_id=None, team_id="T1")  # meanwhile, on another thread
        return found

    backing.find_bot = read_then_uninstalled  # type: ignore[method-assign]
    assert store.find_bot(**find).bot_token == "xoxb-1"  # answered as it was when read
    backing.find_bot = original  # type: ignore[method-assign]
    assert store.find_bot(**find) is None


@pytest.mark.parametrize(("context", "installation"), [
    ({"enterprise_id": "E1"}, ("E1", None)),  # bolt-python's org-wide payload
    ({"enterprise_id": "E1", "team_id": "T1", "is_enterprise_install": True}, ("E1", None)),
    ({"enterprise_id": "E1", "team_id": "T1"}, ("E1", "T1")),  # a Grid workspace's own
    ({"team_id": "T1"}, (None, "T1")),
    ({}, None),
])
def test_a_revocation_names_the_installation_as_the_store_keeps_it(context, installation):
    assert revoked_installation(BoltContext(context)) == installation
