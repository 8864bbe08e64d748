"""A fresh virtualenv, given requirements.txt alone (as the Heroku buildpack installs it), holds
everything Parley needs to run: pip checks every hash, nothing is resolved on the side, and
Parley's own declared requirements are all met by the lock."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.databases import ROOT


def run(*command: str | Path, cwd: Path) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_fresh_venv_runs_parley_from_the_lock_alone(tmp_path):
    project = tmp_path / "parley"  # a copy: building a package writes into its source tree
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".venv", ".lock-venv", ".git", "tests", "*.db", "__pycache__", "*.egg-info", "build"))
    run(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path)
    python = tmp_path / "venv" / "bin" / "python"
    pip = (python, "-m", "pip", "--disable-pip-version-check", "--quiet")
    run(*pip, "install", "--require-hashes", "--no-deps", "-r", project / "requirements.txt", cwd=tmp_path)
    run(*pip, "install", "--no-deps", project, cwd=tmp_path)
    run(*pip, "check", cwd=tmp_path)  # every requirement (pyproject.toml's too) met by the lock
    run(python, "-c", "import app, bot.application, bot.worker, gunicorn, alembic", cwd=tmp_path)
    frozen = run(*pip, "freeze", cwd=tmp_path)
    assert "slack_sdk==3.48." in frozen.replace("-", "_")
