"""Which language Parley posts in: a channel's (a setting of the workspace, or of one channel),
else the workspace's own Slack locale, as learnt from its people (SlackDefaults);
English where Parley does not have it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import i18n
from bot.services.policy import effective_policy
from models import SlackDefaults


def of_channel(session: Session, team_id: str, channel_id: str) -> str:
    chosen = effective_policy(session, team_id, channel_id).language
    if chosen:
        return i18n.choose(chosen)
    learned = session.get(SlackDefaults, team_id)
    return i18n.choose(learned.locale if learned is not None else None)


def is_person(channel_id: str) -> bool:
    """A message to a person (a DM opened by their user id), not to a conversation."""
    return channel_id[:1] in ("U", "W")
