"""The release step as a platform runs it (the Procfile's `release:`): the database's settings
only, one line of its own on success, one line on failure, and nothing to do (exit 0) on a
schema newer than this release knows, which is where a rollback finds it."""

from __future__ import annotations

import sqlite3
import subprocess

from alembic.script import ScriptDirectory

from tests.support.databases import ROOT
from tests.support.processes import environment, procfile_command

HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def release(cwd=ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(procfile_command("release"), cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=environment(**env))


def test_an_empty_database_is_migrated_with_nothing_but_its_url(tmp_path):
    url = f"sqlite:///{tmp_path}/p.db"
    first = release(DATABASE_URL=url)
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert first.stdout.strip().endswith(
        f"the database schema is at the migrations' head ({HEAD}; from an empty database)")
    again = release(DATABASE_URL=url)
    assert again.returncode == 0 and again.stdout.strip().endswith(f"({HEAD}; already there)")


def test_a_schema_newer_than_this_release_is_left_as_it_is(tmp_path):
    url = f"sqlite:///{tmp_path}/p.db"
    assert release(DATABASE_URL=url).returncode == 0
    with sqlite3.connect(tmp_path / "p.db") as conn:  # as the next release's step leaves it
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    done = release(DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(
        f"the database schema is at 9999, newer than this release's head ({HEAD}); nothing to migrate")


def test_a_migration_that_fails_is_one_line(tmp_path):
    with sqlite3.connect(tmp_path / "p.db") as conn:  # in the way of the first migration
        conn.execute("CREATE TABLE disputes (id INTEGER PRIMARY KEY)")
    done = release(DATABASE_URL=f"sqlite:///{tmp_path}/p.db")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"parley: the migration to {HEAD} did not finish: table disputes already exists"]
    assert done.stdout == ""


def test_the_database_url_can_come_from_a_dot_env_file(tmp_path):
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{tmp_path}/from-env.db\n")
    done = release(PARLEY_ENV_FILE=str(tmp_path / ".env"))
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "from-env.db") as conn:  # the migrations used it too
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
