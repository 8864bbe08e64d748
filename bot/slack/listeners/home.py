"""The App Home tab: the person's open disputes, what awaits them, and the team's figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import version
from bot.blocks.delivery import attention_line
from bot.blocks.home import home_view
from bot.i18n import _
from bot.services import outbox, overview, turns
from bot.services.disputes import disputes_for_person
from bot.services.people import Person
from bot.slack.context import deps_of, host_team_id
from bot.slack.listen import ONCE, On


def build_home(
    session: Session,
    person: Person,
    host_team: str,
    cache: overview.FiguresCache,
    org_name: Callable[[str], str] = str,
) -> dict[str, Any]:
    """The figures are internal: only people of the installing workspace see them."""
    figures = cache.get(session, host_team) if person.team_id == host_team else None
    attention = [
        attention_line(row.kind, row.channel_id, ref, row.last_error or "")
        for row, ref in outbox.needs_attention(session, person.team_id, person.user_id)
    ]
    pace = (
        [(org_name(p.team_id), p.average_days, p.turns) for p in turns.pace(session, person.team_id)]
        if person.team_id
        else []
    )
    return home_view(
        disputes_for_person(session, person),
        overview.awaiting(session, person),
        figures,
        attention,
        version=version(),
        pace=pace,
    )


def on_home_opened(
    event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    if event.get("tab", "home") != "home":
        return
    deps = deps_of(context)
    user_id = event["user"]
    host = host_team_id(context)
    # Slack's app_home_opened names no team: whose workspace the person is in (and so whether
    # they see the team's internal figures) comes from users.info; unknown means not ours.
    person = deps.directory.person(user_id, fallback=Person(team_id="", user_id=user_id))
    with deps.db.read() as session:
        view = build_home(
            session,
            person,
            host,
            deps.figures,
            lambda team: deps.directory.team_name(team) or _("another organization"),
        )
    client.views_publish(user_id=user_id, view=view)


LISTENERS = (On("event", "app_home_opened", on_home_opened, ONCE),)
