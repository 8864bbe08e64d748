"""The scheduler's reminder task: posts nudges in stalled dispute threads, and tells the
policy's escalation channel, which must be internal (never shared with another organization)."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.text import button, channel_link, md, mentions, section
from bot.db import Database
from bot.payloads import DisputeButton
from bot.services import disputes, nudges
from bot.slack.cards import post_in_thread
from bot.slack.directory import Directory
from bot.slack.internal import is_internal_channel
from models import Dispute

log = logging.getLogger("parley.nudges")


class Nudger:
    def __init__(self, db: Database, client: WebClient, directory: Directory) -> None:
        self.db = db
        self.client = client
        self.directory = directory

    def __call__(self) -> int:
        with self.db.read() as session:
            candidates = nudges.due(session)
        sent = 0
        for candidate in candidates:
            try:
                sent += self._send(candidate)
            except SlackApiError as error:
                log.warning("nudge for dispute %s not posted: %s", candidate.dispute_id,
                            error.response.get("error"))
        return sent

    def _send(self, candidate: nudges.Nudge) -> int:
        with self.db.transaction() as session:
            team = session.get(Dispute, candidate.dispute_id).team_id
            dispute = disputes.load(session, team, candidate.dispute_id, lock=True)
            nudge = nudges.still_due(session, dispute, candidate.kind)
            if nudge is None:
                return 0  # another scheduler process reminded first, or things moved on
            channel = channel_link(dispute.channel_id)
            if nudge.kind == nudges.PERSPECTIVES:
                text = md(":wave: A gentle reminder: {who}, {ref} is waiting for your perspective. Use "
                          "*Share your perspective* on the card at the top of this thread.",
                          who=mentions([p.user_id for p in nudge.waiting]), ref=dispute.reference)
                internal = md(":rotating_light: {ref} in {channel}: a side has not shared its "
                              "perspective yet.", ref=dispute.reference, channel=channel)
            else:
                text = md(":hourglass: {ref} has been open for a while without an agreement in "
                          "effect. {who}, a proposal or a draft agreement would move it forward; a "
                          "mediator can help if you are stuck.", ref=dispute.reference,
                          who=mentions([p.user_id for p in dispute.parties]))
                internal = md(":rotating_light: {ref} in {channel} has no agreement in effect yet.",
                              ref=dispute.reference, channel=channel)
            blocks = [section(text), {"type": "actions", "block_id": "nudge", "elements": [
                button("Request a mediator", ids.ASK_MEDIATOR, DisputeButton(d=dispute.id).encode())]}]
            post_in_thread(self.client, dispute, text, blocks)
            nudges.mark(session, dispute, nudge)
        if nudge.escalation_channel and is_internal_channel(self.client, nudge.escalation_channel):
            self.client.chat_postMessage(channel=nudge.escalation_channel, text=internal)
        return 1
