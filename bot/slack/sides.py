"""Names for the two organizations in messages both of them read: "Studio", "Client Co's side";
never "provider side" or "client side" (words for Parley's code, not for people)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.blocks.status_card import CardNames
from bot.i18n import N_, _
from bot.slack.directory import Directory
from models import Dispute, Side

FALLBACK: dict[str, str] = {
    # Translators: stands for a side's organization when Slack cannot name it.
    Side.PROVIDER: N_("the provider"),
    Side.CLIENT: N_("the client"),
}  # Slack could not name it (translated where shown: side_name)


def _teams(dispute: Dispute, side: str) -> list[str]:
    if side == Side.PROVIDER:
        return [dispute.team_id]
    if dispute.client_team:
        return [dispute.client_team] if dispute.client_team != dispute.team_id else []
    return list(
        dict.fromkeys(p.team_id for p in dispute.parties if p.side == side and p.team_id != dispute.team_id)
    )


def org_name(directory: Directory, dispute: Dispute, side: str) -> str | None:
    """The organization's name on that side ("Client Co"), or None when Slack cannot say (or
    the client's people are guests of the provider's workspace)."""
    names = [n for n in (directory.team_name(t) for t in _teams(dispute, side)) if n]
    if not names:
        return None
    joined = names[0]
    for name in names[1:]:
        # Translators: two organizations' names ("Studio and Client Co"); repeated for three.
        joined = _("{first} and {second}").format(first=joined, second=name)
    return joined


def side_name(directory: Directory, dispute: Dispute, side: str) -> str:
    """ "Studio's side", or "the client" when the organization has no name Parley can find."""
    name = org_name(directory, dispute, side)
    if name:
        # Translators: {organization} is an organization's name ("Studio's side").
        return _("{organization}'s side").format(organization=name)
    # Translators: stands for a side's organization when Slack cannot name it.
    return _(FALLBACK[side]) if side in FALLBACK else _("the other side")


def side_names(directory: Directory, dispute: Dispute, sides: Iterable[str]) -> list[str]:
    order: dict[str, int] = {Side.PROVIDER: 0, Side.CLIENT: 1}
    return [side_name(directory, dispute, s) for s in sorted(sides, key=lambda s: order.get(s, 2))]


def card_names(directory: Directory, dispute: Dispute) -> CardNames:
    """The names a card (and the messages like it) shows: each side's organization, and every
    person in the dispute."""
    orgs: dict[str, str] = {
        side: name for side in (Side.PROVIDER, Side.CLIENT) if (name := org_name(directory, dispute, side))
    }
    people = {p.user_id: directory.name_of(p.team_id, p.user_id) for p in dispute.parties}
    people.setdefault(
        dispute.opened_by_user, directory.name_of(dispute.opened_by_team, dispute.opened_by_user)
    )
    return CardNames(orgs, people)
