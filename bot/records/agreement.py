"""The agreement's record: what the PDF certificate shows and carries as an attached file
(bot/records/documents/agreement_pdf.py), in a canonical JSON form that `parley verify` checks against
the database. Names come from the caller (they are Slack's, looked up outside any transaction);
everything else from the database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from bot.i18n import N_
from bot.services.evidence import as_of
from models import Agreement, Approval, AuditEvent, Dispute, EvidenceItem, EvidenceStatus, Side

FORMAT = "parley/agreement-record"
VERSION = 1
ATTACHMENT = "parley-record.json"
# Recorded in English (the record is hashed); marked for the catalog, so that a document can
# say a step in its reader's language (agreement_pdf.py).
TIMELINE_KINDS = {
    "dispute.opened": N_("Dispute opened"),
    "perspectives.revealed": N_("Perspectives revealed"),
    "proposal.made": N_("Proposal made"),
    "proposal.accepted": N_("Proposal accepted"),
    "agreement.drafted": N_("Agreement drafted"),
    "agreement.changes_requested": N_("Changes requested"),
    "agreement.approved": N_("Agreement approved"),
    "agreement.ratified": N_("Agreement in effect"),
    "dispute.escalated": N_("Mediator asked for"),
}
TIMELINE_MAX = 20

Name = Callable[[str, str], str]  # (team_id, user_id) -> the person's name
TeamName = Callable[[str], str | None]


def when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def agreement_record(
    dispute: Dispute,
    agreement: Agreement,
    approvals: list[Approval],
    events: list[AuditEvent],
    *,
    name: Name,
    team_name: TeamName,
    trail_head: str | None,
    evidence: list[EvidenceItem] | None = None,
    settled_privately: bool = False,
) -> dict[str, Any]:
    """`evidence`: the items on record when it took effect (evidence_then); `settled_privately`:
    its amount was found by sealed offers (bot/services/settlements.py)."""
    person = people(name, team_name)
    how = approved_how(events, agreement.version)
    # Up to the moment it took effect (the trail's head then), however late this is written.
    upto = next((e.id for e in events if trail_head and e.hash == trail_head), None)
    timeline = [
        {"at": when(e.at), "what": _step(e)}
        for e in events
        if e.kind in TIMELINE_KINDS and (upto is None or e.id <= upto)
    ][-TIMELINE_MAX:]
    return {
        "format": FORMAT,
        "v": VERSION,
        "dispute": {
            "reference": dispute.reference,
            "team_id": dispute.team_id,
            "title": dispute.title,
            "category": dispute.category,
            "channel_id": dispute.channel_id,
            "opened_at": when(dispute.created_at),
        },
        **who_took_part(dispute, person, team_name),
        "agreement": {
            "version": agreement.version,
            "terms": agreement.terms,
            "compensation": money(agreement.amount, agreement.currency),
            "action_items": [
                {
                    "text": i.text,
                    "owner": person(i.owner_team, i.owner_user),
                    "due": i.due_as_agreed.isoformat(),
                }
                for i in agreement.items
            ],
            "content_hash": agreement.content_hash,
            "approvals_rule": agreement.approvals_rule,
            "ratified_at": when(agreement.ratified_at),
        },
        "approvals": [
            {
                **person(a.team_id, a.user_id),
                "at": when(a.at),
                "version": a.version,
                "content_hash": a.content_hash,
                **({"how": how[(a.team_id, a.user_id)]} if (a.team_id, a.user_id) in how else {}),
            }
            for a in approvals
        ],
        "timeline": timeline,
        "evidence": evidence_entries(evidence or [], person),
        **({"settled_privately": True} if settled_privately else {}),
        "audit_trail_head": trail_head,
    }


def evidence_then(
    items: list[EvidenceItem], events: list[AuditEvent], head: str | None, moment: datetime | None
) -> list[EvidenceItem]:
    """The items on record when the agreement took effect, as its audit trail says: recorded
    (evidence.added) up to `head`, the trail's head then, and not sealed then (their account
    revealed by then, or never sealed). Without a head (an agreement from before heads were
    kept), by the clock: recorded by `moment`."""
    if head is None or not any(e.hash == head for e in events):
        return as_of(items, moment)
    upto = next(n for n, e in enumerate(events) if e.hash == head)
    then = events[: upto + 1]
    recorded = {(e.payload or {}).get("item") for e in then if e.kind == "evidence.added"}

    def released(trail: list[AuditEvent]) -> set[int]:
        return {
            pid
            for e in trail
            if e.kind == "perspectives.revealed"
            for pid in (e.payload or {}).get("perspective_ids") or []
        }

    revealed, ever = released(then), released(events)
    return [
        i
        for i in items
        if i.label in recorded
        and (
            i.perspective is None
            or i.perspective.id in revealed
            or (i.perspective.id not in ever and i.perspective.released_at is not None)
        )
    ]


def evidence_entries(
    items: list[EvidenceItem], person: Callable[[str, str], dict[str, str]]
) -> list[dict[str, Any]]:
    """Evidence as a record lists it: what, whose, when, and its SHA-256 (None: not copied)."""
    return [
        {
            "item": i.label,
            "kind": i.kind,
            "name": i.name,
            "side": i.side,
            "added_by": person(i.added_by_team, i.added_by_user),
            "added_at": when(i.added_at),
            "sha256": i.sha256,
            "size": i.size if i.status == EvidenceStatus.KEPT else None,
            "copied": i.status == EvidenceStatus.KEPT,
        }
        for i in items
    ]


def approved_how(events: list[AuditEvent], version: int) -> dict[tuple[str, str], str]:
    """Who approved a version by proposing it or by accepting it ("proposed", "accepted"), from
    its agreement.approved events; an approval given with the Approve button is not listed."""
    return {
        (e.actor_team or "", e.actor_user or ""): e.payload["via"]
        for e in events
        if e.kind == "agreement.approved"
        and e.payload.get("version") == version
        and e.payload.get("via") in ("proposed", "accepted")
    }


def money(amount: Decimal | None, currency: str | None) -> dict[str, str | None] | None:
    return {"amount": str(amount), "currency": currency} if amount is not None else None


def people(name: Name, team_name: TeamName) -> Callable[[str, str], dict[str, str]]:
    """(team_id, user_id) -> the person as a record holds them."""

    def person(team_id: str, user_id: str) -> dict[str, str]:
        return {
            "team_id": team_id,
            "user_id": user_id,
            "name": name(team_id, user_id),
            "organization": team_name(team_id) or team_id,
        }

    return person


def who_took_part(
    dispute: Dispute, person: Callable[[str, str], dict[str, str]], team_name: TeamName
) -> dict[str, list[dict[str, str]]]:
    """The organizations (the dispute's workspace is the provider), parties and mediators."""
    sides: dict[str, str] = {dispute.team_id: Side.PROVIDER.value}
    for party in dispute.parties:
        if party.side == Side.CLIENT:
            sides.setdefault(party.team_id, Side.CLIENT.value)
    return {
        "organizations": [{"team_id": t, "name": team_name(t) or t, "side": s} for t, s in sides.items()],
        "parties": [
            {**person(p.team_id, p.user_id), "side": p.side}
            for p in dispute.parties
            if p.side != Side.MEDIATOR
        ],
        "mediators": [person(p.team_id, p.user_id) for p in dispute.parties if p.side == Side.MEDIATOR],
    }


def _step(event: AuditEvent) -> str:
    version = (event.payload or {}).get("version")
    if event.kind.startswith("agreement.") and isinstance(version, int):
        return f"{TIMELINE_KINDS[event.kind]} (v{version})"
    return TIMELINE_KINDS[event.kind]


def canonical(record: dict[str, Any]) -> bytes:
    """The record as it is attached and hashed: JSON, keys sorted, no spaces, UTF-8."""
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_hash(record: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(record)).hexdigest()
