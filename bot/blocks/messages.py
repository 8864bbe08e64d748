"""Messages Parley posts in channels and threads, and its private answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks.labels import category_label, status_label
from bot.blocks.text import (
    button,
    context,
    escape,
    mentions,
    section,
    slack_date,
    truncate,
)
from bot.payloads import RaiseButton
from models import Dispute

LIST_LIMIT = 20


def thread_welcome(dispute: Dispute, sealed: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """First reply in a dispute thread: welcomes the parties and explains what comes next."""
    others = [p.user_id for p in dispute.parties if p.user_id != dispute.opened_by_user]
    greeting = f"Welcome, {mentions(others)}." if others else "Welcome."
    text = (
        f"{greeting} This thread is where *{dispute.reference}* gets settled, calmly and on the "
        "record."
    )
    sealing = (" Perspectives stay sealed until both sides have shared, then both are posted "
               "together." if sealed else "")
    steps = (
        "*What happens next*\n"
        "1. Each side shares its perspective with *Share your perspective* on the card above: what "
        f"happened, how it affected you, and what would resolve it.{sealing}\n"
        "2. Either side uses *Propose a solution*; the other side can accept, counter or decline.\n"
        "3. An accepted proposal becomes a written agreement that one person from each "
        "organization approves.\n"
        "4. Parley checks in afterwards to make sure what was agreed gets done."
    )
    blocks = [
        section(text),
        section(steps),
        context("Everyone in this channel can read this thread, so keep it factual and kind."),
    ]
    return f"{greeting} This thread is where {dispute.reference} gets settled.", blocks


def channel_welcome() -> tuple[str, list[dict[str, Any]]]:
    """Posted when Parley is added to a channel; the button works for both organizations."""
    text = (
        ":wave: *Parley is here.* When something goes wrong between the two sides of this channel, "
        "Parley gives it a calm, shared place: each side tells its story, solutions are proposed, "
        "and what you agree is written down, approved by both sides and followed up."
    )
    blocks = [
        section(text),
        {
            "type": "actions",
            "block_id": "parley_welcome",
            "elements": [button("Raise a dispute", ids.RAISE_DISPUTE, RaiseButton().encode())],
        },
        context(f"Anyone in this channel can use the button. Members of this workspace can also type `{ids.COMMAND}`."),
    ]
    return "Parley is here. Anyone in this channel can raise a dispute.", blocks


def help_text() -> str:
    c = ids.COMMAND
    return (
        "*Parley* helps both sides of a shared channel settle a dispute calmly and on the record.\n"
        f"• `{c}` opens a form to raise a dispute in this channel.\n"
        f"• `{c} Late delivery of the homepage` does the same with the title filled in.\n"
        f"• `{c} list` shows this channel's open disputes, only to you.\n"
        f"• `{c} show D-7` shows one dispute, its agreement and approvals, only to you.\n"
        f"• `{c} export D-7` sends you the full record of a dispute as a file, in a direct message.\n"
        f"• `{c} settings` (workspace admins) sets check-ins, reminders, the escalation channel, "
        "mediators, sealing and approvals.\n"
        f"• `{c} help` shows this message.\n"
        "People from a connected organization can't run this command; they use the *Raise a "
        "dispute* button that Parley posted when it joined the channel, and the buttons in each "
        "dispute thread."
    )


def not_in_channel(channel_id: str) -> str:
    return (
        f"Parley isn't in <#{channel_id}> yet, so it can't open a dispute thread there. "
        "Add it with `/invite @Parley`, then try again."
    )


def dm_not_supported() -> str:
    return (
        "Disputes live in channels, where both sides can see them. Run "
        f"`{ids.COMMAND}` in the channel you share with the other side."
    )


def active_disputes(disputes: list[Dispute], total: int, channel_id: str,
                    next_checkins: dict[int, datetime] | None = None) -> list[dict[str, Any]]:
    if not disputes:
        return [section(
            f"There are no open disputes in <#{channel_id}>. Start one with `{ids.COMMAND}`."
        )]
    blocks = [section(f"*Open disputes in <#{channel_id}>* ({total})")]
    for dispute in disputes[:LIST_LIMIT]:
        title = escape(truncate(dispute.title, 120))
        label = f"{dispute.reference} · {title}"
        link = f"<{dispute.permalink}|{label}>" if dispute.permalink else label
        upcoming = (next_checkins or {}).get(dispute.id)
        checkin = f" · next check-in {slack_date(upcoming)}" if upcoming else ""
        blocks.append(section(
            f"*{link}*\n{status_label(dispute.status, dispute.escalated)} · "
            f"{category_label(dispute.category)} · opened {slack_date(dispute.created_at)}{checkin}"
        ))
    if total > len(disputes):
        blocks.append(context(f"…and {total - len(disputes)} more."))
    return blocks


def could_not_post(what: str, reason: str, copy: str) -> str:
    """DM to someone whose submission Slack refused to post: nothing was saved, nothing is lost."""
    return (
        f"{what} could not be posted ({reason}), so nothing was saved. Here is what you wrote, "
        "so you can try again:\n\n" + truncate(copy, 2500)
    )


def dispute_copy(title: str, happened: str, outcome: str) -> str:
    return f"*{escape(title)}*\n*What happened:* {escape(happened)}\n*Outcome wanted:* {escape(outcome)}"


def something_went_wrong(ref: str) -> str:
    return (
        f"Sorry, something went wrong on Parley's side and nothing was changed (ref `{ref}`). "
        "Please try again; if it keeps happening, share the ref with your Slack admin."
    )


def stale_button() -> str:
    return (
        "This button is from an older Parley message and no longer works. "
        f"Please use the latest message, or `{ids.COMMAND}`."
    )
