"""`parley verify FILE` for an exported record (bot/services/export_record.py).

An export is a snapshot: the dispute went on after it (statuses changed, check-ins came due,
more was said). So what is compared is what cannot change once recorded: the dispute as it was
opened, who took part, every perspective, proposal, agreement, approval, piece of feedback and
lesson the record shows, and every timeline entry, which must be an event of the dispute's
audit trail with that hash, kind, time and actor (bot/services/audit.py chains them, so none can
be altered without `parley verify --audit` seeing it). Statuses and check-ins are not compared."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import agreements
from bot.services.certificates import when
from bot.services.export_record import FULL, event_detail, money
from bot.services.record_check import (
    Checked,
    approved_by,
    dispute_named,
    shape_checked,
    stamp,
)
from bot.services.records import Record, gather
from models import Agreement, AgreementStatus, AuditEvent, Dispute

CHUNK = 500  # hashes per query


@shape_checked
def check_export(session: Session, record: dict[str, Any]) -> Checked:
    dispute = dispute_named(session, record)
    if isinstance(dispute, str):
        return Checked(False, dispute)
    held = gather(session, dispute)
    differs = [what for what, same in _comparisons(session, record, dispute, held) if not same]
    scope = "full record" if record["scope"] == FULL else "client side's record"
    exported = str(record["exported_at"]).replace("T", " ").replace("Z", " UTC")
    if differs:
        return Checked(False, f"the {scope} of {dispute.reference} exported {exported} differs "
                              "from Parley's record: " + ", ".join(differs))
    head = record["audit_trail_head"]
    since = 0
    if head is not None:
        head_id = next(e.id for e in held.events if e.hash == head)
        since = sum(1 for e in held.events if e.id > head_id)
    in_effect = [a for a in held.agreements if a.status == AgreementStatus.RATIFIED
                 and any(x["version"] == a.version for x in record["agreements"])]
    agreed = "no agreement in effect"
    if in_effect:
        a = in_effect[-1]
        names = {(x["team_id"], x["user_id"]): f"{x['name']} ({x['organization']})"
                 for shown in record["agreements"] for x in shown["approvals"]}
        valid = agreements.approval_state(dispute, a).valid
        agreed = (f"agreement v{a.version} in effect since {stamp(a.ratified_at)}, approved by "
                  f"{approved_by(valid, names)}")
    later = f", {since} recorded since" if since else ", none recorded since"
    return Checked(True, f"Matches the {scope} of {dispute.reference} (workspace "
                         f"{dispute.team_id}) exported {exported}: {agreed}; its "
                         f"{len(record['timeline'])} timeline events are in the audit trail"
                         f"{later}.")


def _comparisons(session: Session, record: dict[str, Any], dispute: Dispute,
                 held: Record) -> list[tuple[str, bool]]:
    d = record["dispute"]
    shown = [("the dispute as opened", (d["title"], d["channel_id"], d["opened_at"], d["description"],
                                        d["desired_outcome"], d["amount"], _who(d["opened_by"])) ==
              (dispute.title, dispute.channel_id, when(dispute.created_at), dispute.description,
               dispute.desired_outcome, money(dispute.amount, dispute.currency),
               (dispute.opened_by_team, dispute.opened_by_user)))]
    parties = {(p.team_id, p.user_id, p.side) for p in dispute.parties}
    listed = {(p["team_id"], p["user_id"], p["side"]) for p in record["parties"]} | \
        {(m["team_id"], m["user_id"], "mediator") for m in record["mediators"]}
    shown.append(("the parties", listed <= parties))
    shown.append(("the perspectives", _within(
        [(_who(p["author"]), p["version"], p["at"], p["revealed_at"] is not None, p["what_happened"],
          p["impact"], p["resolution"], p["acknowledgement"]) for p in record["perspectives"]],
        [((p.party.team_id, p.party.user_id), p.version, when(p.created_at), p.released_at is not None,
          p.what_happened, p.impact, p.resolution, p.acknowledgement) for p in held.perspectives])))
    shown.append(("the proposals", _within(
        [(p["number"], p["summary"], p["details"], p["remedy"], p["compensation"], _who(p["author"]),
          p["at"], [(i["text"], _who(i["owner"]), i["due"]) for i in p["action_items"]])
         for p in record["proposals"]],
        [(p.number, p.summary, p.details, p.remedy, money(p.amount, p.currency),
          (p.author.team_id, p.author.user_id), when(p.created_at),
          [(i.text, (i.owner_team, i.owner_user), i.due_date.isoformat()) for i in p.items])
         for p in held.proposals])))
    shown += _agreements(record["agreements"], held.agreements, dispute)
    if record["scope"] == FULL:
        shown.append(("the feedback", _within(
            [(_who(f), f["rating"], f["comment"], f["at"]) for f in record["feedback"]],
            [((f.team_id, f.user_id), f.rating, f.comment, when(f.at)) for f in held.feedback])))
        shown.append(("the lessons learned", _within(
            [(x["root_cause"], x["what_to_change"], x["at"]) for x in record["lessons"]],
            [(x.root_cause, x.what_to_change, when(x.at)) for x in held.lessons])))
    shown.append(("the timeline (events that are not in this dispute's audit trail)",
                  _in_trail(session, dispute, record["timeline"])))
    head = record["audit_trail_head"]
    shown.append(("the audit trail's hash (it is not in this dispute's trail)",
                  head is None and not record["timeline"]
                  or any(e.hash == head for e in held.events)))
    return shown


def _agreements(listed: list[dict[str, Any]], held: list[Agreement],
                dispute: Dispute) -> list[tuple[str, bool]]:
    by_version = {a.version: a for a in held}
    out = []
    for a in listed:
        found = by_version.get(a["version"])
        if found is None:
            out.append((f"agreement v{a['version']} (not in this database)", False))
            continue
        out.append((f"agreement v{found.version} in the database no longer matches its content hash",
                    found.content_hash == agreements.content_hash(found, dispute.reference)))
        same = (a["terms"], a["content_hash"], a["compensation"], a["drafted_at"],
                [(i["text"], _who(i["owner"]), i["due"]) for i in a["action_items"]]) == \
            (found.terms, found.content_hash, money(found.amount, found.currency),
             when(found.created_at),
             [(i.text, (i.owner_team, i.owner_user), i.due_as_agreed.isoformat()) for i in found.items])
        out.append((f"agreement v{found.version}", same))
        out.append((f"when agreement v{found.version} took effect",
                    a["ratified_at"] is None or a["ratified_at"] == when(found.ratified_at)))
        out.append((f"the approvals of agreement v{found.version}", _within(
            [(_who(x), x["decision"], x["at"], x["version"], x["content_hash"]) for x in a["approvals"]],
            [((x.team_id, x.user_id), x.decision, when(x.at), x.version, x.content_hash)
             for x in found.approvals])))
    return out


def _in_trail(session: Session, dispute: Dispute, timeline: list[dict[str, Any]]) -> bool:
    """Every entry is an event of the dispute's chain, with the kind, time, detail and actor
    shown."""
    wanted = {str(step["hash"]): (step["kind"], step["at"], step["detail"],
                                  _who(step["actor"]) if step["actor"] else None)
              for step in timeline}
    if len(wanted) != len(timeline):
        return False
    found: dict[str, tuple[str, str | None, str | None, tuple[str, str] | None]] = {}
    hashes = list(wanted)
    for start in range(0, len(hashes), CHUNK):
        for e in session.execute(select(AuditEvent.hash, AuditEvent.kind, AuditEvent.at,
                                        AuditEvent.payload, AuditEvent.actor_team,
                                        AuditEvent.actor_user)
                                 .where(AuditEvent.dispute_id == dispute.id,
                                        AuditEvent.hash.in_(hashes[start:start + CHUNK]))):
            actor = (e.actor_team, e.actor_user) if e.actor_team and e.actor_user else None
            found[e.hash] = (e.kind, when(e.at), event_detail(e.kind, e.payload), actor)
    return found == wanted


def _within(listed: Iterable[Any], held: Iterable[Any]) -> bool:
    """Everything the record lists is held (the dispute may have gone on since)."""
    remaining = [repr(_tupled(x)) for x in held]
    for item in listed:
        key = repr(_tupled(item))
        if key not in remaining:
            return False
        remaining.remove(key)
    return True


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, (list, tuple)) else value


def _who(person: dict[str, Any]) -> tuple[str, str]:
    return (str(person["team_id"]), str(person["user_id"]))

