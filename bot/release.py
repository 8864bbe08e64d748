"""The release step (Procfile `release:`, the containers' `migrate`, `make migrate`): check the
settings and the database, then bring the schema to the migrations' head. Anything that stops it
is one line and a non-zero exit (bot/preflight.py), so a platform's release phase fails the deploy
before the new processes start, and says why. It needs the database's settings only.

From 0.1.0 on, every migration is safe while the previous release still serves (expand now,
contract in a later release: docs/upgrading.md), so it can run while old processes run; and a
schema newer than this release knows (a rollback to it) is left as it is."""

from __future__ import annotations

import os
from pathlib import Path

from alembic.script import ScriptDirectory

from bot import preflight, version
from bot.config import load_settings_or_exit

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    settings = load_settings_or_exit(http=False, slack=False)
    preflight.database_or_exit(settings)
    from alembic import command
    from alembic.config import Config
    from alembic.migration import MigrationContext

    from bot.db import build_engine

    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False  # this command's lines are its own
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    engine = build_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            before = MigrationContext.configure(conn).get_current_revision()
    except Exception as error:  # noqa: BLE001 - whatever it is, one line
        preflight.fail(
            f"cannot read the database's schema version: {preflight.first_line(error)}", preflight.UNAVAILABLE
        )
    finally:
        engine.dispose()
    if before is not None and before != head and not _known(scripts, before):
        print(
            f"parley {version()}: the database schema is at {before}, newer than this release's "
            f"head ({head}); nothing to migrate"
        )
        return
    os.environ["DATABASE_URL"] = settings.database_url  # migrations/env.py reads it (.env included)
    try:
        command.upgrade(config, "head")
    except Exception as error:  # noqa: BLE001 - whatever it is, one line
        preflight.fail(f"the migration to {head} did not finish: {preflight.first_line(error)}")
    done = "already there" if before == head else f"from {before or 'an empty database'}"
    print(f"parley {version()}: the database schema is at the migrations' head ({head}; {done})")


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic's "no such revision" has several types
        return False


if __name__ == "__main__":
    main()
