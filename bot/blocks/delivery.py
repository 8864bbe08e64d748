"""What Parley says about its own messages: one it could not post, and one it will post as soon
as Slack answers."""

from __future__ import annotations

from bot.blocks.text import Mrkdwn, channel_link, escape, link, md
from bot.i18n import N_, _

# What a message is, in a person's words, by outbox kind. Marked for the catalog only: shown
# through _() (what_it_was); each fills {what} in "Parley could not post {what} in #channel".
WHAT = {
    "card": N_("the status card"),
    "card.update": N_("an update of the status card"),
    "welcome": N_("the welcome message"),
    "proposal": N_("a proposal"),
    "proposal.update": N_("an update of a proposal"),
    "proposal.settled": N_("an answer to a proposal"),
    "agreement": N_("a draft agreement"),
    "agreement.update": N_("an update of an agreement"),
    "agreement.changes": N_("a request for changes"),
    "agreement.in_effect": N_("the agreement's announcement"),
    "agreement.file": N_("the written agreement"),
    "perspective": N_("a perspective"),
    "perspective.sealed": N_("a sealed-perspective notice"),
    "perspective.revealed": N_("the reveal"),
    "perspectives.revealed": N_("both sides' accounts"),
    "agreement.in_effect.text": N_("the agreement"),
    "parties.added": N_("a new-parties notice"),
    "mediator.joined": N_("the mediator's introduction"),
    "mediator.request": N_("a request for a mediator"),
    "mediator.request.update": N_("an update of a request for a mediator"),
    "item.new_date": N_("a new date"),
    "dispute.reopened": N_("the reopening"),
    "dispute.resolved": N_("the resolution"),
    "dispute.ended": N_("the closing message"),
    "dispute.close_requested": N_("a request to close"),
    "checkin": N_("a check-in"),
    "checkin.update": N_("an answered check-in"),
    "checkin.not_yet": N_("a follow-up to a check-in"),
    "checkin.all_done": N_("the all-done message"),
    "nudge": N_("a reminder"),
    "lessons.request": N_("a request for lessons learned"),
    "internal.lessons": N_("lessons learned"),
    "internal.mediator": N_("an escalation note"),
    "internal.nudge": N_("an escalation note"),
    "channel.welcome": N_("Parley's welcome"),
    "notice.saved": N_("a note that your dispute was saved"),
}

# Slack's error codes that end a delivery, in a person's words, and what would help. Marked for
# the catalog only: shown through _() (_reason): a reason that fills {reason} in "Parley could not
# post … in #channel: {reason}.", then a sentence of advice.
REASONS = {
    "channel_not_found": (
        N_("the channel is gone, or Parley can no longer see it"),
        N_("If the channel still exists, invite @Parley to it again."),
    ),
    "not_in_channel": (N_("Parley is no longer in the channel"), N_("Invite @Parley to the channel again.")),
    "is_archived": (N_("the channel is archived"), N_("Unarchive the channel to carry on there.")),
    "token_revoked": (
        N_("Parley's access to the workspace was removed"),
        N_("Ask an admin to reinstall Parley."),
    ),
    "invalid_auth": (
        N_("Parley's access to the workspace was refused"),
        N_("Ask an admin to reinstall Parley."),
    ),
    "account_inactive": (
        N_("Parley's access to the workspace was removed"),
        N_("Ask an admin to reinstall Parley."),
    ),
    "missing_scope": (N_("Parley lacks a permission it needs"), N_("Ask an admin to reinstall Parley.")),
}


def what_it_was(kind: str) -> str:
    """What a message of this outbox kind is, in the language in use ("the status card")."""
    what = WHAT.get(kind)
    return _(what) if what else _("a message")


def _reason(error: str) -> tuple[str, str]:
    """Why Slack refused, and what would help, in the language in use."""
    known = REASONS.get(error)
    if known is not None:
        return _(known[0]), _(known[1])
    # Translators: fills {reason} in "Parley could not post … in #channel: {reason}."; {error} is
    # Slack's error code, such as "ratelimited".
    return _("Slack answered “{error}”").format(error=error), _("Nothing else needs doing.")


def delivery_failed(kind: str, channel_id: str, reference: str | None, error: str) -> Mrkdwn:
    """DM to the person whose action the message was about."""
    reason, advice = _reason(error)
    if reference:
        return md(
            # Translators: {what} is what the message was ("the status card"); {reason} why
            # ("the channel is archived"); {advice} a sentence on what would help.
            _(
                ":warning: Parley could not post {what} about {ref} in {channel}: {reason}. What "
                "happened is saved in Parley and in `/dispute export`. {advice}"
            ),
            what=what_it_was(kind),
            ref=reference,
            channel=channel_link(channel_id),
            reason=reason,
            advice=advice,
        )
    return md(
        # Translators: {what} is what the message was ("the status card"); {reason} why ("the
        # channel is archived"); {advice} a sentence on what would help.
        _(
            ":warning: Parley could not post {what} in {channel}: {reason}. What happened is saved "
            "in Parley and in `/dispute export`. {advice}"
        ),
        what=what_it_was(kind),
        channel=channel_link(channel_id),
        reason=reason,
        advice=advice,
    )


def attention_line(kind: str, channel_id: str, reference: str | None, error: str) -> Mrkdwn:
    """A line in App Home's "Needs attention"."""
    reason = _reason(error)[0]
    if reference:
        return md(
            # Translators: {what} is what the message was ("the status card"); {reason} why.
            _("• {what} ({ref}) in {channel} was not posted: {reason}"),
            what=what_it_was(kind),
            ref=reference,
            channel=channel_link(channel_id),
            reason=reason,
        )
    return md(
        # Translators: {what} is what the message was ("the status card"); {reason} why.
        _("• {what} in {channel} was not posted: {reason}"),
        what=what_it_was(kind),
        channel=channel_link(channel_id),
        reason=reason,
    )


def saved_while_slack_was_down(reference: str, channel_id: str, permalink: str | None) -> Mrkdwn:
    """DM to the opener once Slack answers again, when not even saved_not_posted got through."""
    # Translators: a link's text, filling {thread} in "{ref} was saved …; {thread} is in #channel now."
    its_thread = _("its thread")
    thread = link(permalink, its_thread) if permalink else escape(its_thread)
    return md(
        _(
            "{ref} was saved when you sent it, while Slack was not answering; {thread} is in "
            "{channel} now. Nothing needs doing."
        ),
        ref=reference,
        thread=thread,
        channel=channel_link(channel_id),
    )


def saved_not_posted(reference: str, channel_id: str) -> Mrkdwn:
    """Private note to the opener when Slack did not take the card at once."""
    return md(
        _(
            "{ref} is saved. Slack is not answering right now, so its thread will appear in "
            "{channel} as soon as Slack does; nothing needs doing."
        ),
        ref=reference,
        channel=channel_link(channel_id),
    )
