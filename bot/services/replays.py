"""Each Slack request's work is done once, whichever process it reaches and however often Slack
(or anyone replaying a signed request) sends it. See models/handled_request.py."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, delete
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.db import rows_changed
from models import HandledRequest, utcnow

KEEP = timedelta(days=1)  # Slack retries an event for about an hour; signatures age out in 5 min


def key_for(kind: str, *parts: str) -> str:
    """A short, fixed-size key (the parts come from the request, so their size is not ours)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:48]
    return f"{kind}:{digest}"


def first_time(session: Session, key: str) -> bool:
    """Record `key`; True only for the first caller. Concurrent callers on PostgreSQL wait on the
    primary key until the first commits, then see the conflict; on SQLite writers take turns."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    inserted = session.execute(_CLAIM[postgresql], {"key": key, "at": utcnow()}).first()
    return inserted is not None  # (rowcount is not reliable for this statement on psycopg)


# A Core statement on the table (not an ORM insert of the entity): this runs before the work of
# nearly every request, and the ORM's bulk-insert machinery would cost it twice the CPU.
_TABLE = cast(Table, HandledRequest.__table__)
_CLAIM = {
    postgresql: insert(_TABLE).on_conflict_do_nothing(index_elements=["key"]).returning(_TABLE.c.key)
    for postgresql, insert in ((True, postgresql_insert), (False, sqlite_insert))
}


def forget_older_than(session: Session, cutoff: datetime) -> int:
    return rows_changed(session, delete(HandledRequest).where(HandledRequest.at < cutoff))


def forget_old(session: Session) -> int:
    return forget_older_than(session, utcnow() - KEEP)
