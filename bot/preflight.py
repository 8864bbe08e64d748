"""Start-up checks that end in one clear line (and exit status 2) instead of a traceback: the
settings (bot/config.py), the database, and Slack (unreachable, or the token refused).

`python -m bot.preflight` checks the settings and the database; `make run` runs it before it
migrates."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn
from urllib.error import URLError

from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.config import Settings, load_settings_or_exit
from bot.db import build_engine


def fail(message: str) -> NoReturn:
    print(f"parley: {message}", file=sys.stderr)
    raise SystemExit(2)


def _first_line(error: BaseException) -> str:
    cause = getattr(error, "orig", None) or getattr(error, "reason", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return lines[0] if lines else type(cause).__name__


def database_or_exit(settings: Settings) -> None:
    """The database answers (its password never printed)."""
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = build_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - whatever it is, one line
        fail(f"cannot reach the database at {shown}: {_first_line(error)}")
    finally:
        engine.dispose()


def slack_failure(error: BaseException, settings: Settings) -> str | None:
    """One line for what Slack said (or did not) when Parley checked its token; None when the
    error is something else."""
    what = "Parley's start-up check (api.test)" if settings.multi_workspace else "SLACK_BOT_TOKEN"
    if isinstance(error, SlackApiError):
        return f"Slack refused {what}: {error.response.get('error', 'unknown error')}"
    if isinstance(error, BoltError):
        return f"Slack refused {what}: {_first_line(error)}"
    if isinstance(error, (URLError, OSError, SlackClientError)):
        return f"cannot reach Slack at {settings.slack_api_url}: {_first_line(error)}"
    return None


def slack_or_exit(settings: Settings) -> None:
    """Slack answers and takes the token (`auth.test`, one retry on a broken connection), with
    slack_sdk's own logging of the attempts kept out of the way of the one line."""
    quiet = logging.getLogger("parley.preflight.slack")
    quiet.propagate = False
    quiet.setLevel(logging.CRITICAL + 1)
    client = WebClient(token=settings.slack_bot_token or None, base_url=settings.slack_api_url, timeout=10,
                       logger=quiet, retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)])
    try:
        if settings.multi_workspace:  # no token of its own: each workspace's comes from its install
            client.api_test()
        else:
            client.auth_test()
    except Exception as error:  # noqa: BLE001 - one line when it is Slack's answer
        message = slack_failure(error, settings)
        if message is None:
            raise
        fail(message)


def main() -> None:
    database_or_exit(load_settings_or_exit())


if __name__ == "__main__":
    main()
