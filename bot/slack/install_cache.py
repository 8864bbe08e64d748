"""The installation store as every request reads it: each answer kept, and refreshed ahead.

Bolt authorizes each Slack request from the store before the listener acks it (`find_bot`: a
database read). A read there waits for a pooled connection behind the work after other acks:
bench/workspaces.py measured App Home's p95 at 4-6x single-workspace mode when each process kept
answers for only 30 s. slack_sdk's own CacheableInstallationStore keeps them for the life of the
process instead, so a process would never notice that another one had deleted or replaced a
workspace's tokens (an uninstall or a reinstall is heard by one web process only).

So an answer is served from memory; once it is FRESH seconds old, the next request still gets it
but a background thread reads the store again; after STALE seconds it is read before answering.
Writes go through this store (the OAuth flow's saves, the revocation listeners' deletes) and
clear what it kept, so the process that hears an install or an uninstall sees it at once; the
others within FRESH seconds plus a read. `forget(team)` drops one workspace's answers (a token
Slack refused), `forget(enterprise_id=…)` an Enterprise Grid organization's."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from logging import Logger

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore

log = logging.getLogger("parley.installs")

Key = tuple[str | None, str | None, bool]
FRESH = 30.0
STALE = 300.0


class TimedInstallationStore(InstallationStore):
    def __init__(
        self,
        reads: InstallationStore,
        writes: InstallationStore | None = None,
        *,
        fresh: float = FRESH,
        stale: float = STALE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`reads` answers the finds (on SQLite, a read that takes no write lock); `writes`
        (default: `reads`) takes the saves and deletes."""
        self.reads = reads
        self.writes = writes or reads
        self.fresh = fresh
        self.stale = stale
        self.clock = clock
        self._lock = threading.Lock()
        self._bots: dict[Key, tuple[float, Bot]] = {}
        self._refreshing: set[Key] = set()
        self._forgets = 0  # a read that a forget overtook is not kept (it may hold a deleted token)
        self._refresher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parley-installs")

    @property
    def logger(self) -> Logger:
        return self.writes.logger

    def forget(self, team_id: str | None = None, *, enterprise_id: str | None = None) -> None:
        """Drop what is kept: all of it, one workspace's, or an organization's (its org-wide
        installation's answers for each of its workspaces, and its workspaces' own)."""
        with self._lock:
            self._forgets += 1
            if team_id is None and enterprise_id is None:
                self._bots.clear()
                return
            for key in [
                k
                for k in self._bots
                if (team_id is not None and k[1] == team_id)
                or (enterprise_id is not None and k[0] == enterprise_id)
            ]:
                del self._bots[key]

    def save(self, installation: Installation) -> None:
        self.writes.save(installation)
        self.forget()

    def save_bot(self, bot: Bot) -> None:
        self.writes.save_bot(bot)
        self.forget()

    def find_bot(
        self, *, enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None = False
    ) -> Bot | None:
        key = (enterprise_id, team_id, bool(is_enterprise_install))
        with self._lock:
            hit = self._bots.get(key)
            age = self.clock() - hit[0] if hit else None
            refresh = age is not None and self.fresh <= age < self.stale and key not in self._refreshing
            if refresh:
                self._refreshing.add(key)
        if hit is not None and age is not None and age < self.stale:
            if refresh:
                self._refresher.submit(self._read, key)
            return hit[1]
        return self._read(key)

    def _read(self, key: Key) -> Bot | None:
        enterprise_id, team_id, org_wide = key
        with self._lock:
            forgets = self._forgets
        try:
            bot = self.reads.find_bot(
                enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
            )
        except Exception:
            log.exception("cannot read the installation store")  # the kept answer stays
            with self._lock:
                self._refreshing.discard(key)
            raise
        with self._lock:
            self._refreshing.discard(key)
            if bot is not None and self._forgets == forgets:
                self._bots[key] = (self.clock(), bot)
            elif bot is None:  # uninstalled meanwhile (or never installed: asked again next time)
                self._bots.pop(key, None)
        return bot

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        return self.reads.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.writes.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self.forget()

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.writes.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)
        self.forget()

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.writes.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        self.forget()
