"""The App Home tab: the person's open disputes."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.home import home_view
from bot.services.disputes import disputes_for_person
from bot.services.people import Person
from bot.slack.context import Deps
from bot.slack.listen import lazily


def register(app: App, deps: Deps) -> None:
    @lazily(app.event("app_home_opened"))
    def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = event["user"]
        person = Person(team_id=event.get("team") or body.get("team_id") or "", user_id=user_id)
        with deps.db.read() as session:
            view = home_view(disputes_for_person(session, person))
        client.views_publish(user_id=user_id, view=view)
