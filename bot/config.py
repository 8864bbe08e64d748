"""Settings read from the environment, validated once, with one clear line on failure."""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./parley.db"
DEFAULT_METRICS_HOST = "127.0.0.1"
# The bot scopes Parley asks for when it is installed (manifest.json lists the same).
DEFAULT_SCOPES = (
    "commands,chat:write,channels:read,groups:read,users:read,team:read,files:write,"
    "im:write,channels:history,groups:history,files:read"
)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def normalize_database_url(url: str) -> str:
    """Accept the URL forms hosting platforms hand out and pick the psycopg 3 driver."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    # The environment first, then a .env file where there is one (never required).
    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=False, extra="ignore", env_file=".env", env_file_encoding="utf-8"
    )

    # One workspace: its bot token. Any workspace (Slack's OAuth install flow): the app's client id
    # and secret, and the bot scopes it asks for (the manifest's). One or the other, not both.
    slack_bot_token: str = Field(
        "",
        description=(
            "Bot token (`xoxb-…`) from *OAuth & Permissions*, for one workspace; checked with "
            "`auth.test` at start-up. Leave it unset to be installed in any workspace instead "
            "(`SLACK_CLIENT_ID` and `SLACK_CLIENT_SECRET`)."
        ),
    )
    slack_client_id: str = Field(
        "",
        description=(
            "From *Basic Information*. With `SLACK_CLIENT_SECRET`, and no `SLACK_BOT_TOKEN`, Parley "
            "can be installed in any workspace through Slack's install flow (`GET /slack/install`)."
        ),
    )
    slack_client_secret: str = Field(
        "", description=("From *Basic Information*; goes with `SLACK_CLIENT_ID`.")
    )
    slack_scopes: str = Field(
        DEFAULT_SCOPES,
        description=("The bot scopes the install flow asks for, separated by commas (the manifest's)."),
    )
    slack_signing_secret: str = Field(
        "",
        description=(
            "From *Basic Information*. Every request is verified with it (forged, or signed more than"
            " 5 minutes ago: 401). Required over HTTP; not needed in Socket Mode or by the worker."
        ),
    )
    slack_app_token: str | None = Field(
        None,
        description=(
            "App-level token (`xapp-…`) with `connections:write`. When set, Parley talks to Slack "
            "over Socket Mode (one workspace only) and serves only `/healthz`, `/readyz` and "
            "`/metrics` over HTTP."
        ),
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        description=(
            "Slack Web API base URL (GovSlack: `https://slack-gov.com/api/`; the tests point it at a "
            "fake Slack)."
        ),
    )
    database_url: str = Field(
        DEFAULT_DATABASE_URL,
        description=(
            "SQLite for a single process; PostgreSQL (`postgres://…` or `postgresql://…`) in production."
        ),
    )
    port: Annotated[
        int,
        Field(
            ge=1,
            le=65535,
            description=(
                "HTTP port for `POST /slack/events`, `GET /healthz`, `GET /readyz` and `GET /metrics`."
            ),
        ),
    ] = 3000
    run_scheduler: bool = Field(
        True,
        description=(
            "Each web process runs the scheduler too (check-ins, reminders, and messages the outbox "
            "still holds). Set `false` when a `worker` runs it; the worker always does."
        ),
    )
    scheduler_tick_seconds: Annotated[
        float,
        Field(
            gt=0,
            le=3600,
            description=(
                "How often, in seconds, the scheduler looks for due check-ins and reminders. Messages "
                "left in the outbox are looked at every second (or this often, if shorter)."
            ),
        ),
    ] = 30.0
    web_concurrency: Annotated[
        int,
        Field(
            ge=1,
            le=64,
            description=("gunicorn's web processes: one per core. Heroku sets it from the dyno size."),
        ),
    ] = 2
    web_threads: Annotated[
        int,
        Field(
            ge=1,
            le=256,
            description=(
                "Request threads per web process: the built-in server (`make run`) and gunicorn alike."
            ),
        ),
    ] = 16
    # Database connections per process (PostgreSQL): at most DB_POOL_SIZE + DB_MAX_OVERFLOW. With
    # the defaults, two web processes and a worker hold at most 3 × 6 = 18, within the 20 that
    # small managed PostgreSQL plans allow.
    db_pool_size: Annotated[
        int,
        Field(
            ge=1,
            le=100,
            description=("PostgreSQL connections each process (web or worker) keeps open in its pool."),
        ),
    ] = 4
    db_max_overflow: Annotated[
        int,
        Field(
            ge=0,
            le=100,
            description=(
                "Connections a process may open beyond its pool in a burst. Keep (web processes + "
                "workers) × (`DB_POOL_SIZE` + `DB_MAX_OVERFLOW`), plus 1 for a deploy's migrations, under"
                " your database plan's limit."
            ),
        ),
    ] = 2
    strict_transactions: bool = Field(
        False,
        description=(
            "For development and tests: a Slack call made while a database transaction is open is an "
            "error instead of a logged one (the tests set it, so the whole suite proves the rule)."
        ),
    )
    log_level: str = Field(
        "INFO", description=("`DEBUG`, `INFO`, `WARNING` or `ERROR`. No level logs private text.")
    )
    log_format: str = Field(
        "text",
        description=(
            "`text` for people; `json` for one JSON object per line, for log platforms that index fields."
        ),
    )
    # The worker serves no HTTP; with this set it serves its own /metrics on this port, listening
    # on metrics_host only: this machine, unless said otherwise.
    metrics_port: Annotated[
        int | None,
        Field(
            ge=1,
            le=65535,
            description=(
                "The worker serves its own Prometheus metrics on this port. Web processes serve theirs at"
                " `GET /metrics` on `PORT`."
            ),
        ),
    ] = None
    metrics_host: str = Field(
        DEFAULT_METRICS_HOST,
        description=(
            "The address the worker's metrics listen on: this machine only by default. Set `0.0.0.0` "
            "(every interface) when the scraper runs elsewhere, and set `METRICS_TOKEN` too."
        ),
    )
    # When set, GET /metrics (the web's and the worker's) answers only requests with
    # "Authorization: Bearer <this>".
    metrics_token: str = Field(
        "",
        description=(
            "When set, `GET /metrics` (the web processes' and the worker's) answers only "
            "`Authorization: Bearer <token>`; anything else gets 401."
        ),
    )

    evidence_store: str = Field(
        "database",
        description=(
            "Where Parley keeps its copies of evidence: `database` (in Parley's own database), a "
            "directory (`/var/lib/parley/evidence`), or an S3-compatible bucket (`s3://bucket/prefix`, "
            "with the standard `AWS_*` variables, and `AWS_ENDPOINT_URL` for one that is not AWS)."
        ),
    )
    evidence_max_file_mb: Annotated[
        int,
        Field(
            ge=1,
            le=1024,
            description="The largest file Parley keeps as evidence, in MB (Slack's forms take 10).",
        ),
    ] = 10
    evidence_max_files: Annotated[
        int,
        Field(
            ge=1,
            le=10,
            description="Files one form may attach at once (Slack's file input takes at most 10).",
        ),
    ] = 10
    evidence_max_dispute_mb: Annotated[
        int,
        Field(
            ge=1,
            le=450,
            description=(
                "The evidence Parley keeps for each side of one dispute, in MB (at most 450, so that "
                "an export's bundle stays under the 1 GB `parley verify` reads)."
            ),
        ),
    ] = 200

    @field_validator(
        "port",
        "web_concurrency",
        "web_threads",
        "db_pool_size",
        "db_max_overflow",
        "evidence_max_file_mb",
        "evidence_max_files",
        "evidence_max_dispute_mb",
        mode="before",
    )
    @classmethod
    def _whole_number(cls, value: object) -> object:
        """Digits only ("2.0" is not a number of processes; gunicorn would not read it either);
        blank is the default."""
        if isinstance(value, str):
            if not value.strip():
                raise PydanticUseDefault()
            if not value.strip().isdigit():
                raise ValueError("must be a whole number")
            return int(value.strip())
        return value

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _metrics_port(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("metrics_host")
    @classmethod
    def _metrics_host(cls, value: str) -> str:
        value = value.strip()
        if not value:
            return DEFAULT_METRICS_HOST
        try:
            ipaddress.ip_address(value)
        except ValueError:
            if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.-]{0,252}", value):
                raise ValueError(
                    "must be an address to listen on, such as 127.0.0.1 (this machine "
                    "only) or 0.0.0.0 (every interface)"
                ) from None
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_client_id", "slack_client_secret")
    @classmethod
    def _stripped(cls, value: str) -> str:
        return value.strip()

    @field_validator("slack_scopes")
    @classmethod
    def _scopes(cls, value: str) -> str:
        scopes = [scope.strip() for scope in value.split(",") if scope.strip()]
        if not scopes or any(not re.fullmatch(r"[a-z.:_-]+", scope) for scope in scopes):
            raise ValueError("must be Slack scopes separated by commas, such as commands,chat:write")
        return ",".join(scopes)

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("evidence_store")
    @classmethod
    def _evidence_store(cls, value: str) -> str:
        value = value.strip() or "database"
        if value == "database":
            return value
        if value.startswith("s3://"):
            if not value.removeprefix("s3://").split("/")[0]:
                raise ValueError("an S3 bucket is s3://bucket or s3://bucket/prefix")
            return value
        path = value.removeprefix("file://")
        if not path.startswith("/"):
            raise ValueError("must be `database`, an absolute directory path, or s3://bucket/prefix")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = normalize_database_url(value)
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in {"text", "json"}:
            raise ValueError("must be text or json")
        return value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def multi_workspace(self) -> bool:
        """Installed through Slack's OAuth flow, each workspace with its own token (from the
        installation store), rather than one workspace's SLACK_BOT_TOKEN."""
        return not self.slack_bot_token

    def check_mode(self) -> None:
        if self.slack_bot_token and (self.slack_client_id or self.slack_client_secret):
            raise SettingsError(
                "set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                "(installed in any workspace), not both"
            )
        if self.slack_client_id and not self.slack_client_secret:
            raise SettingsError(
                "SLACK_CLIENT_SECRET is required with SLACK_CLIENT_ID (find both "
                "under Basic Information in your Slack app)"
            )
        if self.slack_client_secret and not self.slack_client_id:
            raise SettingsError("SLACK_CLIENT_ID is required with SLACK_CLIENT_SECRET")
        if not self.slack_bot_token and not self.slack_client_id:
            raise SettingsError(
                "SLACK_BOT_TOKEN is required (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, to be "
                "installed in any workspace)"
            )
        if self.multi_workspace and self.socket_mode:
            raise SettingsError(
                "SLACK_APP_TOKEN (Socket Mode) works with SLACK_BOT_TOKEN only: "
                "installing in many workspaces needs Slack to reach Parley over HTTP"
            )

    def check_for_http(self) -> None:
        """HTTP mode verifies every request, so it cannot run without the signing secret."""
        if not self.socket_mode and not self.slack_signing_secret.strip():
            raise SettingsError(
                "SLACK_SIGNING_SECRET is required (find it under Basic Information in your Slack app)"
            )


