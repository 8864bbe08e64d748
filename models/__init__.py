"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

from models.audit import AuditEvent
from models.base import Base, UTCDateTime, utcnow
from models.dispute import Dispute, DisputeStatus, Party, Side
from models.workspace import Workspace

__all__ = [
    "AuditEvent",
    "Base",
    "Dispute",
    "DisputeStatus",
    "Party",
    "Side",
    "UTCDateTime",
    "Workspace",
    "utcnow",
]
