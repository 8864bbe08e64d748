"""Test databases: SQLite always, PostgreSQL too when TEST_DATABASE_URL is set.

Each PostgreSQL test session works in a fresh schema of its own, dropped at the end."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text

from bot.config import normalize_database_url
from bot.db import build_engine
from models import Base

ROOT = Path(__file__).resolve().parents[2]


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


@contextmanager
def fresh_database(backend: str, workdir: Path) -> Iterator[str]:
    """Yields the URL of an empty database of the given backend."""
    if backend == "sqlite":
        path = workdir / f"parley-{secrets.token_hex(4)}.db"
        yield f"sqlite:///{path}"
        return
    base = normalize_database_url(os.environ["TEST_DATABASE_URL"])
    schema = f"parley_t_{secrets.token_hex(5)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def clear(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


def engine_for(url: str) -> Engine:
    return build_engine(url)
