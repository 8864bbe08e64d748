"""Registers every middleware and listener on a Bolt app."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import (
    agreements,
    channels,
    checkins,
    closing,
    disputes,
    errors,
    home,
    mediation,
    parties,
    perspectives,
    proposals,
    settings,
)
from bot.slack.context import Deps, resolve_actor, use_client


def register_all(app: App, deps: Deps) -> None:
    app.use(use_client(app.client))
    app.use(resolve_actor)
    errors.register(app)
    disputes.register(app, deps)
    channels.register(app, deps)
    home.register(app, deps)
    perspectives.register(app, deps)
    proposals.register(app, deps)
    parties.register(app, deps)
    agreements.register(app, deps)
    checkins.register(app, deps)
    closing.register(app, deps)
    mediation.register(app, deps)
    settings.register(app, deps)
