"""Start-up checks that end in one clear line instead of a traceback: the settings
(bot/config.py), the database, and Slack (unreachable, or the token refused).

The exit status says whether starting again can help: 2 (CONFIGURATION) for a setting that is
wrong, which only a change fixes; 75 (UNAVAILABLE, sysexits' EX_TEMPFAIL) for a database or a
Slack that does not answer now, which a later start may find answering.

`python -m bot.preflight` checks the settings and the database; `make run` runs it before it
migrates."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import NamedTuple, NoReturn
from urllib.error import URLError

from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import Settings, load_settings_or_exit
from bot.db import build_engine

CONFIGURATION = 2
UNAVAILABLE = 75


class Stop(NamedTuple):
    """Why a process cannot start, in one line, and its exit status."""

    line: str
    status: int = CONFIGURATION


def fail(message: str, status: int = CONFIGURATION) -> NoReturn:
    print(f"parley: {message}", file=sys.stderr)
    raise SystemExit(status)


def stop(reason: Stop) -> NoReturn:
    fail(reason.line, reason.status)


def first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or getattr(error, "reason", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def not_socket_mode_or_exit(settings: Settings) -> None:
    """gunicorn serves HTTP only: with SLACK_APP_TOKEN set it would hear nothing from Slack."""
    if settings.socket_mode:
        fail(
            "configuration error: SLACK_APP_TOKEN is set, and Socket Mode runs in one process "
            "(python app.py, or the image's `app` command), not under gunicorn; unset it to serve "
            "Slack over HTTP"
        )


def database_or_exit(settings: Settings) -> None:
    """The database answers (its password never printed)."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = build_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - whatever it is, one line
        fail(f"cannot reach the database at {shown}: {first_line(error)}", UNAVAILABLE)
    finally:
        engine.dispose()


def evidence_store_or_exit(settings: Settings) -> None:
    """Where evidence is kept can be used: a directory that exists (or can be made) and can be
    written. An S3 bucket is only asked when a copy is kept: a failure then is told to the
    person, and the item stays a link."""
    where = settings.evidence_store
    if where == "database":
        return
    if where.startswith("s3://"):
        return
    directory = Path(where.removeprefix("file://"))
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"configuration error: EVIDENCE_STORE {directory} cannot be made: {error.strerror or error}")
    if not os.access(directory, os.W_OK | os.X_OK):
        fail(f"configuration error: EVIDENCE_STORE {directory} is not writable by this process")


def _not_slack(response: object) -> str | None:
    """What an answer that is not Slack's looks like, or None when it is Slack's: Slack answers
    with JSON that has "ok". (slack_sdk turns a body that is not JSON into an error of its own,
    "Received a response in a non-JSON format".)"""
    status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", None) or {}
    data = getattr(response, "data", None)
    kind = next(
        (
            str(value).split(";")[0].strip()
            for key, value in dict(headers).items()
            if str(key).lower() == "content-type"
        ),
        "",
    )
    not_json = str((data or {}).get("error", "") if isinstance(data, dict) else "").startswith(
        "Received a response in a non-JSON format"
    )
    if isinstance(data, dict) and "ok" in data and not not_json and (not kind or "json" in kind):
        return None
    return f"it answered HTTP {status} with {kind or 'no content type'}, not Slack's JSON"


def slack_failure(error: BaseException, settings: Settings, *, token: str | None = None) -> Stop | None:
    """One line for what Slack said (or did not) when Parley checked its token (`token`: which
    one, SLACK_BOT_TOKEN by default); None when the error is something else."""
    what = token or ("Parley's start-up check (api.test)" if settings.multi_workspace else "SLACK_BOT_TOKEN")
    if isinstance(error, SlackApiError):
        status = getattr(error.response, "status_code", 200)
        if isinstance(status, int) and status >= 500:  # Slack's own trouble, or a proxy's
            return Stop(
                f"Slack at {settings.slack_api_url} answered HTTP {status}: it may be down for now",
                UNAVAILABLE,
            )
        not_slack = _not_slack(error.response)
        if not_slack:
            return Stop(f"SLACK_API_URL {settings.slack_api_url} is not Slack's Web API: {not_slack}")
        return Stop(f"Slack refused {what}: {error.response.get('error', 'unknown error')}")
    if isinstance(error, BoltError):
        return Stop(f"Slack refused {what}: {first_line(error)}")
    if isinstance(error, (URLError, OSError, SlackClientError)):
        return Stop(f"cannot reach Slack at {settings.slack_api_url}: {first_line(error)}", UNAVAILABLE)
    return None


def slack_or_exit(settings: Settings) -> None:
    """Slack answers and takes the token (`auth.test`, one retry on a broken connection), with
    slack_sdk's own logging of the attempts kept out of the way of the one line."""
    quiet = logging.getLogger("parley.preflight.slack")
    quiet.propagate = False
    quiet.setLevel(logging.CRITICAL + 1)
    client = WebClient(
        token=settings.slack_bot_token or None,
        base_url=settings.slack_api_url,
        timeout=10,
        logger=quiet,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
    )
    try:
        if settings.multi_workspace:  # no token of its own: each workspace's comes from its install
            client.api_test()
        else:
            client.auth_test()
    except Exception as error:
        reason = slack_failure(error, settings)
        if reason is None:
            raise
        stop(reason)


def main() -> None:
    database_or_exit(load_settings_or_exit())


if __name__ == "__main__":
    main()
