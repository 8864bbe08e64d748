"""Each Slack request's work is done once, whichever process it reaches and however often Slack
(or anyone replaying a signed request) sends it. See models/handled_request.py."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import HandledRequest, utcnow

KEEP = timedelta(days=1)  # Slack retries an event for about an hour; signatures age out in 5 min


def key_for(kind: str, *parts: str) -> str:
    """A short, fixed-size key (the parts come from the request, so their size is not ours)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:48]
    return f"{kind}:{digest}"


def first_time(session: Session, key: str) -> bool:
    """Record `key`; True only for the first caller. Concurrent callers on PostgreSQL wait on the
    primary key until the first commits, then see the conflict; on SQLite writers take turns."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    inserted = session.execute(insert(HandledRequest).values(key=key, at=utcnow())
                               .on_conflict_do_nothing(index_elements=["key"])
                               .returning(HandledRequest.key)).first()
    return inserted is not None  # (rowcount is not reliable for this statement on psycopg)


def forget_older_than(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(HandledRequest).where(HandledRequest.at < cutoff))
    return result.rowcount  # type: ignore[attr-defined]


def forget_old(session: Session) -> int:
    return forget_older_than(session, utcnow() - KEEP)
