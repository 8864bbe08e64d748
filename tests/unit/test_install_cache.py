"""The installation store's answers as requests read them: kept, refreshed ahead, forgotten."""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Bot
from slack_sdk.oauth.installation_store.file import FileInstallationStore

from bot.slack.install_cache import TimedInstallationStore


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
