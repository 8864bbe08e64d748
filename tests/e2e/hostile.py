"""Shared checks for the hostile-request tests: what was written, and what was logged."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from bot.db import Database
from models import Base

# Handled Slack requests (retries and replays are recognised by them), and what Slack says of an
# organization's people (time zone and locale: a cache of Slack's answers, bot/slack/listen.py):
# keeping either is not "writing something" in the sense these tests mean.
NOT_COUNTED = {"handled_requests", "slack_defaults"}


def table_counts(db: Database) -> dict[str, int]:
    """Rows in every table Parley keeps (but NOT_COUNTED)."""
    tables = [t for t in Base.metadata.sorted_tables if t.name not in NOT_COUNTED]
    with db.read() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def problems_in(records: list[logging.LogRecord]) -> list[str]:
    """Log records that must never follow a request, whatever its body: a traceback, an error."""
    return [f"{r.levelname} {r.name}: {r.getMessage()}" for r in records
            if r.exc_info is not None or r.levelno >= logging.ERROR]


def lines_about_requests(records: list[logging.LogRecord]) -> list[Any]:
    """What the web layer, Bolt and Parley's listeners said (INFO and above)."""
    return [r.getMessage() for r in records if r.levelno >= logging.INFO
            and r.name.startswith(("parley", "slack_bolt", "waitress"))]
