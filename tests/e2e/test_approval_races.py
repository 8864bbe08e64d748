"""Integrity under concurrency, over real signed HTTP requests to the running app: double clicks,
Slack delivering the same click twice, and approvers of both organizations clicking at the same
instant. Exactly one approval per person and version; exactly one ratification."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot import ids
from bot.payloads import AgreementButton
from bot.services import agreements, disputes
from bot.services.agreements import AgreementDraft
from bot.services.people import Participant, Person
from bot.services.proposals import ItemDraft
from models import Agreement, Approval, AuditEvent, CheckIn
from tests.conftest import CLIVE, CORA, SAM, SOL
from tests.e2e.threads import text_of

ROUNDS = 8


def pending_agreement(db) -> tuple[int, int, str]:
    people = [Person(u.team_id, u.id) for u in (SAM, SOL, CORA, CLIVE)]
    with db.transaction() as s:
        d = disputes.open_dispute(s, disputes.NewDispute(
            host_team_id=SAM.team_id, channel_id="C0SHARED", title="Race", category="quality",
            description="d", desired_outcome="o", opener=Participant(people[0]),
            others=[Participant(p) for p in people[1:]]))
        disputes.attach_thread(s, d, thread_ts=f"1700000999.{d.id:06d}", permalink=None, actor=people[0])
        a, _ = agreements.draft(s, d, d.parties[0], AgreementDraft(
            terms="Redo it.", items=[ItemDraft("Redo", people[0], date.today() + timedelta(days=3))]),
            actor=people[0], approvals_rule="one_per_side")
        return d.id, a.id, a.content_hash


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_simultaneous_approvals_over_http(slack, fake_slack, db, round_):
    dispute_id, agreement_id, content_hash = pending_agreement(db)
    value = AgreementButton(d=dispute_id, a=agreement_id, h=content_hash).encode()
    # Sam double-clicks, Cora's click is delivered twice, Clive and Sol click too: all at once.
    clickers = [SAM, SAM, CORA, CORA, CLIVE, SOL]
    barrier = threading.Barrier(len(clickers))
    statuses: list[int] = []

    def click(user) -> None:
        barrier.wait()
        statuses.append(slack.block_action(user, ids.APPROVE_AGREEMENT, value).status)

    threads = [threading.Thread(target=click, args=(u,)) for u in clickers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * len(clickers)
    with db.read() as s:
        approvals = s.scalars(select(Approval).where(Approval.agreement_id == agreement_id)).all()
        people = [(a.team_id, a.user_id) for a in approvals]
        assert len(people) == len(set(people))  # one approval per person, double clicks or not
        assert {"T0HOST", "T0CLIENT"} <= {team for team, _ in people}  # both organizations
        # approvals after the ratifying one are refused: it is in effect
        assert len(people) <= 4
        assert all(a.content_hash == content_hash for a in approvals)
        assert s.get(Agreement, agreement_id).status == "ratified"
        ratified = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.dispute_id == dispute_id, AuditEvent.kind == "agreement.ratified"))
        assert ratified == 1
        assert s.scalar(select(func.count()).select_from(CheckIn).where(
            CheckIn.dispute_id == dispute_id)) == 3
    # said once: one post that it is in effect, sharing the agreement's PDF, and nothing else
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1
    in_effect = [m for m in fake_slack.messages.values() if m.get("files")]
    assert len(in_effect) == 1 and "The agreement is in effect now" in text_of(in_effect[0]["blocks"])
    assert [u["filename"] for u in fake_slack.uploads.values()] == ["D-1-agreement-v1-certificate.pdf"]
    assert not any("in effect" in c.args.get("text", "") for c in fake_slack.calls_to("chat.postMessage"))
