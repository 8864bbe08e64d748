"""Readiness (`GET /readyz`): can this process do its work now? The database answers, its schema
is at the migrations' head (a deploy that skipped the release step, `python -m bot.release`,
fails every command), and in Socket Mode the socket to Slack is connected. Liveness
(`GET /healthz`) only says the process answers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot import version
from bot.db import Database

log = logging.getLogger("parley.web")
MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


class Readiness:
    def __init__(self, db: Database, socket_connected: Callable[[], bool] | None = None) -> None:
        self.db = db
        self.socket_connected = socket_connected  # set in Socket Mode (app.py)

    @cached_property
    def _scripts(self) -> ScriptDirectory:
        return ScriptDirectory(str(MIGRATIONS))

    @cached_property
    def head(self) -> str | None:
        """The newest migration in this checkout (read once, when first asked)."""
        return self._scripts.get_current_head()

    def _known(self, revision: str) -> bool:
        try:
            return self._scripts.get_revision(revision) is not None
        except Exception:  # noqa: BLE001 - alembic's "no such revision" has several types
            return False

    def check(self) -> tuple[bool, dict[str, Any]]:
        """(ready, what each part says). A schema newer than this release knows is ready: every
        migration is safe while the previous release still serves (docs/upgrading.md), so the
        old processes go on serving while the new release's start."""
        found: dict[str, Any] = {"version": version(), "database": "up", "schema": None, "socket_mode": "off"}
        schema_ready = False
        try:
            with self.db.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_revision()
        except Exception as error:  # noqa: BLE001 - any failure means "not ready"
            log.warning("readiness: the database does not answer (%s)", type(error).__name__)
            found["database"] = "down"
        else:
            if current is None:
                found["schema"] = f"not migrated: run python -m bot.release (head is {self.head})"
            elif current == self.head:
                found["schema"], schema_ready = f"at head ({current})", True
            elif self._known(current):
                found["schema"] = f"at {current}, head is {self.head}: run python -m bot.release"
            else:
                found["schema"] = f"at {current}, newer than this release's head ({self.head})"
                schema_ready = True
        if self.socket_connected is not None:
            found["socket_mode"] = "connected" if self.socket_connected() else "disconnected"
        ready = found["database"] == "up" and schema_ready and found["socket_mode"] != "disconnected"
        return ready, {"ok": ready, **found}
