"""Alembic: one head, `upgrade head` on an empty database, models and migrations agree."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from models import Base
from tests.support.databases import (
    alembic_config,
    backends,
    engine_for,
    fresh_database,
    upgrade,
)


def test_one_linear_history():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    assert all(len(r._all_down_revisions) <= 1 for r in script.walk_revisions())


@pytest.mark.parametrize("backend", backends())
def test_upgrade_head_on_empty_database_matches_models(backend, tmp_path):
    with fresh_database(backend, tmp_path) as url:
        engine = engine_for(url)
        try:
            upgrade(engine)
            assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
            with engine.connect() as conn:
                diff = compare_metadata(
                    MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
                )
            assert diff == []
            config = alembic_config()
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.downgrade(config, "base")
            assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        finally:
            engine.dispose()
