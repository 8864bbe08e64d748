"""Who a Slack user is (team, bot, guest), from users.info, cached briefly in memory."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import i18n
from bot.services.people import Participant, Person
from bot.services.people_text import one_line

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Profile:
    person: Person
    name: str
    is_bot: bool
    is_guest: bool
    deleted: bool
    tz: str | None
    is_admin: bool = False
    locale: str | None = None  # Slack's for the person ("de-DE"), asked with include_locale

    @property
    def participant(self) -> Participant:
        return Participant(self.person, is_guest=self.is_guest)


class Directory:
    FAILED_TEAM_TTL = 60.0  # a team.info Slack refused is asked again after a minute

    def __init__(self, client: WebClient, ttl_seconds: float = 600.0, *, per_workspace: bool = False) -> None:
        """`per_workspace` (multi-workspace mode): whether someone is an admin is asked again
        with the token of the installation at hand before saying no, since a profile looked
        up through another organization's installation may not say it."""
        self._client = client
        self._ttl = ttl_seconds
        self._per_workspace = per_workspace
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, Profile]] = {}
        self._teams: dict[str, tuple[float, str | None]] = {}
        self._glanced: dict[str, tuple[float, Profile]] = {}

    def lookup(self, user_id: str, *, fresh: bool = False) -> Profile:
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(user_id)
        if hit and now - hit[0] < self._ttl and not fresh:
            return hit[1]
        user = self._client.users_info(user=user_id, include_locale=True)["user"]
        profile = self._profile(user)
        with self._lock:
            self._cache[user_id] = (now, profile)
        return profile

    @staticmethod
    def _profile(user: dict[str, Any]) -> Profile:
        return Profile(
            person=Person(team_id=user.get("team_id") or "", user_id=user["id"]),
            # A name is typed by a person: kept on one line wherever Parley puts it.
            name=one_line(user.get("real_name") or user.get("name")) or user["id"],
            is_bot=bool(user.get("is_bot")) or user["id"] == "USLACKBOT",
            is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
            deleted=bool(user.get("deleted")),
            tz=user.get("tz"),
            is_admin=bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")),
            locale=user.get("locale") if isinstance(user.get("locale"), str) else None,
        )

    def language(self, user_id: str) -> str:
        """The language Parley speaks to this person privately: their Slack locale's, where Parley
        has it; English when it has not, or when Slack cannot say."""
        found = self.glance(user_id)
        return i18n.choose(found.locale if found else None)

    def glance(self, user_id: str) -> Profile | None:
        """The person's profile for defaults (language, time zone), or None when Slack cannot
        say. Kept apart from `lookup`'s: glancing never refreshes what a check relies on."""
        now = time.monotonic()
        with self._lock:
            hits = [h for h in (self._cache.get(user_id), self._glanced.get(user_id)) if h]
        hit = max(hits, key=lambda h: h[0], default=None)  # the newer of the two
        if hit and now - hit[0] < self._ttl:
            return hit[1]
        try:
            user = self._client.users_info(user=user_id, include_locale=True)["user"]
        except SlackApiError:
            return None
        except Exception:  # (a network failure: a language and a time zone are defaults)
            log.warning("users.info for %s failed; using defaults", user_id, exc_info=True)
            return None
        profile = self._profile(user)
        with self._lock:
            self._glanced[user_id] = (now, profile)
        return profile

    def person(self, user_id: str, fallback: Person) -> Person:
        """Who a user is, by Slack's own account: their workspace comes from users.info, not from
        a request body (a slash command's `team_id` is the workspace it was run in; an
        `app_home_opened` event names no team at all)."""
        try:
            return self.lookup(user_id).person
        except SlackApiError:
            return fallback

    def is_admin_of(self, user_id: str, team_id: str) -> bool:
        """An admin or owner of that workspace (by users.info); False when Slack cannot say."""
        try:
            profile = self.lookup(user_id)
            if not (profile.is_admin and profile.person.team_id == team_id) and self._per_workspace:
                profile = self.lookup(user_id, fresh=True)
        except SlackApiError:
            return False
        return profile.is_admin and profile.person.team_id == team_id

    def team_name(self, team_id: str) -> str | None:
        """The organization's name from team.info (also for connected orgs), or None."""
        now = time.monotonic()
        with self._lock:
            hit = self._teams.get(team_id)
        if hit and now - hit[0] < (self._ttl if hit[1] is not None else self.FAILED_TEAM_TTL):
            return hit[1]
        try:
            name = one_line(self._client.team_info(team=team_id)["team"].get("name")) or None
        except SlackApiError:
            name = None
        with self._lock:
            self._teams[team_id] = (now, name)
        return name

    def name_of(self, team_id: str, user_id: str) -> str:
        """The person's name in Slack, or their user id when Slack cannot say."""
        try:
            return self.lookup(user_id).name
        except SlackApiError:
            return user_id

    def describe(self, team_id: str, user_id: str) -> str:
        """'Cora (Client Co)' for messages both sides read (plain text: a name is typed by a
        person, and is escaped wherever it goes); falls back to what is known."""
        name = self.name_of(team_id, user_id)
        org = self.team_name(team_id)
        return f"{name} ({org})" if org else name
