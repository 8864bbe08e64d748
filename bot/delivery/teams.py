"""Whose token sends a row. In multi-workspace mode each row goes with its workspace's bot token
(bot/slack/installs.py's TokenBook); in single-workspace mode the client has its own token."""

from __future__ import annotations

from typing import Protocol

from bot.slack import tokens


class Installations(Protocol):
    def bot_token(self, team_id: str) -> str | None: ...

    def forget(self, team_id: str) -> None: ...


class OneWorkspace:
    """Single-workspace mode: no token of any workspace's; the client's own is used."""

    def bot_token(self, team_id: str) -> str | None:
        return None

    def forget(self, team_id: str) -> None:
        return None


def first_installed(book: Installations, teams: tuple[str, ...]) -> tuple[str, str | None]:
    """The first of `teams` with Parley installed, and its token (None in single-workspace mode,
    or when it cannot be found just now); NotInstalled when none has it."""
    gone: tokens.NotInstalled | None = None
    for team in teams:
        try:
            return team, book.bot_token(team)
        except tokens.NotInstalled as error:
            gone = gone or error
    raise gone or tokens.NotInstalled("no workspace to send it with")
