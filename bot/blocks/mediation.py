"""The "Ask for a mediator" modal, the thread message that stands for a request (accepted,
waiting for the other side, or declined), and the internal note that goes to the asking side's
own people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import ids
from bot.blocks.inputs import input_block, static_select, text_input, user_select
from bot.blocks.text import (
    Mrkdwn,
    button,
    channel_link,
    context,
    md,
    mention,
    mentions,
    plain,
    quoted,
    section,
    truncate,
)
from bot.i18n import _
from bot.payloads import DisputeButton, MediatorButton
from models import Dispute, MediatorRequest, MediatorRequestStatus


def mediator_modal(
    dispute: Dispute, listed: dict[str, str], *, list_owner: str, other_side: str, note_to: Mrkdwn | None
) -> dict[str, Any]:
    """`listed`: the policy's mediators, user id → name, kept by `list_owner` (the provider's
    name); `other_side`: the other side's name; `note_to`: where an internal note would go (the
    asking side's own people), or None when there is nowhere: then there is no note field."""
    blocks: list[dict[str, Any]] = [
        section(
            md(
                # Translators: {other} is the other side's organization.
                _(
                    "*{ref} · {title}*\nA mediator joins as a neutral party: they can draft the agreement "
                    "and add parties, and don't approve for either side. Someone from neither organization "
                    "joins at once; someone from your own organization joins once {other} accepts them."
                ),
                ref=dispute.reference,
                title=truncate(dispute.title, 200),
                other=other_side,
            )
        )
    ]
    if listed:
        blocks.append(
            input_block(
                ids.B_MEDIATOR_LISTED,
                # Translators: {organization} is the name of the organization that keeps the list.
                _("Mediators {organization} lists").format(organization=list_owner)[:150],
                static_select(ids.A_MEDIATOR_LISTED, listed, placeholder=_("Choose a mediator")),
                optional=True,
            )
        )
    blocks += [
        input_block(
            ids.B_MEDIATOR_ANYONE,
            _("Or anyone") if listed else _("Who should mediate?"),
            user_select(ids.A_MEDIATOR_ANYONE, placeholder=_("Choose a person")),
            optional=True,
        ),
        input_block(
            ids.B_MEDIATOR_REASON,
            _("Why a mediator? (both sides see this)"),
            text_input(ids.A_MEDIATOR_REASON, max_length=1000, multiline=True),
        ),
    ]
    if note_to is not None:
        blocks += [
            input_block(
                ids.B_MEDIATOR_NOTE,
                _("Internal note (optional)"),
                text_input(ids.A_MEDIATOR_NOTE, max_length=1000, multiline=True),
                optional=True,
                hint=_("It goes only to your own organization's people, never to the other side."),
            ),
            # Translators: {where} is a channel ("#studio-escalations, your organization's escalation
            # channel") or people ("your colleagues in this dispute (@Sam), by direct message").
            context(md(_("The note goes to {where}."), where=note_to)),
        ]
    return {
        "type": "modal",
        "callback_id": ids.MEDIATOR_MODAL,
        # Translators: a form's title: at most 24 characters.
        "title": plain(_("Ask for a mediator")),
        # Translators: a form's button: at most 24 characters.
        "submit": plain(_("Request")),
        # Translators: a form's button: at most 24 characters.
        "close": plain(_("Cancel")),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": blocks,
    }


def note_goes_to(channel_id: str | None, colleagues: list[str]) -> Mrkdwn | None:
    """Where the asking side's internal note goes, in words for the form."""
    if channel_id:
        return md(_("{channel}, your organization's escalation channel"), channel=channel_link(channel_id))
    if colleagues:
        return md(_("your colleagues in this dispute ({who}), by direct message"), who=mentions(colleagues))
    return None


@dataclass(frozen=True)
class RequestView:
    """What the request's message says, already put into words."""

    asked_by: str  # "Cora (Client Co)"
    mediator_from: str | None  # the organization the mediator is from, None: neither
    deciding: str | None  # the side that can still accept ("Studio's side"), None: nobody
    deciders: list[str]  # that side's parties (mentioned while they must decide)
    accepted_by_both: bool
    declined_by: str | None  # the side that declined


