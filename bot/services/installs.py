"""What Parley keeps of Slack's install flow and forgets (models/installations.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.db import rows_changed
from models.installations import oauth_states


def forget_expired_states(session: Session) -> int:
    """Install states past their ten minutes (slack_sdk stores them as naive UTC)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return rows_changed(session, delete(oauth_states).where(oauth_states.c.expire_at < now))
