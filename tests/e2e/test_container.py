"""What the image runs, run here without a container (no image can be pulled on these machines):
the Dockerfile linted with hadolint and read for what it copies and installs; compose.yaml read
for the order it starts things in; then the entrypoint's commands as compose.yaml gives them
(migrate once, then web and worker, and any other command such as `parley`) from the same
directory layout, against an empty database, PostgreSQL too, with the Dockerfile's health
check asked of the web."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.support.databases import ROOT, backends, fresh_database
from tests.support.processes import environment, free_port, log_of, ready, started
from tests.support.waiting import eventually

DOCKERFILE = ROOT / "Dockerfile"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
BIN = Path(sys.executable).parent


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined), comments left out."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_dockerfile_passes_hadolint():
    done = subprocess.run([str(BIN / "hadolint"), "--failure-threshold", "info", str(DOCKERFILE)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_image_gets_the_runtime_lock_and_parley_and_runs_unprivileged():
    found = instructions()
    runs = " ".join(args for name, args in found if name == "RUN")
    assert "--require-hashes -r requirements.txt" in runs and "requirements-test" not in runs
    assert "--no-deps -e ." in runs  # the `parley` command, and migrations/ beside the code
    for name, args in found:
        if name == "COPY":
            *sources, _ = args.split()
            assert all((ROOT / source).exists() for source in sources), args
    user = [args for name, args in found if name == "USER"]
    assert user and user[-1].split(":")[0].isdigit() and user[-1].split(":")[0] != "0"
    assert [args for name, args in found if name == "ENTRYPOINT"] == ['["parley-entrypoint"]']
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored  # tokens never go into an image


def test_compose_migrates_once_then_starts_web_and_worker():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["migrate"] and services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}}
        assert services[name]["command"] == [name]
    db = services["db"]["environment"]
    for name in ("migrate", "web", "worker"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["environment"]["DATABASE_URL"] == (
            f"postgresql://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}")
        assert services[name]["environment"]["RUN_SCHEDULER"] == "false"  # the worker's job


def health_check() -> list[str]:
    """The Dockerfile's HEALTHCHECK command, with this virtualenv's python."""
    args = next(args for name, args in instructions() if name == "HEALTHCHECK")
    command = json.loads(args[args.index("CMD") + 3:].strip())
    return [sys.executable if command[0] == "python" else command[0], *command[1:]]


@pytest.fixture(params=backends())
def empty_database(request, tmp_path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def as_compose_runs(service: str, fake_slack, database_url: str, port: int) -> tuple[list[str], dict[str, str]]:
    """compose.yaml's command for `service` through the entrypoint, with its environment (the
    database is this test's, Slack the fake one) and the image's PATH: its python and `parley`."""
    spec = compose()["services"][service]
    env = environment(**{**spec["environment"], "DATABASE_URL": database_url, "PORT": str(port),
                         "SLACK_BOT_TOKEN": fake_slack.token, "SLACK_SIGNING_SECRET": "s",
                         "SLACK_API_URL": fake_slack.base_url, "WEB_CONCURRENCY": "1",
                         "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"})
    return ["sh", str(ENTRYPOINT), *spec["command"]], env


def test_the_entrypoint_runs_what_compose_asks(empty_database, fake_slack, tmp_path):
    port = free_port()
    command, env = as_compose_runs("migrate", fake_slack, empty_database, port)
    migrated = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip().endswith("the database schema is at the migrations' head "
                                            f"({_head()}; from an empty database)")

    (tmp_path / "web").mkdir()
    (tmp_path / "worker").mkdir()
    web_command, web_env = as_compose_runs("web", fake_slack, empty_database, port)
    worker_command, worker_env = as_compose_runs("worker", fake_slack, empty_database, port)
    with started(web_command, web_env, tmp_path / "web") as web, \
            started(worker_command, worker_env, tmp_path / "worker") as worker:
        eventually(lambda: ready(port), timeout=60, what="the web to be ready")
        eventually(lambda: "worker started" in log_of(tmp_path / "worker"), timeout=60,
                   what="the worker to start")
        healthy = subprocess.run(health_check(), env={**web_env}, capture_output=True, timeout=30)
        assert healthy.returncode == 0, healthy.stderr

        # Any other command runs as it is: here the `parley` command the image installs.
        audit = subprocess.run(["sh", str(ENTRYPOINT), "parley", "verify", "--audit"], cwd=ROOT,
                               env=web_env, capture_output=True, text=True, timeout=60)
        assert audit.returncode == 1  # an empty database is nothing to check, never a pass
        assert audit.stderr.startswith("Nothing to check")

        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        assert web.wait(40) == 0 and worker.wait(40) == 0
    assert "Traceback" not in log_of(tmp_path / "web") + log_of(tmp_path / "worker")


def test_the_app_command_migrates_a_new_database_first(empty_database, fake_slack, tmp_path):
    """`app` (one process, as with SQLite in /data) on a database nothing has migrated yet."""
    port = free_port()
    _, env = as_compose_runs("web", fake_slack, empty_database, port)
    with started(["sh", str(ENTRYPOINT), "app"], {**env, "RUN_SCHEDULER": "true"}, tmp_path) as app:
        eventually(lambda: ready(port), timeout=60, what="the app to be ready")
        app.send_signal(signal.SIGTERM)
        assert app.wait(40) == 0
    assert "from an empty database" in log_of(tmp_path) and "Traceback" not in log_of(tmp_path)


def test_the_health_check_fails_while_nothing_answers():
    env = environment(PORT=str(free_port()))
    assert subprocess.run(health_check(), env=env, capture_output=True, timeout=30).returncode != 0


def _head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()
