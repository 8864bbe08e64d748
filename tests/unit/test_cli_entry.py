"""`python -m bot.cli` is `parley`, and a check with nothing to check is not a pass."""

from __future__ import annotations

import subprocess
import sys

from tests.support.databases import ROOT
from tests.support.processes import environment


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, env=environment(**env))


def test_python_dash_m_runs_the_cli():
    done = run("--help")
    assert done.returncode == 0 and "verify" in done.stdout


def test_an_audit_of_an_empty_database_is_not_a_pass(tmp_path):
    from tests.support.databases import engine_for, upgrade

    url = f"sqlite:///{tmp_path}/empty.db"
    upgrade(engine_for(url))
    done = run("verify", "--audit", DATABASE_URL=url)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "Nothing to check: the database holds no audit events (is DATABASE_URL Parley's database?)."]
    assert done.stdout == ""


def test_an_audit_of_a_database_that_is_not_parleys_cannot_check(tmp_path):
    import sqlite3

    with sqlite3.connect(tmp_path / "other.db") as conn:
        conn.execute("CREATE TABLE notes (id INTEGER)")
    done = run("verify", "--audit", DATABASE_URL=f"sqlite:///{tmp_path}/other.db")
    assert done.returncode == 2
    assert done.stderr.startswith("cannot check the audit trail against the database: ")


def test_an_audit_of_a_database_that_does_not_exist_makes_none(tmp_path):
    done = run("verify", "--audit", DATABASE_URL=f"sqlite:///{tmp_path}/missing.db")
    assert done.returncode == 2
    assert done.stderr.strip() == f'cannot check: there is no database at "{tmp_path}/missing.db"'
    assert not (tmp_path / "missing.db").exists()
