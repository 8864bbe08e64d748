"""The installation store as every request reads it, with each answer kept for a few seconds.

Bolt authorizes each Slack request from the store before the listener acks it (`find_bot`: a
database read). slack_sdk's own CacheableInstallationStore keeps answers for the life of the
process, so a process would never notice that another one had deleted a workspace's tokens
(an uninstall is heard by one web process only). This keeps them for `ttl` seconds instead:
an uninstall heard here is seen here at once (deletes go through and clear the cache), and by
the other processes within `ttl`. Staleness costs little: Slack sends no requests for a
workspace that removed Parley, and a token used meanwhile is refused by Slack anyway. A read in
the ack path, on the other hand, waits for a pooled connection behind the work after other
acks: bench/workspaces.py measured App Home's p95 at 4x single-workspace mode with a 30 s ttl
(the cache went cold between runs), 1.0x with five minutes."""

from __future__ import annotations

import threading
import time
from logging import Logger
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore

Key = tuple[str | None, str | None, bool]
TTL = 300.0


class TimedInstallationStore(InstallationStore):
    def __init__(self, store: InstallationStore, ttl: float = TTL) -> None:
        self.store = store
        self.ttl = ttl
        self._lock = threading.Lock()
        self._bots: dict[Key, tuple[float, Bot | None]] = {}

    @property
    def logger(self) -> Logger:
        return self.store.logger

    def forget(self) -> None:
        with self._lock:
            self._bots.clear()

    def save(self, installation: Installation) -> None:
        self.store.save(installation)
        self.forget()

    def save_bot(self, bot: Bot) -> None:
        self.store.save_bot(bot)
        self.forget()

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        now = time.monotonic()
        with self._lock:
            hit = self._bots.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        bot = self.store.find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                  is_enterprise_install=is_enterprise_install)
        if bot is not None:  # a workspace without Parley is asked again (it may install soon)
            with self._lock:
                self._bots[key] = (now, bot)
        return bot

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                          user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        return self.store.find_installation(enterprise_id=enterprise_id, team_id=team_id,
                                            user_id=user_id,
                                            is_enterprise_install=is_enterprise_install)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self.forget()

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        self.store.delete_installation(enterprise_id=enterprise_id, team_id=team_id,
                                       user_id=user_id)
        self.forget()

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self.forget()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)
