"""Engine and session construction; one transaction per unit of work."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from sqlalchemy import ARRAY, CursorResult, Engine, Executable, Integer, any_, bindparam, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from bot.config import normalize_database_url

READ_ONLY = "parley_read_only"

_open = threading.local()


def in_transaction() -> bool:
    """Is this thread inside `Database.transaction()`? (No Slack call may happen there.)"""
    return getattr(_open, "depth", 0) > 0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event (below) emit BEGIN itself, so that writers can take the
    # write lock up front (BEGIN IMMEDIATE) instead of failing mid-transaction when two collide.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    """Writers serialize on SQLite's single write lock; read-only sessions don't take it."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


def build_engine(url: str, *, pool_size: int = 4, max_overflow: int = 2, **kwargs: Any) -> Engine:
    """Create an engine; nothing connects until the first query. On PostgreSQL a process holds
    at most pool_size + max_overflow connections (DB_POOL_SIZE, DB_MAX_OVERFLOW)."""
    url = normalize_database_url(url)
    # A database error names its statement but never the values it carried (people's words, a
    # sealed limit): an error's traceback is logged.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, pool_size=pool_size, max_overflow=max_overflow, **kwargs)


def one_of(session: Session, column: Any, ids: Iterable[int]) -> Any:
    """`column IN (ids)`; on PostgreSQL `column = ANY(:ids)`, one array parameter however many ids
    there are: psycopg converts a statement with thousands of parameters slowly and never caches
    it (a tick's round names up to 3,000 rows: docs/performance.md)."""
    ids = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def rows_changed(session: Session, statement: Executable) -> int:
    """Run an UPDATE or DELETE; how many rows it changed (its cursor's rowcount)."""
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount or 0


class Database:
    """Hands out sessions; `transaction()` commits on success and rolls back on any error."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(engine, expire_on_commit=False)
        self._read_factory = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False
        )
        # SQLite's read transactions see one moment already; PostgreSQL's READ COMMITTED sees
        # each statement's own.
        moment = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
        self._snapshot_factory = sessionmaker(
            engine.execution_options(**{READ_ONLY: True}, **moment), expire_on_commit=False
        )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction that writes. It delivers nothing: the messages it saves in the outbox
        wait for the scheduler's tick (bot/services/unit_of_work.py delivers them at once)."""
        _open.depth = getattr(_open, "depth", 0) + 1
        try:
            with self._factory() as session, session.begin():
                yield session
        finally:
            _open.depth -= 1

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A transaction that only reads (on SQLite it does not take the write lock)."""
        with self._read_factory() as session, session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read that sees the database as it was at one moment throughout: for what is read
        in several queries and must agree (a dispute's exported record)."""
        with self._snapshot_factory() as session, session.begin():
            yield session
