"""What Parley says about its own messages: one it could not post, and one it will post as soon
as Slack answers."""

from __future__ import annotations

from bot.blocks.text import Mrkdwn, channel_link, link, md

# What a message is, in a person's words, by outbox kind.
WHAT = {
    "card": "the status card",
    "card.update": "an update of the status card",
    "welcome": "the welcome message",
    "proposal": "a proposal",
    "proposal.update": "an update of a proposal",
    "proposal.settled": "an answer to a proposal",
    "agreement": "a draft agreement",
    "agreement.update": "an update of an agreement",
    "agreement.changes": "a request for changes",
    "agreement.in_effect": "the agreement's announcement",
    "agreement.file": "the written agreement",
    "perspective": "a perspective",
    "perspective.sealed": "a sealed-perspective notice",
    "perspective.revealed": "the reveal",
    "perspectives.revealed": "both sides' accounts",
    "agreement.in_effect.text": "the agreement",
    "parties.added": "a new-parties notice",
    "mediator.joined": "the mediator's introduction",
    "mediator.request": "a request for a mediator",
    "mediator.request.update": "an update of a request for a mediator",
    "item.new_date": "a new date",
    "dispute.reopened": "the reopening",
    "dispute.resolved": "the resolution",
    "dispute.ended": "the closing message",
    "dispute.close_requested": "a request to close",
    "checkin": "a check-in",
    "checkin.update": "an answered check-in",
    "checkin.not_yet": "a follow-up to a check-in",
    "checkin.all_done": "the all-done message",
    "nudge": "a reminder",
    "lessons.request": "a request for lessons learned",
    "internal.lessons": "lessons learned",
    "internal.mediator": "an escalation note",
    "internal.nudge": "an escalation note",
    "channel.welcome": "Parley's welcome",
    "notice.saved": "a note that your dispute was saved",
}

# Slack's error codes that end a delivery, in a person's words, and what would help.
REASONS = {
    "channel_not_found": (
        "the channel is gone, or Parley can no longer see it",
        "If the channel still exists, invite @Parley to it again.",
    ),
    "not_in_channel": ("Parley is no longer in the channel", "Invite @Parley to the channel again."),
    "is_archived": ("the channel is archived", "Unarchive the channel to carry on there."),
    "token_revoked": ("Parley's access to the workspace was removed", "Ask an admin to reinstall Parley."),
    "invalid_auth": ("Parley's access to the workspace was refused", "Ask an admin to reinstall Parley."),
    "account_inactive": ("Parley's access to the workspace was removed", "Ask an admin to reinstall Parley."),
    "missing_scope": ("Parley lacks a permission it needs", "Ask an admin to reinstall Parley."),
}


def what_it_was(kind: str) -> str:
    return WHAT.get(kind, "a message")


def delivery_failed(kind: str, channel_id: str, reference: str | None, error: str) -> Mrkdwn:
    """DM to the person whose action the message was about."""
    reason, advice = REASONS.get(error, (f"Slack answered “{error}”", "Nothing else needs doing."))
    about = md(" about {ref}", ref=reference) if reference else ""
    return md(
        ":warning: Parley could not post {what}{about} in {channel}: {reason}. What happened "
        "is saved in Parley and in `/dispute export`. {advice}",
        what=what_it_was(kind),
        about=about,
        channel=channel_link(channel_id),
        reason=reason,
        advice=advice,
    )


def attention_line(kind: str, channel_id: str, reference: str | None, error: str) -> Mrkdwn:
    """A line in App Home's "Needs attention"."""
    reason = REASONS.get(error, (f"Slack answered “{error}”", ""))[0]
    about = md(" ({ref})", ref=reference) if reference else ""
    return md(
        "• {what}{about} in {channel} was not posted: {reason}",
        what=what_it_was(kind),
        about=about,
        channel=channel_link(channel_id),
        reason=reason,
    )


def saved_while_slack_was_down(reference: str, channel_id: str, permalink: str | None) -> Mrkdwn:
    """DM to the opener once Slack answers again, when not even saved_not_posted got through."""
    thread = link(permalink, "its thread") if permalink else Mrkdwn("its thread")
    return md(
        "{ref} was saved when you sent it, while Slack was not answering; {thread} is in "
        "{channel} now. Nothing needs doing.",
        ref=reference,
        thread=thread,
        channel=channel_link(channel_id),
    )


def saved_not_posted(reference: str, channel_id: str) -> Mrkdwn:
    """Private note to the opener when Slack did not take the card at once."""
    return md(
        "{ref} is saved. Slack is not answering right now, so its thread will appear in "
        "{channel} as soon as Slack does; nothing needs doing.",
        ref=reference,
        channel=channel_link(channel_id),
    )
