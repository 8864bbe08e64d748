"""Puts an agreement's approval state into words people read: names, organizations, who is missing."""

from __future__ import annotations

from bot.blocks.agreements import ApprovalView
from bot.i18n import _
from bot.services import agreements
from bot.slack.directory import Directory
from models import Agreement, Dispute, Side


def approval_view(directory: Directory, dispute: Dispute, agreement: Agreement) -> ApprovalView:
    state = agreements.approval_state(dispute, agreement)
    needed = []
    for side, team in state.missing:
        guests = side == Side.CLIENT and team == dispute.team_id
        org = None if guests else directory.team_name(team)
        if org:
            # Translators: an approval still needed; {organization} is an organization's name.
            needed.append(_("one person from {organization}").format(organization=org))
        elif side == Side.PROVIDER:
            needed.append(_("one person from the provider"))
        else:
            needed.append(_("one person from the client"))
    needed += [directory.describe(p.team_id, p.user_id) for p in state.missing_people]
    approved = [(directory.describe(a.team_id, a.user_id), a.at) for a in state.valid]
    groups = agreements.approver_groups(dispute)
    asked = [p.user_id for key in state.missing for p in groups.get(key, [])]
    asked += [p.user_id for p in state.missing_people]
    drafter = agreement.drafted_by.user_id if agreement.drafted_by else None  # just wrote it
    return ApprovalView(approved, needed, asked=[u for u in dict.fromkeys(asked) if u != drafter])