def mediator_request(
    dispute: Dispute, asked: MediatorRequest, view: RequestView
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    who = mention(asked.user_id)
    head = md(
        # Translators: {by} is "Name (Organization)", {who} the person asked to mediate, {why} their
        # reason, quoted.
        _(":busts_in_silhouette: {by} asked for {who} to mediate {ref}:\n{why}"),
        by=view.asked_by,
        who=who,
        ref=dispute.reference,
        why=quoted(asked.reason, 1000),
    )
    value = MediatorButton(d=dispute.id, r=asked.id).encode()
    accept = button(_("Accept as mediator"), ids.ACCEPT_MEDIATOR, value, style="primary")
    actions: list[dict[str, Any]] = []
    if asked.status == MediatorRequestStatus.WAITING:
        line = md(
            # Translators: {org} is an organization, {side} the side that decides ("Studio's side"),
            # {deciders} its people.
            _("{who} is from {org}, so {side} decides whether they mediate: {deciders}"),
            who=who,
            org=view.mediator_from or _("the asking side's organization"),
            side=view.deciding or _("the other side"),
            deciders=mentions(view.deciders),
        )
        actions = [accept, button(_("Decline"), ids.DECLINE_MEDIATOR, value)]
    elif asked.status == MediatorRequestStatus.DECLINED:
        line = (
            md(
                # Translators: {side} is the side that declined ("Studio's side").
                _(
                    ":x: {side} declined {who} as mediator. Either side can ask for someone else "
                    "with *Ask for a mediator* in the card's menu."
                ),
                side=view.declined_by,
                who=who,
            )
            if view.declined_by
            else md(
                _(
                    ":x: The other side declined {who} as mediator. Either side can ask for someone "
                    "else with *Ask for a mediator* in the card's menu."
                ),
                who=who,
            )
        )
    elif view.accepted_by_both:
        line = md(
            _(":white_check_mark: {who} mediates {ref}, accepted by both sides."),
            who=who,
            ref=dispute.reference,
        )
    else:
        side = view.deciding or _("the other side")
        line = (
            md(
                # Translators: {org} is the organization the mediator is from; {side} the side that
                # can still accept them ("Studio's side").
                _(
                    "{who} joins as mediator, from {org}. {side} can accept them too; until then, "
                    "closing the dispute also takes a click from {side}."
                ),
                who=who,
                org=view.mediator_from,
                side=side,
            )
            if view.mediator_from
            else md(
                # Translators: {side} is the side that can still accept the mediator ("Studio's side").
                _(
                    "{who} joins as mediator, from neither organization. {side} can accept them too; "
                    "until then, closing the dispute also takes a click from {side}."
                ),
                who=who,
                side=side,
            )
        )
        actions = [accept] if view.deciding else []
    blocks: list[dict[str, Any]] = [section(head), section(line)]
    if actions:
        blocks.append({"type": "actions", "block_id": f"mediator_{asked.id}", "elements": actions})
    return md(_("{by} asked for a mediator for {ref}"), by=view.asked_by, ref=dispute.reference), blocks


def mediator_joined(dispute: Dispute, who: str, mediator_id: str, reason: str) -> Mrkdwn:
    """The thread message of a mediator who joined before requests were kept (old outbox rows)."""
    return md(
        _(
            ":busts_in_silhouette: {who} asked for a neutral mediator for {ref}:\n{why}\n"
            "{mediator} joins as mediator."
        ),
        who=who,
        ref=dispute.reference,
        why=quoted(truncate(reason, 1000)),
        mediator=mention(mediator_id),
    )


def mediator_escalation(dispute: Dispute, mediator_id: str, note: str) -> Mrkdwn:
    """For the asking side's own people only (its escalation channel, or its colleagues)."""
    if note:
        return md(
            _(
                ":rotating_light: A mediator ({mediator}) was asked for in {ref} in {channel}.\n"
                "Internal note:\n{note}"
            ),
            mediator=mention(mediator_id),
            ref=dispute.reference,
            channel=channel_link(dispute.channel_id),
            note=quoted(note, 1000),
        )
    return md(
        _(":rotating_light: A mediator ({mediator}) was asked for in {ref} in {channel}."),
        mediator=mention(mediator_id),
        ref=dispute.reference,
        channel=channel_link(dispute.channel_id),
    )


def say_why_both_sides_see() -> str:
    return _("Say why, in a sentence: both sides will see it.")


def choose_one_mediator() -> str:
    return _("Choose one mediator: from the list or anyone.")
