"""Names for sides in messages both organizations read: "Studio's side", "Client Co's side"."""

from __future__ import annotations

from collections.abc import Iterable

from bot.slack.directory import Directory
from models import Dispute, Side


def side_name(directory: Directory, dispute: Dispute, side: str) -> str:
    if side == Side.PROVIDER:
        teams = [dispute.team_id]
    else:
        teams = list(dict.fromkeys(p.team_id for p in dispute.parties
                                   if p.side == side and p.team_id != dispute.team_id))
    names = [n for n in (directory.team_name(t) for t in teams) if n]
    if names:
        return " and ".join(names) + "'s side"
    return "the provider side" if side == Side.PROVIDER else "the client side"


def side_names(directory: Directory, dispute: Dispute, sides: Iterable[str]) -> list[str]:
    order = {Side.PROVIDER: 0, Side.CLIENT: 1}
    return [side_name(directory, dispute, s) for s in sorted(sides, key=lambda s: order.get(s, 2))]
