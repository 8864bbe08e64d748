"""A dispute's whole record, as `/dispute export` gives it to one side: what the exported PDF
shows and carries as an attached file (bot/records/documents/export_pdf.py), in the canonical JSON form of
bot/records/agreement.py, which `parley verify` checks against the database
(bot/records/verify_export.py).

The provider side's record is complete. The client side's leaves out what is internal to the
provider's team (bot/records/export_access.py). Sealed perspectives never revealed are left out of
both: the record must not show what the other side was never shown."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.records.agreement import (
    ATTACHMENT,
    Name,
    TeamName,
    evidence_entries,
    money,
    people,
    when,
    who_took_part,
)
from bot.records.export_access import INTERNAL_EVENTS
from bot.records.history import Record
from bot.services.opening import account_given
from models import Dispute, EvidenceItem, EvidenceKind, EvidenceStatus

FORMAT = "parley/dispute-record"
VERSION = 1
__all__ = ["ATTACHMENT", "FORMAT", "dispute_record", "event_detail", "money"]
FULL, CLIENT = "full", "client"


def exported_evidence(items: list[EvidenceItem]) -> list[EvidenceItem]:
    """The items an export lists: recorded (kept, or a link only), and not sealed."""
    return [i for i in items if i.status != EvidenceStatus.WAITING and not i.sealed]


def bundle_path(item: EvidenceItem) -> str:
    """Where a bundle holds an item's copy: its label and a name made of safe characters only
    (letters, digits, dot, dash, underscore), so that no name can reach outside the folder
    whatever tool extracts it."""
    if item.kind == EvidenceKind.MESSAGE:
        return f"evidence/{item.label}-slack-message.json"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", item.name).strip("._")[:80] or "file"
    return f"evidence/{item.label}-{safe}"


def event_detail(kind: str, payload: dict[str, Any] | None) -> str | None:
    """What a timeline entry names besides its kind: the proposal (P2), the agreement's version
    (v1), the new status."""
    payload = payload or {}
    value = (
        payload.get("proposal")
        if kind.startswith("proposal.")
        else f"v{payload['version']}"
        if kind.startswith("agreement.") and isinstance(payload.get("version"), int)
        else payload.get("new")
        if kind == "dispute.status_changed"
        else None
    )
    return value if isinstance(value, str) else None


def dispute_record(
    dispute: Dispute,
    record: Record,
    *,
    internal: bool,
    name: Name,
    team_name: TeamName,
    exported_at: datetime,
) -> dict[str, Any]:
    """`record` is what bot/records/history.gather loaded; `name` and `team_name` give
    people's and organizations' names (looked up outside any transaction)."""
    person = people(name, team_name)
    events = [e for e in record.events if internal or e.kind not in INTERNAL_EVENTS]
    shown = exported_evidence(record.evidence)
    # Opened with the opener's account as their side's perspective (bot/services/opening.py):
    # their words are in "perspectives", once revealed, and never here (sealed means sealed).
    account = account_given([e.payload or {} for e in record.events if e.kind == "dispute.opened"])
    out: dict[str, Any] = {
        "format": FORMAT,
        "v": VERSION,
        "scope": FULL if internal else CLIENT,
        "exported_at": when(exported_at),
        "dispute": {
            "reference": dispute.reference,
            "team_id": dispute.team_id,
            "title": dispute.title,
            "category": dispute.category,
            "channel_id": dispute.channel_id,
            "opened_at": when(dispute.created_at),
            "opened_by": person(dispute.opened_by_team, dispute.opened_by_user),
            "amount": money(dispute.amount, dispute.currency),
            "description": None if account else dispute.description,
            "desired_outcome": None if account else dispute.desired_outcome,
            "status": dispute.status,
            "ended_how": dispute.ended_how,
            "ended_reason": dispute.ended_reason,
            "ended_at": when(dispute.ended_at),
        },
        **who_took_part(dispute, person, team_name),
        "perspectives": [
            {
                "author": {**person(p.party.team_id, p.party.user_id), "side": p.party.side},
                "version": p.version,
                "at": when(p.created_at),
                "revealed_at": when(p.released_at),
                "what_happened": p.what_happened,
                "impact": p.impact,
                "resolution": p.resolution,
                "acknowledgement": p.acknowledgement,
            }
            for p in record.perspectives
            if p.released_at
        ],
        "proposals": [
            {
                "number": p.number,
                "summary": p.summary,
                "details": p.details,
                "remedy": p.remedy,
                "compensation": money(p.amount, p.currency),
                "status": p.status,
                "author": person(p.author.team_id, p.author.user_id),
                "at": when(p.created_at),
                "decided_at": when(p.decided_at),
                "decline_reason": p.decline_reason,
                "action_items": [
                    {
                        "text": i.text,
                        "owner": person(i.owner_team, i.owner_user),
                        "due": i.due_date.isoformat(),
                    }
                    for i in p.items
                ],
            }
            for p in record.proposals
        ],
        "agreements": [
            {
                "version": a.version,
                "status": a.status,
                "terms": a.terms,
                "compensation": money(a.amount, a.currency),
                "content_hash": a.content_hash,
                "approvals_rule": a.approvals_rule,
                "drafted_at": when(a.created_at),
                "ratified_at": when(a.ratified_at),
                "action_items": [
                    {
                        "text": i.text,
                        "owner": person(i.owner_team, i.owner_user),
                        "due": i.due_as_agreed.isoformat(),
                        "due_now": i.due_date.isoformat(),
                        "status": i.status,
                    }
                    for i in a.items
                ],
                "approvals": [
                    {
                        **person(x.team_id, x.user_id),
                        "decision": x.decision,
                        "at": when(x.at),
                        "version": x.version,
                        "content_hash": x.content_hash,
                    }
                    for x in a.approvals
                ],
            }
            for a in record.agreements
        ],
        "checkins": [
            {"due_at": when(c.due_at), "kind": c.kind, "status": c.status, "answer": c.answer}
            for c in record.checkins
        ],
        "timeline": [
            {
                "at": when(e.at),
                "kind": e.kind,
                "hash": e.hash,
                "detail": event_detail(e.kind, e.payload),
                "actor": (person(e.actor_team, e.actor_user) if e.actor_team and e.actor_user else None),
            }
            for e in events
        ],
        # What either side put on the record (sealed items are left out, as their perspective
        # is): each copy is in the export's bundle, named by "file" (bot/records/bundle.py).
        "evidence": [
            {**entry, "file": bundle_path(item) if entry["copied"] else None}
            for item, entry in zip(shown, evidence_entries(shown, person), strict=True)
        ],
        # The last event shown: the trail up to it says what this record must hold.
        "audit_trail_head": events[-1].hash if events else None,
    }
    if internal:
        out["feedback"] = [
            {**person(f.team_id, f.user_id), "rating": f.rating, "comment": f.comment, "at": when(f.at)}
            for f in record.feedback
        ]
        out["lessons"] = [
            {"root_cause": x.root_cause, "what_to_change": x.what_to_change, "at": when(x.at)}
            for x in record.lessons
        ]
    return out
