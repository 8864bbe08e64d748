"""The release step (Procfile `release:`, the containers' `migrate`, `make migrate`): check the
settings and the database, then bring the schema to the migrations' head. Anything that stops it
is one line and exit status 2, so a platform's release phase fails the deploy before the new
processes start, and says why.

From 0.1.0 on, every migration is safe while the previous release still serves (expand now,
contract in a later release: docs/upgrading.md), so it can run while old processes run."""

from __future__ import annotations

import os
from pathlib import Path

from bot import preflight, version
from bot.config import load_settings_or_exit

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    settings = load_settings_or_exit(http=False)
    preflight.database_or_exit(settings)
    from alembic import command
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config(str(ROOT / "alembic.ini"))
    head = ScriptDirectory.from_config(config).get_current_head()
    os.environ["DATABASE_URL"] = settings.database_url  # migrations/env.py reads it (.env included)
    try:
        command.upgrade(config, "head")
    except Exception as error:  # noqa: BLE001 - whatever it is, one line
        preflight.fail(f"the migration to {head} did not finish: {preflight.first_line(error)}")
    print(f"parley {version()}: the database schema is at the migrations' head ({head})")


if __name__ == "__main__":
    main()
