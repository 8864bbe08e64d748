"""Reads the "Raise a dispute" modal's state and validates it into a NewDispute, or inline errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.dispute_modal import HAPPENED_MAX, MAX_PARTIES, OUTCOME_MAX, TITLE_MAX
from bot.blocks.messages import CANNOT_PLACE_SHORT
from bot.i18n import _, ngettext
from bot.services.disputes import MIXED, NewDispute, both_sides, client_teams
from bot.services.people import Participant, side_for
from bot.services.vocabulary import CATEGORIES
from bot.slack.directory import Directory
from bot.slack.forms import form_state as state
from bot.slack.forms.form_checks import money, required_text
from bot.slack.forms.people_check import resolve_people
from models import Side


@dataclass(frozen=True)
class DisputeForm:
    title: str
    party_ids: list[str]
    category: str | None
    happened: str
    outcome: str
    amount: str
    currency: str | None


def read_form(values: dict[str, Any]) -> DisputeForm:
    return DisputeForm(
        title=state.line(values, ids.B_TITLE, ids.A_TITLE),
        party_ids=state.users(values, ids.B_PARTIES, ids.A_PARTIES),
        category=state.selected(values, ids.B_CATEGORY, ids.A_CATEGORY),
        happened=state.text(values, ids.B_HAPPENED, ids.A_HAPPENED),
        outcome=state.text(values, ids.B_OUTCOME, ids.A_OUTCOME),
        amount=state.line(values, ids.B_AMOUNT, ids.A_AMOUNT),
        currency=state.selected(values, ids.B_CURRENCY, ids.A_CURRENCY),
    )


def _parties(
    form: DisputeForm, opener_id: str, directory: Directory, errors: dict[str, str]
) -> list[Participant]:
    others = list(dict.fromkeys(u for u in form.party_ids if u != opener_id))
    if not form.party_ids:
        errors[ids.B_PARTIES] = _("Choose at least one person from the other side.")
        return []
    if not others:
        errors[ids.B_PARTIES] = _("Choose someone other than yourself: a dispute needs another side.")
        return []
    if len(others) > MAX_PARTIES:
        errors[ids.B_PARTIES] = ngettext(
            "Choose at most {count} person.", "Choose at most {count} people.", MAX_PARTIES
        ).format(count=MAX_PARTIES)
        return []
    participants, problem = resolve_people(directory, others)
    if problem:
        errors[ids.B_PARTIES] = problem
    return participants


def one_sided(opener: Participant, provider: str, directory: Directory) -> str:
    """The parties field's error when everyone chosen is on the opener's side."""
    if side_for(opener, provider) == Side.PROVIDER:
        return _(
            "Choose at least one person from the client's organization: a dispute is between "
            "two organizations, and nothing is decided by one side alone."
        )
    name = directory.team_name(provider)
    if not name:
        return _(
            "Choose at least one person from the provider's organization: a dispute is between two "
            "organizations, and nothing is decided by one side alone."
        )
    # Translators: {organization} is the name of the organization that provides the service.
    return _(
        "Choose at least one person from {organization}: a dispute is between two organizations, "
        "and nothing is decided by one side alone."
    ).format(organization=name)


def validate(
    form: DisputeForm, *, opener_id: str, host_team_id: str, channel_id: str, directory: Directory
) -> NewDispute | dict[str, str]:
    """A NewDispute ready to open, or {block_id: message} for `response_action: errors`.
    `host_team_id`: the channel's provider organization as it stands (the dispute goes to the
    one recorded when it is opened; bot/services/disputes.open_dispute checks its sides again)."""
    errors: dict[str, str] = {}
    required_text(errors, ids.B_TITLE, form.title, TITLE_MAX, _("Give the dispute a short title."))
    others = _parties(form, opener_id, directory, errors)
    if form.category not in CATEGORIES:
        errors[ids.B_CATEGORY] = _("Choose the category that fits best.")
    required_text(errors, ids.B_HAPPENED, form.happened, HAPPENED_MAX, _("Describe what happened."))
    required_text(errors, ids.B_OUTCOME, form.outcome, OUTCOME_MAX, _("Say what outcome you want."))
    amount = money(
        errors, form.amount, form.currency, amount_block=ids.B_AMOUNT, currency_block=ids.B_CURRENCY
    )
    opener: Participant | None = None
    if not errors:
        try:
            opener = directory.lookup(opener_id).participant
        except SlackApiError:
            opener = None
        if opener is None or not opener.person.team_id:
            errors[ids.B_PARTIES] = _(CANNOT_PLACE_SHORT)
        elif not both_sides(opener, others, host_team_id):
            errors[ids.B_PARTIES] = one_sided(opener, host_team_id, directory)
        elif len(client_teams([opener, *others], host_team_id)) > 1:
            errors[ids.B_PARTIES] = _(MIXED)
    if errors or opener is None:
        return errors
    return NewDispute(
        host_team_id=host_team_id,
        channel_id=channel_id,
        title=form.title,
        category=form.category or "other",
        description=form.happened,
        desired_outcome=form.outcome,
        opener=opener,
        others=others,
        amount=amount,
        currency=form.currency if amount is not None else None,
    )
