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


# ----- the manifest asks for what the code relies on, and nothing more ----------------------

def web_api_methods_called() -> set[str]:
    """Every slack_sdk WebClient method the code names (called, or handed on to be called)."""
    import re

    from slack_sdk import WebClient

    found: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for name in re.findall(r"\.([a-z]+_[A-Za-z0-9_]+)\b", path.read_text()):
            if callable(getattr(WebClient, name, None)) and name not in {"api_call"}:
                found.add(name)
    return found


def test_every_web_api_method_called_has_its_scopes_listed():
    from bot.slack.scopes import METHOD_SCOPES

    called = web_api_methods_called()
    assert called - {"oauth_v2_access"} == set(METHOD_SCOPES)  # the install flow's, tokenless


def test_the_manifest_and_the_install_flow_ask_for_exactly_the_scopes_needed():
    from bot.config import DEFAULT_SCOPES
    from bot.slack.scopes import bot_scopes

    assert set(manifest()["oauth_config"]["scopes"]["bot"]) == bot_scopes()
    assert set(DEFAULT_SCOPES.split(",")) == bot_scopes()
    assert "user" not in manifest()["oauth_config"]["scopes"]  # no user token, ever


def events_listened_to(settings, engine, monkeypatch) -> set[str]:
    from slack_bolt import App

    from bot.application import create_app

    heard: set[str] = set()
    original = App.event

    def event(self, event, *args, **kwargs):  # noqa: ANN001, ANN202 - App.event's own
        heard.add(event if isinstance(event, str) else event.get("type"))
        return original(self, event, *args, **kwargs)

    monkeypatch.setattr(App, "event", event)
    create_app(settings, engine=engine).close()
    return heard


def test_the_manifest_subscribes_to_exactly_the_events_listened_to(settings, any_settings, engine,
                                                                  monkeypatch):
    from bot.slack.scopes import EVENT_SCOPES

    one_workspace = events_listened_to(settings, engine, monkeypatch)
    any_workspace = events_listened_to(any_settings, engine, monkeypatch)
    assert one_workspace == any_workspace == set(EVENT_SCOPES)
    assert set(manifest()["settings"]["event_subscriptions"]["bot_events"]) == set(EVENT_SCOPES)


def test_the_manifest_installs_one_workspace_at_a_time():
    # Org-wide installs on Enterprise Grid are off (docs/workspaces.md says what that means).
    assert manifest()["settings"]["org_deploy_enabled"] is False
