"""Registers every middleware and listener on a Bolt app."""

from __future__ import annotations

from slack_bolt import App

from bot.slack import errors
from bot.slack.context import Deps, resolve_actor, use_client, use_deps
from bot.slack.listen import register
from bot.slack.listeners import (
    agreements,
    calendar,
    card,
    channels,
    checkins,
    closing,
    disputes,
    erasure,
    evidence,
    home,
    mediation,
    parties,
    perspectives,
    proposals,
    settings,
    settlements,
)

FEATURES = (
    disputes,
    channels,
    home,
    perspectives,
    proposals,
    parties,
    agreements,
    checkins,
    closing,
    mediation,
    card,
    settings,
    calendar,
    erasure,
    evidence,
    settlements,
)


def register_all(app: App, deps: Deps) -> None:
    app.use(use_client(app.client))
    app.use(resolve_actor)
    app.use(use_deps(deps))
    errors.register(app)
    for feature in FEATURES:
        register(app, feature.LISTENERS)
