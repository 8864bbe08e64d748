"""Where Parley keeps its copies of evidence: content-addressed by SHA-256, so the same bytes are
stored once and a copy can be checked against its name.

EVIDENCE_STORE picks one: `database` (the default: the copies live in Parley's own database,
table evidence_blobs), a directory (`/var/lib/parley/evidence` or `file:///…`), or an
S3-compatible bucket (`s3://bucket/prefix`, credentials and endpoint from the standard AWS
variables, through boto3)."""

from __future__ import annotations

import hashlib
from typing import Protocol

from sqlalchemy.orm import Session


class StoreError(Exception):
    """The store could not keep or give back a copy (a full disk, a refused bucket)."""


class EvidenceStore(Protocol):
    """`put` keeps `data` under its SHA-256 and returns the reference to keep with the item (the
    caller's transaction holds what the database store writes; the other stores take no session,
    and are written before the transaction); `get` gives the bytes back, or None when the copy
    is gone."""

    kind: str

    def put(self, session: Session | None, sha256: str, data: bytes) -> str: ...

    def get(self, session: Session, ref: str) -> bytes | None: ...

    def delete(self, session: Session, ref: str) -> None: ...


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_store(setting: str) -> EvidenceStore:
    """The store EVIDENCE_STORE names (bot/config.py has checked its form)."""
    value = setting.strip()
    if value in ("", "database"):
        from bot.store.database import DatabaseStore

        return DatabaseStore()
    if value.startswith("s3://"):
        from bot.store.s3 import S3Store

        return S3Store.from_url(value)
    from bot.store.directory import DirectoryStore

    return DirectoryStore.from_setting(value)
