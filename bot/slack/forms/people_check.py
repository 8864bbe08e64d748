"""Checks on people picked in a modal: real, active people, looked up with users.info."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.i18n import _
from bot.services.people import Participant
from bot.slack.directory import Directory


def resolve_people(directory: Directory, user_ids: list[str]) -> tuple[list[Participant], str | None]:
    """Participants for the ids, or an error sentence about the first one that can't take part."""
    participants = []
    for user_id in dict.fromkeys(user_ids):
        try:
            profile = directory.lookup(user_id)
        except SlackApiError:
            return (
                [],
                _("Parley couldn't look up one of the people you chose. Choose someone else or try again."),
            )
        if profile.is_bot:
            # Translators: {name} is the app's name in Slack.
            return [], _("{name} is an app, not a person. Choose people from the other side.").format(
                name=profile.name
            )
        if profile.deleted:
            # Translators: {name} is a person's name in Slack.
            return [], _("{name}'s account is deactivated. Choose someone active.").format(name=profile.name)
        participants.append(profile.participant)
    return participants, None
