"""`/dispute settings` in a shared channel: the provider's admins hand the provider role to the
other organization; any workspace's admins delete all of its data, after a confirmation that
names what goes and what stays."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot import ids
from bot.services.people import Person
from bot.services.policy import set_policy
from models import AuditEvent, ChannelProvider, Dispute, Party, Policy, Workspace
from tests.conftest import CHANNEL, CLIENT_TEAM, CORA, SAM, SECRET, SOL
from tests.e2e.helpers import GOOD_ANSWERS, open_modal, raise_dispute
from tests.fakeslack.server import HOST_TEAM
from tests.support.slack_requests import SlackSender

POLICY = {ids.B_S_SCOPE: "workspace", ids.B_S_NUDGE: "2", ids.B_S_AGREEMENT: "7",
          ids.B_S_SEAL: "sealed", ids.B_S_APPROVALS: "one_per_side"}


def settings_view(slack, fake, person):
    before = len(fake.calls_to("views.open"))
    assert slack.command(person, "settings").status == 200
    return fake.wait_for("views.open", before + 1)[-1].args["view"]


def test_the_provider_s_admin_hands_the_channel_to_the_client(any_server, both_installed, fake_slack, db):
    studio = SlackSender(any_server.url, SECRET, fake_slack, HOST_TEAM)
    client = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
    fake_slack.users[SAM.id]["is_admin"] = True
    raise_dispute(studio, fake_slack, SAM, [CORA])  # the studio is the provider: D-1 is its
    view = settings_view(studio, fake_slack, SAM)
    choice = next(b for b in view["blocks"] if b.get("block_id") == ids.B_S_PROVIDER)
    assert [o["text"]["text"] for o in choice["element"]["options"]] == [
        "Studio (your organization)", "Client Co"]
    forged = studio.view_submission(SAM, view, {**POLICY, ids.B_S_PROVIDER: "T0NOTHERE"}).json()
    assert "in it and has installed Parley" in forged["errors"][ids.B_S_PROVIDER]
    assert studio.view_submission(SAM, view, {**POLICY, ids.B_S_PROVIDER: CLIENT_TEAM}).body == ""
    told = fake_slack.wait_for("chat.postMessage", 3)[-1].args
    assert told["channel"] == SAM.id  # the admin is told privately, in a DM (words for admins)
    assert "*Client Co* is now the provider side" in told["text"]

    raise_dispute(client, fake_slack, CORA, [SAM], **{ids.B_TITLE: "Invoice paid late"})  # Client Co's now
    with db.read() as session:
        assert session.get(ChannelProvider, CHANNEL).team_id == CLIENT_TEAM
        disputes = {d.team_id: {p.user_id: p.side for p in d.parties}
                    for d in session.scalars(select(Dispute))}
        kinds = [e.kind for e in session.scalars(select(AuditEvent))]
    assert disputes == {HOST_TEAM: {"U0SAM": "provider", "U0CORA": "client"},
                        CLIENT_TEAM: {"U0CORA": "provider", "U0SAM": "client"}}
    assert kinds.count("channel.provider_handed_over") == 2  # in both workspaces' trails

    # Two D-1s in the channel now: each installation's `show` means its own; `list` has both.
    for person, slack, title in ((SAM, studio, "Homepage delivered"), (CORA, client, "Invoice paid late")):
        before = len(fake_slack.calls_to("response_url"))
        slack.command(person, "show D-1")
        assert title in fake_slack.wait_for("response_url", before + 1)[-1].args["text"]
    before = len(fake_slack.calls_to("response_url"))
    studio.command(SAM, "list")
    listed = fake_slack.wait_for("response_url", before + 1)[-1].args
    assert json.dumps(listed["blocks"]).count("D-1") == 2

    view = settings_view(studio, fake_slack, SAM)  # the studio's admin now: their defaults only
    text = json.dumps(view["blocks"])
    assert "*Client Co* is the provider side" in text and ids.B_S_PROVIDER not in text
    # what both organizations read in the channel never speaks of provider and client sides
    in_channel = [json.dumps(c.args) for c in fake_slack.calls
                  if c.method in ("chat.postMessage", "chat.update") and c.args.get("channel") == CHANNEL]
    assert len(in_channel) >= 4  # both D-1s' cards and welcomes
    assert not [said for said in in_channel if "provider side" in said or "client side" in said]
    refused = studio.view_submission(SAM, view, {**POLICY, ids.B_S_SCOPE: "channel"}).json()
    assert "Another organization is the provider" in refused["errors"][ids.B_S_SCOPE]


def test_an_admin_deletes_the_workspace_s_data_and_the_other_org_s_record_stays(
        any_server, both_installed, fake_slack, db):
    studio = SlackSender(any_server.url, SECRET, fake_slack, HOST_TEAM)
    client = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
    studio_thread = raise_dispute(studio, fake_slack, SAM, [CORA])["welcome"]["thread_ts"]
    fake_slack.add_channel("C0CLIENTS", shared=True)
    with db.transaction() as session:  # Client Co is the provider in another shared channel
        session.add(ChannelProvider(channel_id="C0CLIENTS", team_id=CLIENT_TEAM))
        set_policy(session, HOST_TEAM, actor=Person(HOST_TEAM, SAM.id), checkin_days="14")
    before = len(fake_slack.calls_to("views.open"))
    client.command(CORA, channel="C0CLIENTS")
    view = fake_slack.wait_for("views.open", before + 1)[-1].args["view"]
    assert client.view_submission(CORA, view, {**GOOD_ANSWERS, ids.B_PARTIES: [SAM.id]}).body == ""
    fake_slack.wait_for("chat.postMessage", 4)  # Client Co's D-1 there, with SAM in it

    fake_slack.users[SOL.id]["is_admin"] = True
    settings = settings_view(studio, fake_slack, SOL)
    assert studio.block_action(SOL, ids.ERASE_START, trigger_id="trig-erase").status == 200
    confirm = fake_slack.wait_for("views.push")[-1].args["view"]
    said = json.dumps(confirm["blocks"])
    assert "everything Parley holds for Studio" in said and "1 dispute," in said
    assert "1 saved setting" in said and "What stays:* 1 dispute another organization holds" in said
    unsure = studio.view_submission(SOL, confirm, {}).json()
    assert "Tick the box" in unsure["errors"][ids.B_ERASE_SURE]
    assert not studio.view_submission(CORA, confirm, {ids.B_ERASE_SURE: ["yes"]}).body == ""
    done = studio.view_submission(SOL, confirm, {ids.B_ERASE_SURE: ["yes"]})
    assert done.json() == {"response_action": "clear"}
    notice, told = [c.args for c in fake_slack.wait_for("chat.postMessage", 6)[4:6]]
    assert notice["thread_ts"] == studio_thread and notice["channel"] == CHANNEL
    assert "D-1's record was deleted from Parley" in notice["text"]
    assert "Parley deleted Studio's data: 1 dispute" in told["text"]
    with db.read() as session:
        left = [(d.team_id, d.reference) for d in session.scalars(select(Dispute))]
        assert left == [(CLIENT_TEAM, "D-1")]  # Client Co's, with SAM still a party
        assert session.scalar(select(func.count()).select_from(Party).where(Party.user_id == SAM.id)) == 1
        assert session.scalars(select(Policy).where(Policy.team_id == HOST_TEAM)).all() == []
        trail = [e.kind for e in session.scalars(select(AuditEvent).where(AuditEvent.team_id == HOST_TEAM))]
        assert trail == ["workspace.erased"]
        assert session.get(Workspace, HOST_TEAM).last_dispute_number == 1  # no D-1 twice
    assert settings["callback_id"] == ids.SETTINGS_MODAL


def test_a_person_parley_cannot_place_is_told_why(any_server, both_installed, fake_slack, db):
    client = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
    view = open_modal(client, fake_slack, CORA)
    del fake_slack.users[CORA.id]  # Slack no longer shows Parley her profile
    errors = client.view_submission(CORA, view, {**GOOD_ANSWERS, ids.B_PARTIES: [SAM.id]}).json()
    assert "can't tell which organization you're from" in errors["errors"][ids.B_PARTIES]
    assert "permission only to post" in errors["errors"][ids.B_PARTIES]
    with db.read() as session:
        assert session.scalars(select(Dispute)).all() == []


def test_the_client_s_admin_is_an_admin_through_their_own_installation(any_server, both_installed, fake_slack):
    """The studio's Parley looked Cora up first, and its view of her does not show her role."""
    fake_slack.installed_elsewhere.add(HOST_TEAM)
    fake_slack.users[CORA.id]["is_admin"] = True
    studio = SlackSender(any_server.url, SECRET, fake_slack, HOST_TEAM)
    client = SlackSender(any_server.url, SECRET, fake_slack, CLIENT_TEAM)
    raise_dispute(studio, fake_slack, SAM, [CORA])  # looks her up with the studio's token
    view = settings_view(client, fake_slack, CORA)
    assert view["callback_id"] == ids.SETTINGS_MODAL
    asked = [c.args["_team"] for c in fake_slack.calls_to("users.info") if c.args["user"] == CORA.id]
    assert asked[0] == HOST_TEAM and asked[-1] == CLIENT_TEAM
