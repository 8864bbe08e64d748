"""Copies as files in a directory: <dir>/<first two hex digits>/<sha256>. Each is written to a
temporary name and renamed, so a copy is whole or absent; the name is the hash, never anything
a person typed."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import StoreError
from models import EvidenceItem

_SHA = re.compile(r"[0-9a-f]{64}")


class DirectoryStore:
    kind = "directory"

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def from_setting(cls, value: str) -> DirectoryStore:
        return cls(Path(value.removeprefix("file://")))

    def _path(self, sha256: str) -> Path:
        if not _SHA.fullmatch(sha256):
            raise StoreError("not a SHA-256")
        return self.root / sha256[:2] / sha256

    def put(self, session: Session | None, sha256: str, data: bytes) -> str:
        path = self._path(sha256)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, path)
        except OSError as error:
            raise StoreError(f"cannot write to the evidence directory: {error.strerror}") from error
        return f"dir:{sha256}"

    def get(self, session: Session, ref: str) -> bytes | None:
        try:
            return self._path(ref.removeprefix("dir:")).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StoreError(f"cannot read the evidence directory: {error.strerror}") from error

    def delete(self, session: Session, ref: str) -> None:
        if session.scalar(select(EvidenceItem.id).where(EvidenceItem.stored_ref == ref).limit(1)) is None:
            self._path(ref.removeprefix("dir:")).unlink(missing_ok=True)
