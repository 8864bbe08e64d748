"""The embedded default: copies in Parley's own database (evidence_blobs), written in the same
transaction as the item they belong to."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import EvidenceBlob, EvidenceItem, utcnow


class DatabaseStore:
    kind = "database"

    def put(self, session: Session | None, sha256: str, data: bytes) -> str:
        assert session is not None, "the database store writes in the caller's transaction"
        # Another dispute's transaction may be keeping the same bytes at this moment: the first
        # to commit writes them, the other finds them there (no error either way).
        insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(
            insert(EvidenceBlob)
            .values(sha256=sha256, size=len(data), data=data, stored_at=utcnow())
            .on_conflict_do_nothing(index_elements=["sha256"])
        )
        return f"db:{sha256}"

    def get(self, session: Session, ref: str) -> bytes | None:
        blob = session.get(EvidenceBlob, ref.removeprefix("db:"))
        return bytes(blob.data) if blob is not None else None

    def delete(self, session: Session, ref: str) -> None:
        """Only when no other item (of another dispute) holds the same bytes."""
        sha = ref.removeprefix("db:")
        others = session.scalar(select(EvidenceItem.id).where(EvidenceItem.stored_ref == ref).limit(1))
        if others is None:
            session.execute(delete(EvidenceBlob).where(EvidenceBlob.sha256 == sha))
