"""Settings: defaults, validation, and the one-line failure with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.application import engine_for
from bot.config import SettingsError, load_settings, normalize_database_url
from tests.support.databases import ROOT

GOOD = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


@pytest.fixture
def env(monkeypatch):
    for key in list(os.environ):
        if key.startswith(("SLACK_", "DATABASE_URL", "PORT", "RUN_SCHEDULER", "LOG_LEVEL", "LOG_FORMAT", "DB_", "METRICS_")):
            monkeypatch.delenv(key)
    for key, value in GOOD.items():
        monkeypatch.setenv(key, value)
    return monkeypatch


def test_defaults(env):
    settings = load_settings()
    assert settings.metrics_port is None
    assert settings.port == 3000
    assert settings.database_url == "sqlite:///./parley.db"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.run_scheduler is True and settings.socket_mode is False


def test_values_from_the_environment(env):
    env.setenv("PORT", "8080")
    env.setenv("DATABASE_URL", "postgres://u:p@db:5432/parley")
    env.setenv("SLACK_API_URL", "https://slack-gov.com/api")
    env.setenv("RUN_SCHEDULER", "false")
    env.setenv("SLACK_APP_TOKEN", "xapp-1")
    settings = load_settings()
    assert settings.port == 8080
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/parley"
    assert settings.slack_api_url == "https://slack-gov.com/api/"
    assert settings.run_scheduler is False and settings.socket_mode is True


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("SLACK_BOT_TOKEN", None, "SLACK_BOT_TOKEN is required"),
        ("SLACK_BOT_TOKEN", "xoxp-user", "SLACK_BOT_TOKEN is invalid: must be a bot token"),
        ("SLACK_SIGNING_SECRET", None, "SLACK_SIGNING_SECRET is required"),
        ("PORT", "eighty", "PORT is invalid"),
        ("PORT", "70000", "PORT is invalid"),
        ("DATABASE_URL", "mysql://x", "DATABASE_URL is invalid"),
        ("SLACK_APP_TOKEN", "xoxb-nope", "SLACK_APP_TOKEN is invalid"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL is invalid"),
        ("RUN_SCHEDULER", "perhaps", "RUN_SCHEDULER is invalid"),
        ("METRICS_PORT", "0", "METRICS_PORT is invalid"),
        ("METRICS_PORT", "nine", "METRICS_PORT is invalid"),
    ],
)
def test_bad_settings_name_the_variable(env, key, value, message):
    refused = refusal(env, {key: value})
    assert refused.startswith(message)
    assert "\n" not in refused


def refusal(env, values: dict[str, str | None]) -> str:
    """Set (or, for None, remove) these variables; what load_settings refuses them with."""
    for key, value in values.items():
        if value is None:
            env.delenv(key)
        else:
            env.setenv(key, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    return str(caught.value)


def test_a_blank_metrics_port_is_unset(env):
    env.setenv("METRICS_PORT", " ")
    assert load_settings().metrics_port is None
    env.setenv("METRICS_PORT", "9101")
    assert load_settings().metrics_port == 9101


def test_the_worker_needs_no_signing_secret(env):
    env.delenv("SLACK_SIGNING_SECRET")
    assert load_settings(http=False).slack_signing_secret == ""
    with pytest.raises(SettingsError):
        load_settings()  # a process that serves Slack's requests does


def test_database_connections_per_process_come_from_the_environment(env):
    settings = load_settings()
    assert (settings.db_pool_size, settings.db_max_overflow) == (4, 2)  # 3 processes × 6 ≤ 20
    env.setenv("DB_POOL_SIZE", "2")
    env.setenv("DB_MAX_OVERFLOW", "0")
    engine = engine_for(load_settings(database_url="postgresql://u@h/db"))
    assert (engine.pool.size(), engine.pool._max_overflow) == (2, 0)
    env.setenv("DB_POOL_SIZE", "0")
    with pytest.raises(SettingsError, match="DB_POOL_SIZE is invalid"):
        load_settings()


def test_socket_mode_needs_no_signing_secret(env):
    env.delenv("SLACK_SIGNING_SECRET")
    env.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings().socket_mode


def test_postgres_urls_get_the_psycopg_driver():
    assert normalize_database_url("postgresql://h/db") == "postgresql+psycopg://h/db"
    assert normalize_database_url("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.parametrize("entry", [["app.py"], ["-m", "bot.worker"]])
def test_entry_points_exit_2_with_one_line(entry):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PORT"))}
    env["PORT"] = "not-a-port"
    env["SLACK_BOT_TOKEN"] = "xoxb-1"
    env["SLACK_SIGNING_SECRET"] = "s"
    done = subprocess.run([sys.executable, *entry], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "parley: configuration error: PORT is invalid: must be a whole number"
    ]
    assert "Traceback" not in done.stderr


def test_log_format(env):
    assert load_settings().log_format == "text"
    env.setenv("LOG_FORMAT", "JSON")
    assert load_settings().log_format == "json"
    env.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="LOG_FORMAT is invalid: must be text or json"):
        load_settings()


def test_json_logs_are_one_object_per_line(env):
    env.setenv("LOG_FORMAT", "json")
    code = ("import logging\n"
            "from bot.application import configure_logging\n"
            "configure_logging('INFO', 'json')\n"
            "log = logging.getLogger('parley.test')\n"
            "log.info('opened %s', 'D-7 «ü»')\n"
            "try:\n    1 / 0\nexcept ZeroDivisionError:\n    log.exception('it broke')\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2  # the traceback is inside the second object, not lines of its own
    first, second = (json.loads(line) for line in lines)
    assert (first["level"], first["logger"], first["message"]) == ("INFO", "parley.test", "opened D-7 «ü»")
    assert first["time"].endswith("+00:00")
    assert second["message"] == "it broke" and "ZeroDivisionError" in second["exception"]


def test_installed_in_any_workspace_with_the_app_s_client_id_and_secret(env):
    env.delenv("SLACK_BOT_TOKEN")
    env.setenv("SLACK_CLIENT_ID", "1111.2222")
    env.setenv("SLACK_CLIENT_SECRET", "shh")
    settings = load_settings()
    assert settings.multi_workspace and settings.slack_bot_token == ""
    manifest = json.loads((ROOT / "manifest.json").read_text())
    assert settings.slack_scopes.split(",") == manifest["oauth_config"]["scopes"]["bot"]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"SLACK_BOT_TOKEN": None}, "SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID and "
                                    "SLACK_CLIENT_SECRET, to be installed in any workspace)"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "set SLACK_BOT_TOKEN (one workspace) or"),
        ({"SLACK_BOT_TOKEN": None, "SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET is required with SLACK_CLIENT_ID"),
        ({"SLACK_BOT_TOKEN": None, "SLACK_CLIENT_SECRET": "s"}, "SLACK_CLIENT_ID is required with SLACK_CLIENT_SECRET"),
        ({"SLACK_BOT_TOKEN": None, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s",
          "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_APP_TOKEN (Socket Mode) works with SLACK_BOT_TOKEN only"),
        ({"SLACK_SCOPES": "commands, chat write"}, "SLACK_SCOPES is invalid"),
    ],
)
def test_the_two_modes_are_chosen_plainly(env, values, message):
    assert refusal(env, values).startswith(message)


def test_a_dot_env_file_is_read_when_present_and_the_environment_wins(env, tmp_path):
    env.delenv("SLACK_BOT_TOKEN")
    env.delenv("PARLEY_ENV_FILE", raising=False)
    env.chdir(tmp_path)
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nPORT=8081\n"
                                   "# a comment\nLOG_LEVEL=debug\n")
    env.setenv("LOG_LEVEL", "warning")
    settings = load_settings()
    assert settings.slack_bot_token == "xoxb-from-file" and settings.port == 8081
    assert settings.log_level == "WARNING"  # the environment's value, not the file's


def test_no_dot_env_file_is_needed(env, tmp_path):
    env.delenv("PARLEY_ENV_FILE", raising=False)
    env.chdir(tmp_path)
    assert load_settings().slack_bot_token == "xoxb-1"


def test_parley_env_file_names_another_file_or_none(env, tmp_path):
    env.delenv("SLACK_BOT_TOKEN")
    (tmp_path / "parley.env").write_text("SLACK_BOT_TOKEN=xoxb-named\n")
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-default\n")
    env.chdir(tmp_path)
    env.setenv("PARLEY_ENV_FILE", str(tmp_path / "parley.env"))
    assert load_settings().slack_bot_token == "xoxb-named"
    env.setenv("PARLEY_ENV_FILE", "")
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN is required"):
        load_settings()
