"""Log lines: LOG_FORMAT=json gives one JSON object per line, for log platforms that index fields
(written with the standard library's json: a formatter is a dozen lines, no dependency needed).

Each line carries what is known of the request it belongs to: a request id (one per Slack request,
made up here: Slack sends none), the team, and the dispute's reference once Parley has it. They
live in a context variable, so they follow the work after an ack onto the listener executor
(bot/executor.py copies the context into each task)."""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

_fields: ContextVar[dict[str, str]] = ContextVar("parley_log_fields", default={})  # noqa: B039 - never mutated


def new_request_id() -> str:
    return secrets.token_hex(6)


@contextmanager
def fields(**values: str | None) -> Iterator[None]:
    """Add these fields to every line logged inside the block (in this context)."""
    token = _fields.set({**_fields.get(), **{k: v for k, v in values.items() if v}})
    try:
        yield
    finally:
        _fields.reset(token)


def bind(**values: str | None) -> None:
    """Add fields for the rest of this context (a listener's task: its context is its own)."""
    _fields.set({**_fields.get(), **{k: v for k, v in values.items() if v}})


def current() -> dict[str, str]:
    return _fields.get()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_fields.get(),
            "process": record.process,
            "thread": record.threadName,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """The default, for people: the request's fields, when there are any, before the message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        known = _fields.get()
        if not known:
            return line
        head, _, message = line.partition(": ")
        return f"{head}: [{' '.join(f'{k}={v}' for k, v in known.items())}] {message}"
