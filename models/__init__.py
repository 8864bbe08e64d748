"""SQLAlchemy models, one module per aggregate; importing this package registers them all."""

# Imported for what importing does: it registers the OAuth tables.
from models import installations as installations
from models.agreement import ActionItem, Agreement, AgreementStatus, Approval
from models.audit import AuditEvent
from models.base import Base, UTCDateTime, utcnow
from models.calendar import OrgCalendar, SlackDefaults, Turn
from models.channel import ChannelProvider
from models.checkin import CheckIn, CheckInStatus
from models.dispute import Dispute, DisputeStatus, Party, Side
from models.evidence import EvidenceBlob, EvidenceItem, EvidenceKind, EvidenceStatus
from models.feedback import Feedback
from models.handled_request import HandledRequest
from models.lesson import LessonLearned
from models.mediation import MediatorRequest, MediatorRequestStatus
from models.outbox import UNDELIVERED, OutboxMessage, OutboxStatus
from models.perspective import Perspective
from models.policy import Policy
from models.proposal import Proposal, ProposalItem, ProposalStatus
from models.settlement import SealedOffer, Settlement, SettlementStatus
from models.workspace import Workspace

__all__ = [
    "ActionItem",
    "Agreement",
    "AgreementStatus",
    "Approval",
    "ChannelProvider",
    "CheckIn",
    "CheckInStatus",
    "AuditEvent",
    "Base",
    "Dispute",
    "DisputeStatus",
    "EvidenceBlob",
    "EvidenceItem",
    "EvidenceKind",
    "EvidenceStatus",
    "Feedback",
    "HandledRequest",
    "LessonLearned",
    "MediatorRequest",
    "MediatorRequestStatus",
    "OrgCalendar",
    "OutboxMessage",
    "OutboxStatus",
    "UNDELIVERED",
    "Party",
    "Perspective",
    "Policy",
    "Proposal",
    "ProposalItem",
    "ProposalStatus",
    "SealedOffer",
    "Settlement",
    "SettlementStatus",
    "SlackDefaults",
    "Side",
    "Turn",
    "UTCDateTime",
    "Workspace",
    "utcnow",
]
