"""`/dispute settings`: admins only, validated, stored per workspace or channel, audited."""

from __future__ import annotations

from sqlalchemy import select

from bot import ids
from bot.services.policy import effective_policy
from models import AuditEvent, Policy
from tests.conftest import SAM, SOL
from tests.support.slack_requests import User


def test_an_admin_saves_workspace_settings_and_every_change_is_audited(slack, fake_slack, db):
    fake_slack.users[SAM.id]["is_admin"] = True
    fake_slack.add_channel("C0INTERNAL", shared=False)
    slack.command(SAM, "settings")
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == ids.SETTINGS_MODAL
    answers = {ids.B_S_SCOPE: "workspace", ids.B_S_CHECKINS: ["14"], ids.B_S_NUDGE: "3",
               ids.B_S_AGREEMENT: "14", ids.B_S_ESCALATION: "C0SHARED", ids.B_S_MEDIATORS: [SOL.id],
               ids.B_S_SEAL: "open", ids.B_S_APPROVALS: "everyone"}
    errors = slack.view_submission(SAM, view, answers).json()["errors"]
    assert "shared with another organization" in errors[ids.B_S_ESCALATION]
    reply = slack.view_submission(SAM, view, {**answers, ids.B_S_ESCALATION: "C0INTERNAL"})
    assert reply.body == ""
    with db.read() as s:
        policy = effective_policy(s, "T0HOST", "C0SHARED")
        assert policy.checkin_days == (14,) and policy.perspective_nudge_days == 3
        assert policy.agreement_nudge_days == 14 and policy.escalation_channel == "C0INTERNAL"
        assert policy.mediators == (SOL.id,) and not policy.seal_perspectives
        assert policy.approvals_required == "everyone"
        changed = [e.payload["field"] for e in s.scalars(select(AuditEvent)) if e.kind == "policy.changed"]
        assert len(changed) == 14 and s.scalars(select(Policy)).one().channel_id == ""


def test_channel_overrides_and_non_admins(slack, fake_slack, db):
    slack.command(SOL, "settings")
    assert "Only workspace admins" in fake_slack.calls_to("response_url")[-1].args["text"]
    fake_slack.users[SAM.id]["is_admin"] = True
    slack.command(SAM, "settings")
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    slack.view_submission(SAM, view, {ids.B_S_SCOPE: "channel", ids.B_S_CHECKINS: ["7"],
                                      ids.B_S_NUDGE: "2", ids.B_S_AGREEMENT: "7",
                                      ids.B_S_SEAL: "open", ids.B_S_APPROVALS: "one_per_side"})
    with db.read() as s:
        assert not effective_policy(s, "T0HOST", "C0SHARED").seal_perspectives
        assert effective_policy(s, "T0HOST", "C0OTHER").seal_perspectives  # workspace default


def test_values_the_form_never_offered_are_refused_and_nothing_is_saved(slack, fake_slack, db):
    """A forged submission: check-in points that are not in the list, more mediators than the
    picker takes. Each is an inline error; the policy stays as it was."""
    fake_slack.users[SAM.id]["is_admin"] = True
    slack.command(SAM, "settings")
    view = fake_slack.calls_to("views.open")[-1].args["view"]
    good = {ids.B_S_SCOPE: "workspace", ids.B_S_NUDGE: "3", ids.B_S_AGREEMENT: "14",
            ids.B_S_SEAL: "open", ids.B_S_APPROVALS: "everyone"}
    payload = slack.view_submission_payload(SAM, view, good)
    values = payload["view"]["state"]["values"]
    values[ids.B_S_CHECKINS][ids.A_S_CHECKINS]["selected_options"] = [{"value": "abc"}]
    errors = slack.payload(payload).json()["errors"]
    assert "from the list" in errors[ids.B_S_CHECKINS]
    payload = slack.view_submission_payload(SAM, view, {**good, ids.B_S_MEDIATORS: [f"U0M{n:03d}" for n in range(21)]})
    assert "at most 20" in slack.payload(payload).json()["errors"][ids.B_S_MEDIATORS]
    with db.read() as s:
        assert s.scalars(select(Policy)).all() == []


def test_someone_slack_does_not_know_is_told_privately(slack, fake_slack, caplog):
    slack.command(User("U0GONE", SAM.team_id, "gone"), "settings")  # users.info: user_not_found
    assert "Only workspace admins" in fake_slack.calls_to("response_url")[-1].args["text"]
    assert [r for r in caplog.records if r.exc_info] == []
