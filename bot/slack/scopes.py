"""The bot scopes Parley needs, from the Web API methods it calls and the events it hears.

manifest.json and the install flow's default (SLACK_SCOPES) ask for exactly these:
tests/unit/test_manifest.py reads the code for every Web API method it calls and every event
it listens to, and fails when one is missing here or a scope is asked for that nothing needs."""

from __future__ import annotations

# Each Web API method Parley calls (slack_sdk's name for it) and the bot scopes it needs. A
# conversations.* method needs the scope of the channel's kind: public (channels:) and private
# (groups:) shared channels both.
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "api_test": frozenset(),
    "auth_test": frozenset(),
    "chat_getPermalink": frozenset(),
    "chat_postEphemeral": frozenset({"chat:write"}),
    "chat_postMessage": frozenset({"chat:write"}),
    "chat_update": frozenset({"chat:write"}),
    # a lost answer looked up; a message kept as evidence
    "conversations_history": frozenset({"channels:history", "groups:history"}),
    "conversations_replies": frozenset({"channels:history", "groups:history"}),
    "conversations_info": frozenset({"channels:read", "groups:read"}),
    "conversations_members": frozenset({"channels:read", "groups:read"}),  # a private link's reader
    "conversations_open": frozenset({"im:write"}),  # a direct message to one person
    "files_info": frozenset({"files:read"}),  # evidence: a file's download URL, then its bytes
    "files_upload_v2": frozenset({"files:write"}),  # the agreement's PDF, exports
    "team_info": frozenset({"team:read"}),  # organizations' names
    "users_info": frozenset({"users:read"}),  # people's names and workspaces
    "views_open": frozenset(),
    "views_publish": frozenset(),
    "views_push": frozenset(),
    "views_update": frozenset(),
}

# The bot events Parley listens to, and the scopes Slack sends each one for.
EVENT_SCOPES: dict[str, frozenset[str]] = {
    "app_home_opened": frozenset(),
    "member_joined_channel": frozenset({"channels:read", "groups:read"}),
    "app_uninstalled": frozenset(),
    "tokens_revoked": frozenset(),
}

# `/dispute` itself.
COMMAND_SCOPES = frozenset({"commands"})


def bot_scopes() -> frozenset[str]:
    return frozenset().union(COMMAND_SCOPES, *METHOD_SCOPES.values(), *EVENT_SCOPES.values())
