"""People are (team_id, user_id); sides are organizations."""

from __future__ import annotations

from dataclasses import dataclass

from models import Side


@dataclass(frozen=True, slots=True)
class Person:
    team_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Participant:
    """A person about to join a dispute, with what decides their side."""

    person: Person
    is_guest: bool = False


def side_for(participant: Participant, host_team_id: str) -> Side:
    """People of the installing workspace are the provider; a connected org or a guest is the client."""
    if participant.person.team_id != host_team_id or participant.is_guest:
        return Side.CLIENT
    return Side.PROVIDER
