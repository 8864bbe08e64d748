"""Sharing a perspective: the button on the status card, the modal, and what is posted."""

from __future__ import annotations

import contextlib
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks import messages
from bot.blocks.perspectives import (
    ACK_MAX,
    HAPPENED_MAX,
    IMPACT_MAX,
    MISSING_HAPPENED,
    MISSING_RESOLUTION,
    RESOLUTION_MAX,
    perspective_modal,
    reveal_groups,
    shared_confirmation,
)
from bot.i18n import _
from bot.payloads import DisputeButton, PerspectiveMeta
from bot.services import disputes, evidence, perspectives
from bot.services.message_kinds import MessageKind
from bot.services.parties import require_side
from bot.services.people import Person
from bot.services.perspectives import PerspectiveText, Shared
from bot.services.policy import effective_policy
from bot.slack.buttons import button_value, metadata
from bot.slack.context import Deps, deps_of, host_team_id
from bot.slack.evidence_work import attach_from_form, check_files, copy_files, limits_of, offered, tell
from bot.slack.forms import form_state as state
from bot.slack.forms.form_checks import optional_text, required_text
from bot.slack.forms.tone_gate import note_to_show
from bot.slack.listen import ONCE, REPEAT_IS_HARMLESS, On
from bot.slack.work import on_dispute


def read_text(values: dict[str, Any]) -> PerspectiveText:
    return PerspectiveText(
        what_happened=state.text(values, ids.B_P_HAPPENED, ids.A_P_HAPPENED),
        impact=state.text(values, ids.B_P_IMPACT, ids.A_P_IMPACT),
        resolution=state.text(values, ids.B_P_RESOLUTION, ids.A_P_RESOLUTION),
        acknowledgement=state.text(values, ids.B_P_ACK, ids.A_P_ACK) or None,
    )


def check(text: PerspectiveText) -> dict[str, str]:
    errors: dict[str, str] = {}
    required_text(errors, ids.B_P_HAPPENED, text.what_happened, HAPPENED_MAX, MISSING_HAPPENED)
    optional_text(errors, ids.B_P_IMPACT, text.impact, IMPACT_MAX)
    required_text(errors, ids.B_P_RESOLUTION, text.resolution, RESOLUTION_MAX, MISSING_RESOLUTION)
    optional_text(errors, ids.B_P_ACK, text.acknowledgement or "", ACK_MAX)
    return errors


def _modal_for(
    deps: Deps,
    dispute_id: int,
    actor: Person,
    team: str,
    typed: PerspectiveText | None = None,
    tone: list[str] | None = None,
    tone_key: str | None = None,
) -> dict[str, Any]:
    with deps.db.read() as session:
        dispute = disputes.load(session, team, dispute_id)
        # Translators: completes "Only the parties to D-7 can …." and "… you stay neutral, so you can't …."
        party = require_side(dispute, actor, _("share a perspective"))
        # Translators: completes "D-7 is closed, so you can no longer …."
        disputes.require_active(dispute, _("share a perspective"))
        latest = perspectives.latest_for(session, party)
        sealed = effective_policy(
            session, dispute.team_id, dispute.channel_id
        ).seal_perspectives and not perspectives.is_revealed(session, dispute.id)
        initial = typed or (
            PerspectiveText(latest.what_happened, latest.impact, latest.resolution, latest.acknowledgement)
            if latest
            else None
        )
        return perspective_modal(
            dispute,
            PerspectiveMeta(d=dispute.id, tone=tone_key),
            initial=initial,
            sealed=sealed,
            tone=tone,
            version=(latest.version + 1) if latest else 1,
            files=(deps.settings.evidence_max_files, deps.settings.evidence_max_file_mb),
        )


def on_share(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ref = button_value(body, DisputeButton)
    view = _modal_for(deps_of(context), ref.d, context["actor"], host_team_id(context))
    client.views_open(trigger_id=body["trigger_id"], view=view)


def check_perspective(ack: Ack, view: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    meta = metadata(view, PerspectiveMeta)
    if meta is None:
        ack(response_action="errors", errors={ids.B_P_HAPPENED: messages.form_out_of_date()})
        return
    text = read_text(view["state"]["values"])
    files = offered(view["state"]["values"], ids.B_P_FILES, ids.A_P_FILES)
    errors = check(text)
    check_files(errors, ids.B_P_FILES, files, limits_of(deps.settings))
    if errors:
        ack(response_action="errors", errors=errors)
        return
    actor: Person = context["actor"]
    team = host_team_id(context)
    tone, key = note_to_show(
        deps.tone, meta.tone, text.what_happened, text.impact, text.resolution, text.acknowledgement
    )
    if tone:
        ack(
            response_action="update",
            view=_modal_for(deps, meta.d, actor, team, typed=text, tone=tone, tone_key=key),
        )
        return
    context["form"] = {"meta": meta, "text": text, "actor": actor, "team": team, "files": files}
    ack()


def on_submit(client: WebClient, context: BoltContext) -> None:
    deps = deps_of(context)
    form = context["form"]
    with on_dispute(context, form["meta"].d, side=_("share a perspective")) as work:
        seal = effective_policy(work.session, work.dispute.team_id, work.dispute.channel_id).seal_perspectives
        outcome = perspectives.share(
            work.session, work.dispute, work.member, form["text"], seal=seal, actor=work.actor
        )
        evidence.follow_revision(work.session, outcome.perspective)
        attached, problem = attach_from_form(
            work,
            form.get("files", []),
            source="perspective",
            settings=deps.settings,
            perspective=outcome.perspective,
        )
        if outcome.kind == Shared.REVEAL and evidence.had_sealed(work.session, work.dispute.id):
            evidence.owe_list(work.session, work.dispute)  # what was sealed is listed now
        # Sealed: the card says who has told its side (no post). Both told: both sides' accounts
        # in one message. Otherwise (sealing off, a revision after the reveal) this one.
        if outcome.kind == Shared.REVEAL:
            groups = reveal_groups(outcome.to_post)  # one message, unless too long for one
            for part, group in enumerate(groups):
                work.say(
                    MessageKind.PERSPECTIVES_REVEALED,
                    perspectives=[p.id for p in group],
                    part=part,
                    parts=len(groups),
                )
        else:
            for released in outcome.to_post:
                work.say(MessageKind.PERSPECTIVE, perspective=released.id)
        work.update_card()
    with contextlib.suppress(SlackApiError):  # if it fails, the thread itself shows what happened
        client.chat_postEphemeral(
            channel=work.dispute.channel_id,
            user=work.actor.user_id,
            thread_ts=work.dispute.thread_ts,
            text=shared_confirmation(outcome.kind),
        )
    tell(client, work.dispute, work.actor, copy_files(deps, client, attached), refused_all=problem)


LISTENERS = (
    On("action", ids.SHARE_PERSPECTIVE, on_share, REPEAT_IS_HARMLESS),
    On("view", ids.PERSPECTIVE_MODAL, on_submit, ONCE, ack=check_perspective),
)
