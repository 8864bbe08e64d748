"""manifest.json declares what the code relies on."""

from __future__ import annotations

import json

from bot import ids
from tests.support.databases import ROOT


def manifest() -> dict:
    return json.loads((ROOT / "manifest.json").read_text())


def test_command_events_and_interactivity_point_at_slack_events():
    m = manifest()
    commands = m["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [ids.COMMAND]
    urls = {commands[0]["url"], m["settings"]["event_subscriptions"]["request_url"],
            m["settings"]["interactivity"]["request_url"]}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened", "member_joined_channel", "app_uninstalled", "tokens_revoked"}
    assert m["oauth_config"]["redirect_urls"] == [
        commands[0]["url"].removesuffix("/slack/events") + "/slack/oauth_redirect"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True


def test_scopes_cover_the_methods_parley_calls():
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    # commands: /dispute · chat:write: postMessage/update/postEphemeral/getPermalink ·
    # channels:read + groups:read: conversations.info and member_joined_channel ·
    # users:read: users.info · team:read: team.info (organization names) ·
    # files:write: files.getUploadURLExternal + files.completeUploadExternal (the agreement file)
    assert {"commands", "chat:write", "channels:read", "groups:read", "users:read",
            "team:read", "files:write", "im:write"} <= scopes  # im:write: conversations.open


def test_display_name_fits():
    m = manifest()
    assert len(m["display_information"]["name"]) <= 35
    assert 174 < len(m["display_information"]["long_description"]) <= 4000
    assert len(m["display_information"]["description"]) <= 140
