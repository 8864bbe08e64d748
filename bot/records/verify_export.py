"""`parley verify FILE` for an exported record (bot/records/export.py).

An export is a snapshot: the dispute may have gone on after it. Its record names the last event
of the dispute's audit trail it shows (the head); the trail up to that event says what the
record must hold, and the trail is chained (bot/services/audit.py), so none of it can be
altered without `parley verify --audit` seeing it. So the record must show exactly: the timeline
up to the head (for the client side, without the provider team's internal events), each with its
hash, kind, time, detail and actor; the parties then; the perspectives revealed by then; the
proposals made by then, each as made and with its status then; the agreements drafted by then,
each as drafted, with its approvals then, and when it took effect if it had; the check-ins
written by then; and, in the full record, the feedback and lessons recorded by then. What can
change later (an item's status, a check-in's status, a new date) is not held against it. Names
come from Slack, not the database, and are not checked; nor is when the file says it was exported
(the database does not keep it): the line that says what matched shows both as the file's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.records.agreement import when
from bot.records.export import CLIENT, FULL, bundle_path, event_detail, money
from bot.records.export_access import INTERNAL_EVENTS
from bot.records.history import Record, gather
from bot.records.verify_agreement import (
    HASH,
    SHAPE,
    Checked,
    approved_by,
    at_minute,
    bounded_int,
    dispute_named,
    names_in,
    shape_checked,
)
from bot.services import agreements
from bot.services.opening import account_given
from models import Agreement, AuditEvent, Dispute, EvidenceStatus, Side


@shape_checked
def check_export(session: Session, record: dict[str, Any]) -> Checked:
    head = record["audit_trail_head"]
    hashes = [head] + [step["hash"] for step in record["timeline"]]
    exported = _moment(record["exported_at"])
    if (
        record["scope"] not in (FULL, CLIENT)
        or exported is None
        or not all(isinstance(h, str) and HASH.fullmatch(h) for h in hashes)
        or not all(bounded_int(a["version"]) for a in record["agreements"])
    ):
        return Checked(False, SHAPE)
    dispute = dispute_named(session, record)
    if isinstance(dispute, str):
        return Checked(False, dispute)
    held = gather(session, dispute)
    full = record["scope"] == FULL
    scope = "full record" if full else "client side's record"
    upto = next((n for n, e in enumerate(held.events) if e.hash == head), None)
    if upto is None:
        return Checked(
            False,
            f"the {scope} of {dispute.reference} differs from Parley's record: "
            "the audit trail's hash (it is not in this dispute's trail)",
        )
    trail = Trail(held.events, upto)
    differs = [what for what, same in _comparisons(record, dispute, held, trail) if not same]
    if differs:
        return Checked(
            False, f"the {scope} of {dispute.reference} differs from Parley's record: " + ", ".join(differs)
        )
    # From here on every word is the database's, but for people's names and the export's date,
    # which are the file's and said to be.
    since = len(held.events) - upto - 1
    shown = sum(1 for e in trail.events if full or e.kind not in INTERNAL_EVENTS)
    agreed = "no agreement in effect then"
    in_effect = [a for a in held.agreements if a.version in trail.ratified()]
    if in_effect:
        a = in_effect[-1]
        names = names_in([x for listed in record["agreements"] for x in listed["approvals"]])
        valid = agreements.approval_state(dispute, a).valid
        agreed = (
            f"agreement v{a.version} in effect since {at_minute(a.ratified_at)}, approved by "
            f"{approved_by(valid, names)}"
        )
    later = f"{since} recorded since" if since else "none recorded since"
    return Checked(
        True,
        f"Matches the {scope} of {dispute.reference} (workspace "
        f"{dispute.team_id}; the file says it was exported "
        f"{exported:%Y-%m-%d %H:%M:%S} UTC, not checked): {agreed}; its timeline "
        f"({shown} events) is the audit trail's up to "
        f"{(trail.events[-1].hash or '')[:12]}…, {later}.",
    )


def _evidence_listed(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    """An export from before evidence was kept lists none (and its trail holds none)."""
    return [
        (
            e["item"],
            e["kind"],
            e["name"],
            e["side"],
            _who(e["added_by"]),
            e["added_at"],
            e["sha256"],
            e["copied"],
            e["file"] if e["copied"] else None,
        )
        for e in record.get("evidence", [])
    ]


def _evidence_then(held: Record, trail: Trail) -> list[tuple[Any, ...]]:
    """The items recorded in the trail up to the head, but for those still sealed then: with a
    perspective not released yet (sealed now, so sealed then), or released by a reveal after the
    head. What the trail itself says of each (its SHA-256, whether it was copied, its name and
    side) is taken from the trail, so that a row changed in the database is not believed."""
    recorded = {p.get("item"): p for p in trail.of("evidence.added")}
    return [
        (
            i.label,
            i.kind,
            recorded[i.label].get("name"),
            recorded[i.label].get("side"),
            (i.added_by_team, i.added_by_user),
            when(i.added_at),
            recorded[i.label].get("sha256"),
            recorded[i.label].get("copied") is True,
            bundle_path(i) if i.status == EvidenceStatus.KEPT else None,
        )
        for i in held.evidence
        if i.label in recorded
        and (
            i.perspective is None
            or (i.perspective.released_at is not None and trail.revealed(i.perspective.id))
        )
    ]


def _moment(value: Any) -> datetime | None:
    """When the record says it was exported (as bot/records/agreement.when writes it), in
    UTC; None if it is not such a time."""
    if not (isinstance(value, str) and len(value) <= 32):
        return None
    try:
        moment = datetime.fromisoformat(value)
        return moment.astimezone(UTC) if moment.tzinfo else None
    except (ValueError, OverflowError):  # not a time; or one that leaves the years 1-9999 in UTC
        return None


class Trail:
    """The dispute's events up to the export's head: what the record must hold."""

    def __init__(self, events: list[AuditEvent], upto: int) -> None:
        self.events = events[: upto + 1]
        # Perspectives that a reveal ever released (whenever): shared sealed, they were not
        # revealed before that reveal. Any other was released as it was shared.
        self._sealed = {
            i
            for e in events
            if e.kind == "perspectives.revealed"
            for i in (e.payload or {}).get("perspective_ids") or []
        }

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e.payload or {} for e in self.events if e.kind == kind]

    def ratified(self) -> set[Any]:
        return {p.get("version") for p in self.of("agreement.ratified")}

    def parties(self) -> set[tuple[str, ...]]:
        found = set()
        for p in self.of("dispute.opened"):
            found |= {tuple(str(x).split(":", 2)) for x in p.get("parties") or []}
        found |= {(*str(p.get("party")).split(":", 1), str(p.get("side"))) for p in self.of("party.added")}
        found |= {
            (*str(p["mediator"]).split(":", 1), Side.MEDIATOR.value)
            for p in self.of("dispute.escalated")
            if p.get("mediator")
        }
        return found

    def revealed(self, perspective_id: int) -> bool:
        if perspective_id in self._sealed:
            return any(
                perspective_id in (p.get("perspective_ids") or []) for p in self.of("perspectives.revealed")
            )
        return any(p.get("perspective_id") == perspective_id for p in self.of("perspective.shared"))

    def proposal_status(self, label: str) -> str:
        status = "open"
        for e in self.events:
            if (
                e.kind
                in ("proposal.accepted", "proposal.declined", "proposal.withdrawn", "proposal.superseded")
                and (e.payload or {}).get("proposal") == label
            ):
                status = e.kind.removeprefix("proposal.")
        return status

    def agreement_status(self, version: int) -> str:
        if version in self.ratified():
            return "ratified"
        if any(p.get("version") == version for p in self.of("agreement.superseded")):
            return "superseded"
        return "pending"


def _comparisons(
    record: dict[str, Any], dispute: Dispute, held: Record, trail: Trail
) -> list[tuple[str, bool]]:
    d = record["dispute"]
    full = record["scope"] == FULL
    # The opener's account is their perspective when the dispute was opened so (it is then in
    # the record's perspectives, once revealed, and nowhere else).
    account = account_given(trail.of("dispute.opened"))
    shown = [
        (
            "the dispute as opened",
            (
                d["title"],
                d["category"],
                d["channel_id"],
                d["opened_at"],
                d["description"],
                d["desired_outcome"],
                d["amount"],
                _who(d["opened_by"]),
            )
            == (
                dispute.title,
                dispute.category,
                dispute.channel_id,
                when(dispute.created_at),
                None if account else dispute.description,
                None if account else dispute.desired_outcome,
                money(dispute.amount, dispute.currency),
                (dispute.opened_by_team, dispute.opened_by_user),
            ),
        )
    ]
    parties = trail.parties()
    listed = {(p["team_id"], p["user_id"], p["side"]) for p in record["parties"]} | {
        (m["team_id"], m["user_id"], Side.MEDIATOR.value) for m in record["mediators"]
    }
    sides = {(dispute.team_id, Side.PROVIDER.value)} | {
        (team, Side.CLIENT.value)
        for team, _, side in parties
        if side == Side.CLIENT and team != dispute.team_id
    }
    shown.append(
        (
            "the parties",
            listed == parties and len(record["parties"]) + len(record["mediators"]) == len(listed),
        )
    )
    shown.append(
        (
            "the organizations",
            {(o["team_id"], o["side"]) for o in record["organizations"]} == sides
            and len(record["organizations"]) == len(sides),
        )
    )
    revealed = [p for p in held.perspectives if p.released_at and trail.revealed(p.id)]
    shown.append(
        (
            "the perspectives",
            _same(
                [
                    (
                        _who(p["author"]),
                        p["author"]["side"],
                        p["version"],
                        p["at"],
                        p["what_happened"],
                        p["impact"],
                        p["resolution"],
                        p["acknowledgement"],
                    )
                    for p in record["perspectives"]
                ],
                [
                    (
                        (p.party.team_id, p.party.user_id),
                        p.party.side,
                        p.version,
                        when(p.created_at),
                        p.what_happened,
                        p.impact,
                        p.resolution,
                        p.acknowledgement,
                    )
                    for p in revealed
                ],
            ),
        )
    )
    made = {p.get("proposal") for p in trail.of("proposal.made")}
    then = [p for p in held.proposals if p.label in made]
    shown.append(
        (
            "the proposals",
            _same(
                [
                    (
                        p["number"],
                        p["summary"],
                        p["details"],
                        p["remedy"],
                        p["compensation"],
                        _who(p["author"]),
                        p["at"],
                        p["status"],
                        p["decline_reason"],
                        [(i["text"], _who(i["owner"]), i["due"]) for i in p["action_items"]],
                    )
                    for p in record["proposals"]
                ],
                [
                    (
                        p.number,
                        p.summary,
                        p.details,
                        p.remedy,
                        money(p.amount, p.currency),
                        (p.author.team_id, p.author.user_id),
                        when(p.created_at),
                        trail.proposal_status(p.label),
                        p.decline_reason if trail.proposal_status(p.label) == "declined" else None,
                        [(i.text, (i.owner_team, i.owner_user), i.due_date.isoformat()) for i in p.items],
                    )
                    for p in then
                ],
            ),
        )
    )
    shown += _agreements(record["agreements"], held.agreements, dispute, trail)
    shown.append(("the evidence", _evidence_listed(record) == _evidence_then(held, trail)))
    written = len(trail.of("item.rescheduled")) + sum(
        len(p.get("checkins") or []) for p in trail.of("agreement.ratified")
    )
    answered = Counter(p.get("checkin_id") for p in trail.of("checkin.answered"))
    shown.append(
        (
            "the check-ins",
            len(record["checkins"]) == written
            and _within(
                [(c["due_at"], c["kind"], c["answer"]) for c in record["checkins"]],
                [(when(c.due_at), c.kind, c.answer if answered[c.id] else None) for c in held.checkins],
            ),
        )
    )
    if full:
        shown.append(
            (
                "the feedback",
                len(trail.of("feedback.given")) == len(record["feedback"])
                and _within(
                    [(_who(f), f["rating"], f["comment"], f["at"]) for f in record["feedback"]],
                    [((f.team_id, f.user_id), f.rating, f.comment, when(f.at)) for f in held.feedback],
                ),
            )
        )
        shown.append(
            (
                "the lessons learned",
                _same(
                    [(x["root_cause"], x["what_to_change"], x["at"]) for x in record["lessons"]],
                    [
                        (x.root_cause, x.what_to_change, when(x.at))
                        for x in held.lessons
                        if any(p.get("lesson_id") == x.id for p in trail.of("lessons.recorded"))
                    ],
                ),
            )
        )
    visible = [e for e in trail.events if full or e.kind not in INTERNAL_EVENTS]
    shown.append(
        (
            "the timeline",
            [
                (s["hash"], s["kind"], s["at"], s["detail"], _who(s["actor"]) if s["actor"] else None)
                for s in record["timeline"]
            ]
            == [
                (
                    e.hash,
                    e.kind,
                    when(e.at),
                    event_detail(e.kind, e.payload),
                    (e.actor_team, e.actor_user) if e.actor_team and e.actor_user else None,
                )
                for e in visible
            ],
        )
    )
    return shown


def _agreements(
    listed: list[dict[str, Any]], held: list[Agreement], dispute: Dispute, trail: Trail
) -> list[tuple[str, bool]]:
    drafted: set[Any] = {p.get("version") for p in trail.of("agreement.drafted")}
    out = [("the agreements", sorted(a["version"] for a in listed) == sorted(drafted))]
    by_version = {a.version: a for a in held}
    for a in listed:
        found = by_version.get(a["version"])
        if found is None:
            out.append((f"agreement v{a['version']} (not in this database)", False))
            continue
        v = found.version
        out.append(
            (
                f"agreement v{v} in the database no longer matches its content hash",
                found.content_hash == agreements.content_hash(found, dispute.reference),
            )
        )
        out.append(
            (
                f"agreement v{v}",
                (
                    a["terms"],
                    a["content_hash"],
                    a["compensation"],
                    a["drafted_at"],
                    a["approvals_rule"],
                    a["status"],
                    [(i["text"], _who(i["owner"]), i["due"]) for i in a["action_items"]],
                )
                == (
                    found.terms,
                    found.content_hash,
                    money(found.amount, found.currency),
                    when(found.created_at),
                    found.approvals_rule,
                    trail.agreement_status(v),
                    [
                        (i.text, (i.owner_team, i.owner_user), i.due_as_agreed.isoformat())
                        for i in found.items
                    ],
                ),
            )
        )
        took_effect = when(found.ratified_at) if v in trail.ratified() else None
        out.append((f"when agreement v{v} took effect", a["ratified_at"] == took_effect))
        approvals = sum(1 for p in trail.of("agreement.approved") if p.get("version") == v)
        out.append(
            (
                f"the approvals of agreement v{v}",
                len(a["approvals"]) == approvals
                and _within(
                    [
                        (_who(x), x["decision"], x["at"], x["version"], x["content_hash"])
                        for x in a["approvals"]
                    ],
                    [
                        ((x.team_id, x.user_id), x.decision, when(x.at), x.version, x.content_hash)
                        for x in found.approvals
                    ],
                ),
            )
        )
    return out


def _same(listed: list[Any], held: list[Any]) -> bool:
    """The record lists exactly these (in any order)."""
    return len(listed) == len(held) and _within(listed, held)


def _within(listed: Iterable[Any], held: Iterable[Any]) -> bool:
    """Everything the record lists is held, each once."""
    remaining = Counter(repr(_tupled(x)) for x in held)
    for item in listed:
        key = repr(_tupled(item))
        if remaining[key] <= 0:
            return False
        remaining[key] -= 1
    return True


def _tupled(value: Any) -> Any:
    return tuple(_tupled(v) for v in value) if isinstance(value, (list, tuple)) else value


def _who(person: dict[str, Any]) -> tuple[str, str]:
    return (str(person["team_id"]), str(person["user_id"]))