# pydantic's words for the common mistakes, said for someone setting a variable.
PLAIN_ERRORS = {
    "int_parsing": "must be a whole number",
    "float_parsing": "must be a number",
    "bool_parsing": "must be true or false",
}


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    name = str(first["loc"][0]).upper() if first.get("loc") else "settings"
    if first["type"] == "missing":
        return f"{name} is required but not set"
    message = PLAIN_ERRORS.get(first["type"]) or first["msg"].removeprefix("Value error, ")
    return f"{name} is invalid: {message}"


def env_file() -> str | None:
    """The .env file settings are read from: ./.env, or PARLEY_ENV_FILE's (empty: none)."""
    return os.environ.get("PARLEY_ENV_FILE", ".env") or None


def env_value(name: str) -> str | None:
    """One variable as Settings would see it: the environment's, else the .env file's."""
    if os.environ.get(name):
        return os.environ[name]
    path = env_file()
    if path is None or not os.path.isfile(path):
        return None
    from dotenv import dotenv_values  # pydantic-settings' own reader of .env files

    found = {key.upper(): value for key, value in dotenv_values(path).items()}
    return found.get(name.upper()) or None


def load_settings(*, http: bool = True, slack: bool = True, **overrides: object) -> Settings:
    """Read settings from the environment and .env; raise SettingsError with a one-line reason.
    `http`: the process serves Slack's requests (the worker does not, and needs no signing
    secret); `slack`: it talks to Slack at all (the release step needs the database only)."""
    try:
        # (Each override is the field's own value: pydantic checks it, mypy cannot see which.)
        settings = Settings(_env_file=env_file(), **overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
    if slack:
        settings.check_mode()
    if http:
        settings.check_for_http()
    return settings


def load_settings_or_exit(*, http: bool = True, slack: bool = True, **overrides: object) -> Settings:
    """For entry points: print one line and exit with status 2 when settings are wrong."""
    try:
        return load_settings(http=http, slack=slack, **overrides)
    except SettingsError as error:
        print(f"parley: configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
