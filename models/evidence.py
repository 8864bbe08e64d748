"""Evidence: files and Slack messages attached to a dispute, with Parley's own copy of each.

An item is written when someone attaches it (waiting for its copy), and kept once its bytes are
copied from Slack and hashed; an item Slack would not give (a file of another organization, a
deleted message, a channel Parley is not in) stays a link, marked not copied. The same bytes
attached twice by one side are one item (by both sides, two: each side's own evidence, and
neither learns from it what the other has sealed)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.perspective import Perspective


class EvidenceStatus(StrEnum):
    WAITING = "waiting"  # attached; its copy is being fetched from Slack
    KEPT = "kept"  # Parley holds a copy, hashed (sha256) and in the audit trail
    NOT_COPIED = "not_copied"  # Slack would not give it: a link only, also in the trail


class EvidenceKind(StrEnum):
    FILE = "file"
    MESSAGE = "message"  # a Slack message as it was when attached (kept as canonical JSON)


class EvidenceItem(Base):
    __tablename__ = "evidence_items"
    __table_args__ = (
        UniqueConstraint("dispute_id", "side", "sha256"),  # the same bytes from one side: one item
        Index("ix_evidence_items_dispute", "dispute_id", "id"),
        Index("ix_evidence_items_waiting", "status", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # E1, E2 … within the dispute
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=EvidenceStatus.WAITING)
    name: Mapped[str] = mapped_column(String(300))  # as given (a file's name), cleaned, bounded
    note: Mapped[str | None] = mapped_column(Text)  # what it shows, in the words of who added it
    added_by_team: Mapped[str] = mapped_column(String(32))
    added_by_user: Mapped[str] = mapped_column(String(32))
    side: Mapped[str] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(16))  # perspective | proposal | form | shortcut
    # Sealed with this perspective until both sides' are revealed.
    perspective_id: Mapped[int | None] = mapped_column(ForeignKey("perspectives.id", ondelete="SET NULL"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    # Where it came from in Slack.
    slack_file_id: Mapped[str | None] = mapped_column(String(32))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    permalink: Mapped[str | None] = mapped_column(String(500))
    claimed_type: Mapped[str | None] = mapped_column(String(100))  # what Slack said it is; never trusted
    size: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    stored_ref: Mapped[str | None] = mapped_column(String(200))  # where the store keeps the copy
    not_copied_reason: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # a worker is fetching it
    kept_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # recorded: kept, or a link only

    perspective: Mapped[Perspective | None] = relationship()

    @property
    def label(self) -> str:
        return f"E{self.number}"

    @property
    def sealed(self) -> bool:
        """Attached to a perspective the other side has not been shown yet."""
        return self.perspective is not None and self.perspective.released_at is None


class EvidenceBlob(Base):
    """The embedded store's copies (EVIDENCE_STORE=database), by their SHA-256."""

    __tablename__ = "evidence_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
