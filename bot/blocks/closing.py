"""Closing or withdrawing a dispute, and the internal lessons-learned request."""

from __future__ import annotations

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
    plain,
    quoted,
    section,
    truncate,
)
from bot.i18n import N_, _, pgettext
from bot.payloads import DisputeButton
from bot.services.vocabulary import ROOT_CAUSES
from models import Dispute, LessonLearned

# Marked for the catalog only: shown through _() (close_modal).
WHAT_HAPPENS = {
    "withdrawn": N_("You opened this dispute, so this withdraws it. Both sides will see your reason."),
    "closed": N_("This closes the dispute for both sides. Both sides will see your reason."),
    "request": N_("This proposes closing the dispute; it closes when the other side agrees."),
}


def _root_cause(key: str) -> str:
    """A root cause's words (bot.services.vocabulary.ROOT_CAUSES) in the language in use."""
    label = ROOT_CAUSES.get(key)
    return _(label) if label else key


def close_modal(dispute: Dispute, how: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.CLOSE_MODAL,
        "title": plain(
            # Translators: a modal's title; Slack allows at most 24 characters.
            _("Withdraw")
            if how == "withdrawn"
            # Translators: a modal's title; Slack allows at most 24 characters.
            else _("Close the dispute")
        ),
        "submit": plain(
            # Translators: a modal's submit button; Slack allows at most 24 characters.
            _("Withdraw")
            if how == "withdrawn"
            # Translators: the button that closes a dispute; Slack allows at most 24 characters.
            else pgettext("close a dispute", "Close")
            if how == "closed"
            # Translators: the button that proposes closing a dispute; at most 24 characters.
            else _("Propose")
        ),
        "close": plain(_("Cancel")),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            section(
                md(
                    "*{ref} · {title}*\n{what}",
                    ref=dispute.reference,
                    title=truncate(dispute.title, 200),
                    what=_(WHAT_HAPPENS[how]),
                )
            ),
            input_block(
                ids.B_CLOSE_REASON, _("Why?"), text_input(ids.A_CLOSE_REASON, max_length=1000, multiline=True)
            ),
        ],
    }


def ended_text(dispute: Dispute, who: str, how: str) -> Mrkdwn:
    reason = md("\n{why}", why=quoted(truncate(dispute.ended_reason, 1000))) if dispute.ended_reason else ""
    if how == "withdrawn":
        return md(_(":lock: {who} withdrew {ref}."), who=who, ref=dispute.reference) + reason
    return md(_(":lock: {ref} is closed ({who} closed it)."), ref=dispute.reference, who=who) + reason


def close_requested(dispute: Dispute, who: str, reason: str, waiting: str | None = None) -> Mrkdwn:
    """`waiting`: the side whose agreement would close it ("Studio's side"; "the other side" when
    not given)."""
    return md(
        # Translators: {waiting} is "Studio's side" or "the other side"; *Close or withdraw* is a
        # button on the dispute's card: use its label.
        _(
            "{who} proposes closing {ref}:\n{why}\nIf {waiting} agrees, they can use *Close "
            "or withdraw* on the card."
        ),
        who=who,
        ref=dispute.reference,
        why=quoted(truncate(reason, 1000)),
        # Translators: fills {waiting} in "If {waiting} agrees, they can use *Close or withdraw*".
        waiting=waiting if waiting is not None else _("the other side"),
    )


def lessons_request(dispute: Dispute) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    text = md(
        _("{ref} ({title}) has ended. What should the team take from it? This stays inside your team."),
        ref=dispute.reference,
        title=truncate(dispute.title, 150),
    )
    return text, [
        section(text),
        {
            "type": "actions",
            "block_id": "lessons",
            "elements": [
                button(
                    _("Record lessons learned"),
                    ids.RECORD_LESSONS,
                    DisputeButton(d=dispute.id).encode(),
                    style="primary",
                )
            ],
        },
    ]


def lessons_modal(dispute: Dispute) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.LESSONS_MODAL,
        # Translators: a modal's title; Slack allows at most 24 characters.
        "title": plain(_("Lessons learned")),
        # Translators: a modal's submit button; Slack allows at most 24 characters.
        "submit": plain(_("Save")),
        "close": plain(_("Cancel")),
        "private_metadata": DisputeButton(d=dispute.id).encode(),
        "blocks": [
            context(_("Internal: only your team sees this, never the client.")),
            input_block(
                ids.B_ROOT_CAUSE,
                _("Root cause"),
                static_select(
                    ids.A_ROOT_CAUSE, {k: _root_cause(k) for k in ROOT_CAUSES}, placeholder=_("Choose one")
                ),
            ),
            input_block(
                ids.B_CHANGE,
                _("What should change?"),
                text_input(ids.A_CHANGE, max_length=2000, multiline=True),
            ),
            input_block(ids.B_LESSON_OWNER, _("Owner"), user_select(ids.A_LESSON_OWNER), optional=True),
        ],
    }


def lessons_posted(dispute: Dispute, lesson: LessonLearned) -> Mrkdwn:
    cause = _root_cause(lesson.root_cause)
    what = quoted(truncate(lesson.what_to_change, 2000))
    if lesson.owner_user:
        return md(
            # Translators: {cause} is the root cause chosen, such as "Communication".
            _(":memo: Lessons learned from {ref} ({cause} · owner {who}):\n{what}"),
            ref=dispute.reference,
            cause=cause,
            who=mention(lesson.owner_user),
            what=what,
        )
    return md(
        # Translators: {cause} is the root cause chosen, such as "Communication".
        _(":memo: Lessons learned from {ref} ({cause}):\n{what}"),
        ref=dispute.reference,
        cause=cause,
        what=what,
    )


def lessons_saved(channel_id: str | None, text: Mrkdwn) -> Mrkdwn:
    """The private thank-you after lessons learned: where they went, or the text itself."""
    if channel_id:
        return md(
            _("Thank you. The lessons learned are posted in {channel}."), channel=channel_link(channel_id)
        )
    return md(_("Thank you, recorded.\n{text}"), text=text)


def owner_from_your_team() -> str:
    return _("Choose someone from your own team: lessons learned stay inside it.")


def say_why() -> str:
    return _("Say why, in a sentence.")


def choose_a_root_cause() -> str:
    return _("Choose the root cause that fits best.")


def say_what_should_change() -> str:
    return _("Say what should change (up to 2,000 characters).")
