"""Human words for stored values."""

from __future__ import annotations

from bot.services.vocabulary import CATEGORIES
from models import DisputeStatus, Side

STATUS_LABELS: dict[str, str] = {
    DisputeStatus.OPEN: ":large_yellow_circle: Open: waiting for both sides' perspectives",
    DisputeStatus.DISCUSSING: ":speech_balloon: Discussing",
    DisputeStatus.AGREEMENT_PENDING: ":memo: Agreement awaiting approval",
    DisputeStatus.AGREED: ":handshake: Agreed: the agreement is in effect",
    DisputeStatus.RESOLVED: ":white_check_mark: Resolved",
    DisputeStatus.CLOSED: ":lock: Closed",
}

SIDE_LABELS: dict[str, str] = {
    Side.PROVIDER: "Provider side",
    Side.CLIENT: "Client side",
    Side.MEDIATOR: "Mediator",
}


def status_label(status: str, escalated: bool = False) -> str:
    label = STATUS_LABELS.get(status, status)
    return label + (" · :rotating_light: escalated" if escalated else "")


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category.title())
