"""Both organizations of a Slack Connect channel install Parley (any-workspace mode): one
provider per channel, a person's side is their organization whichever installation carried the
request, one handling per event, deliveries that survive one side's uninstall, and no reach
into another workspace's disputes, whatever ids a request names."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from sqlalchemy import select

from bot import ids
from models import ChannelProvider, Dispute, Perspective, Workspace
from tests.conftest import CHANNEL, CLIENT_TEAM, CORA, GUEST, SAM, SECRET
from tests.e2e.helpers import raise_dispute
from tests.e2e.threads import card_blocks, click, click_for_modal, private_notes
from tests.fakeslack.server import HOST_TEAM
from tests.support.multi_workspace import save_install
from tests.support.slack_requests import SlackSender, User
from tests.support.waiting import eventually

OTHER_TEAM, OTHER_TOKEN = "T0OTHERS", "xoxb-other-org"
OLGA = User("U0OLGA", OTHER_TEAM, "olga")
STORY = {ids.B_P_HAPPENED: "The homepage came late.", ids.B_P_IMPACT: "We missed a launch.",
         ids.B_P_RESOLUTION: "A discount on the next phase."}


def senders(any_server, fake):
    return (SlackSender(any_server.url, SECRET, fake, HOST_TEAM),
            SlackSender(any_server.url, SECRET, fake, CLIENT_TEAM))


def joined(slack: SlackSender, bot_user: str, carried_by: str, event_id: str = "EvJOIN") -> dict:
    """member_joined_channel for a Parley bot, as Slack sends it through one installation."""
    body = slack.event_body({"type": "member_joined_channel", "user": bot_user,
                             "channel": CHANNEL, "team": carried_by}, team_id=carried_by)
    body["event_id"] = event_id
    body["authorizations"][0] |= {"team_id": carried_by}
    return body


def test_the_client_opens_a_dispute_in_the_studio_s_channel_with_its_own_token(
        any_server, both_installed, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    studio.post(json.dumps(joined(studio, fake_slack.bot_user, HOST_TEAM)), "application/json")
    welcome = fake_slack.wait_for("chat.postMessage")[-1].args
    assert welcome["_team"] == HOST_TEAM
    said = json.dumps(welcome["blocks"])  # the channel welcome: both organizations read it
    assert "kept in *Studio*'s Parley (their numbers and settings)" in said
    assert "provider side" not in said and "client side" not in said

    posted = raise_dispute(client, fake_slack, CORA, [SAM])  # /dispute by the client's people
    assert fake_slack.calls_to("views.open")[-1].args["_team"] == CLIENT_TEAM  # their own token
    with db.read() as session:
        dispute = session.scalars(select(Dispute)).one()
        sides = {(p.user_id, p.side) for p in dispute.parties}
    assert dispute.team_id == HOST_TEAM and dispute.reference == "D-1"  # the provider's dispute
    assert sides == {("U0CORA", "client"), ("U0SAM", "provider")}
    assert posted["card"]["_team"] == HOST_TEAM  # sent by the provider's installation

    ts = posted["welcome"]["thread_ts"]
    for person, slack in ((CORA, client), (SAM, studio)):  # each through their own installation
        view = click_for_modal(slack, fake_slack, person, card_blocks(fake_slack, CHANNEL, ts),
                               ids.SHARE_PERSPECTIVE)
        before = len(fake_slack.calls_to("chat.postEphemeral"))
        assert slack.view_submission(person, view, STORY).status == 200
        fake_slack.wait_for("chat.postEphemeral", before + 1)
    with db.read() as session:  # Cora's account from raising it (v1), revised (v2); Sam's side
        shared = {(p.party.user_id, p.party.side, p.version) for p in session.scalars(select(Perspective))}
    assert shared == {("U0CORA", "client", 1), ("U0CORA", "client", 2), ("U0SAM", "provider", 1)}


def test_an_event_both_installations_could_see_is_handled_once(any_server, both_installed, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    body = joined(studio, fake_slack.bot_user, HOST_TEAM, event_id="EvSAME")
    assert studio.post(json.dumps(body), "application/json").status == 200
    again = joined(client, fake_slack.bot_user, CLIENT_TEAM, event_id="EvSAME")  # via the other
    assert client.post(json.dumps(again), "application/json").status == 200
    fake_slack.wait_for("chat.postMessage")
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    with db.read() as session:
        assert session.get(ChannelProvider, CHANNEL).team_id == HOST_TEAM


def test_the_client_s_bot_joining_second_leaves_the_studio_the_provider(any_server, both_installed, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    studio.post(json.dumps(joined(studio, fake_slack.bot_user, HOST_TEAM, "Ev1")), "application/json")
    fake_slack.wait_for("chat.postMessage")
    # Slack carries the client bot's join through the studio's installation: still recognised
    studio.post(json.dumps(joined(studio, "U0BOTIENT", HOST_TEAM, "Ev2")), "application/json")
    second = fake_slack.wait_for("chat.postMessage", 2)[-1].args
    assert second["_team"] == CLIENT_TEAM and "kept in *Studio*'s Parley" in json.dumps(second["blocks"])
    with db.read() as session:
        assert session.get(ChannelProvider, CHANNEL).team_id == HOST_TEAM


def test_when_the_studio_uninstalls_its_disputes_go_on_through_the_client_s_installation(
        any_server, both_installed, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    posted = raise_dispute(studio, fake_slack, SAM, [CORA])
    ts = posted["welcome"]["thread_ts"]
    assert studio.event({"type": "app_uninstalled"}, team_id=HOST_TEAM).status == 200
    view = click_for_modal(client, fake_slack, CORA, card_blocks(fake_slack, CHANNEL, ts),
                           ids.SHARE_PERSPECTIVE)
    before = len(fake_slack.calls_to("chat.update"))
    assert client.view_submission(CORA, view, STORY).status == 200
    update = fake_slack.wait_for("chat.update", before + 1)[-1].args  # the card says so
    assert update["_team"] == CLIENT_TEAM


def test_another_workspace_reaches_no_dispute_it_is_not_part_of(any_server, both_installed, any_settings,
                                                               engine, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    save_install(any_settings, engine, fake_slack, OTHER_TEAM, "Others Inc", OTHER_TOKEN)
    fake_slack.add_user(OLGA.id, OTHER_TEAM, name="olga", admin=True)
    posted = raise_dispute(studio, fake_slack, SAM, [GUEST])  # nobody of Client Co's in it
    ts = posted["welcome"]["thread_ts"]
    blocks = card_blocks(fake_slack, CHANNEL, ts)
    others = SlackSender(any_server.url, SECRET, fake_slack, OTHER_TEAM)
    for person, slack in ((OLGA, others), (CORA, client)):  # forged: the card's own buttons
        before = len(private_notes(fake_slack))
        assert click(slack, fake_slack, person, blocks, ids.SHARE_PERSPECTIVE).status == 200
        fake_slack.wait_for("response_url", before + 1)
        assert "no longer exists" in private_notes(fake_slack)[-1]
    for command, channel in (("show D-1", "C0OTHERS"), ("export D-1", CHANNEL)):
        before = len(fake_slack.calls_to("response_url"))
        assert others.command(OLGA, command, channel=channel).status == 200
        said = fake_slack.wait_for("response_url", before + 1)[-1].args["text"]
        assert "There is no dispute D-1 in this workspace" in said
    assert fake_slack.calls_to("views.open")[-1].args["_team"] == HOST_TEAM  # no modal for them
    assert fake_slack.calls_to("files.completeUploadExternal") == []
    with db.read() as session:  # only Sam's own account, given when he raised it
        shared = [(p.party.user_id, p.version) for p in session.scalars(select(Perspective))]
    assert shared == [(SAM.id, 1)]


def test_a_channel_from_before_providers_stays_with_the_workspace_that_has_its_disputes(
        any_server, both_installed, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    raise_dispute(studio, fake_slack, SAM, [CORA])
    with db.transaction() as session:  # as an upgraded database has it: no provider recorded
        session.query(ChannelProvider).delete()
    raise_dispute(client, fake_slack, CORA, [SAM])  # the client's first /dispute there
    with db.read() as session:
        teams = [d.team_id for d in session.scalars(select(Dispute).order_by(Dispute.id))]
        assert session.get(ChannelProvider, CHANNEL).team_id == HOST_TEAM
    assert teams == [HOST_TEAM, HOST_TEAM]


def test_the_client_s_people_see_their_disputes_in_their_own_app_home(any_server, both_installed, fake_slack):
    studio, client = senders(any_server, fake_slack)
    raise_dispute(studio, fake_slack, SAM, [CORA])
    body = client.event_body({"type": "app_home_opened", "user": CORA.id, "tab": "home"})
    assert client.post(json.dumps(body), "application/json").status == 200
    home = fake_slack.wait_for("views.publish")[-1].args
    assert home["_team"] == CLIENT_TEAM and home["user_id"] == CORA.id
    assert "D-1" in json.dumps(home["view"])


def test_an_org_wide_enterprise_install_serves_a_workspace_of_its_organization(
        any_server, any_settings, engine, fake_slack, db):
    save_install(any_settings, engine, fake_slack, "T0GRIDWS", "Grid Org", "xoxb-org-wide",
                 enterprise_id="E0ORG", org_wide=True)
    grid = User("U0GRACE", "T0GRIDWS", "grace")
    fake_slack.add_user(grid.id, grid.team_id, name="grace")
    slack = SlackSender(any_server.url, SECRET, fake_slack, "T0GRIDWS")
    form = {"token": "legacy", "team_id": "T0GRIDWS", "enterprise_id": "E0ORG",
            "is_enterprise_install": "true", "channel_id": CHANNEL, "channel_name": "shared",
            "user_id": grid.id, "user_name": "grace", "command": "/dispute", "text": "",
            "api_app_id": "A0PARLEY", "response_url": fake_slack.response_url(),
            "trigger_id": "trig-grid"}
    assert slack.post(urlencode(form)).status == 200
    opened = fake_slack.wait_for("views.open")[-1].args
    assert opened["_team"] == "T0GRIDWS" and opened["trigger_id"] == "trig-grid"
    def recorded() -> bool:  # the organization of the workspace, recorded after the ack
        with db.read() as session:
            found = session.get(Workspace, "T0GRIDWS")
            return found is not None and found.enterprise_id == "E0ORG"

    eventually(recorded, what="the workspace's organization recorded")


def test_when_the_provider_uninstalls_the_next_dispute_is_the_client_s(any_server, both_installed, fake_slack, db):
    studio, client = senders(any_server, fake_slack)
    raise_dispute(studio, fake_slack, SAM, [CORA])
    assert studio.event({"type": "app_uninstalled"}, team_id=HOST_TEAM).status == 200
    raise_dispute(client, fake_slack, CORA, [SAM])
    with db.read() as session:
        held = [d.team_id for d in session.scalars(select(Dispute).order_by(Dispute.id))]
        assert session.get(ChannelProvider, CHANNEL).team_id == CLIENT_TEAM
    assert held == [HOST_TEAM, CLIENT_TEAM]  # the studio's stays its own; the new one is Client Co's


def test_the_channel_s_host_is_its_provider_whoever_opens_its_first_dispute(
        any_server, both_installed, fake_slack, db):
    """Slack says which organization hosts a Slack Connect channel (conversation_host_id): with
    both organizations installed, the client opening the channel's first dispute (Parley never
    saw joining) does not make itself the provider of the studio's channel (issue 25)."""
    _, client = senders(any_server, fake_slack)
    posted = raise_dispute(client, fake_slack, CORA, [SAM])
    with db.read() as session:
        dispute = session.scalars(select(Dispute)).one()
        provider = session.get(ChannelProvider, CHANNEL)
        sides = {(p.user_id, p.side) for p in dispute.parties}
    assert provider.team_id == HOST_TEAM and dispute.team_id == HOST_TEAM
    assert sides == {("U0CORA", "client"), ("U0SAM", "provider")}
    card = json.dumps(posted["card"]["blocks"])
    assert "*Studio*: Sam" in card and "*Client Co*: Cora" in card


def test_a_channel_the_client_hosts_is_the_client_s_own(any_server, both_installed, fake_slack, db):
    """… and a channel the client's organization created is the client's (it is the provider
    there), whoever brings Parley in."""
    fake_slack.add_channel("C0THEIRS", host=CLIENT_TEAM)
    studio, _ = senders(any_server, fake_slack)
    body = joined(studio, fake_slack.bot_user, HOST_TEAM)
    body["event"]["channel"] = "C0THEIRS"
    studio.post(json.dumps(body), "application/json")
    welcome = fake_slack.wait_for("chat.postMessage")[-1].args
    assert "kept in *Client Co*'s Parley (their numbers and settings)" in json.dumps(welcome["blocks"])
    with db.read() as session:
        assert session.get(ChannelProvider, "C0THEIRS").team_id == CLIENT_TEAM
