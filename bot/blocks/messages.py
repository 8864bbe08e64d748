"""Messages Parley posts in channels and threads, and its private answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot import ids
from bot.blocks.labels import category_label, status_label
from bot.blocks.status_card import CardNames
from bot.blocks.text import (
    Mrkdwn,
    button,
    channel_link,
    context,
    link,
    md,
    mentions,
    section,
    slack_date,
    truncate,
)
from bot.i18n import N_, _, ngettext
from bot.payloads import RaiseButton
from models import Dispute, Side

LIST_LIMIT = 20


def thread_welcome(
    dispute: Dispute, names: CardNames, sealed: bool = True
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """First reply in a dispute thread: thanks the person who raised it, tells the other side
    (mentioned: they are the ones to act now) what happens, and keeps both sides equal."""
    opener = dispute.party_of(dispute.opened_by_team, dispute.opened_by_user)
    side = opener.side if opener is not None else Side.PROVIDER
    other = Side.CLIENT if side == Side.PROVIDER else Side.PROVIDER
    others = [p.user_id for p in dispute.parties if p.side == other]
    raised_by, raised_with = names.org(side), names.org(other)
    thanks = md(
        _("Thanks for raising this, {who}. Both sides will be heard before anything is decided."),
        who=names.person(dispute.opened_by_user),
    )
    invite = (
        md(
            # Translators: {others} are the people of the other organization, {org} the organization
            # that raised the dispute, {them} the other organization.
            _("{others}: {org} has raised *{ref}* with {them} here."),
            others=mentions(others),
            org=raised_by,
            ref=dispute.reference,
            them=raised_with,
        )
        if others
        else ""
    )
    account = (
        md(
            _(
                "{who} has told {org}'s side already; it stays sealed until {other} has told "
                "its side too, and then both are shown together."
            ),
            who=names.person(dispute.opened_by_user),
            org=raised_by,
            other=raised_with,
        )
        if sealed
        else md(
            _("{who} has told {org}'s side, below."), who=names.person(dispute.opened_by_user), org=raised_by
        )
    )
    steps = md(
        # Translators: {account} says what became of the first side's account (a sentence or two);
        # {a} and {b} are the two organizations.
        _(
            "*What happens next*\n"
            "1. Each side tells its side of what happened with *Share your side* on the card above. "
            "{account}\n"
            "2. Either side proposes a solution; the other accepts it, suggests a change or declines.\n"
            "3. Accepting a proposal makes it the agreement between {a} and {b}. Parley then checks "
            "in with both sides until it is done."
        ),
        account=account,
        a=raised_by,
        b=raised_with,
    )
    blocks = [
        section(thanks + Mrkdwn("\n") + invite if invite else thanks),
        section(steps),
        context(_("Everyone in this channel can read this thread.")),
    ]
    text = (
        md(_("{invite} Both sides will be heard before anything is decided."), invite=invite)
        if invite
        else thanks
    )
    return text, blocks


def channel_welcome(
    provider: str | None = None, *, handover: bool = False
) -> tuple[Mrkdwn, list[dict[str, Any]]]:
    """Posted when Parley is added to a channel; the button works for both organizations.
    `provider`: the name of the organization that is the provider here, where known;
    `handover`: whether its admins can hand the role over (any-workspace mode)."""
    text = _(
        ":wave: *Parley is here.* When something goes wrong between the organizations in this "
        "channel, Parley gives it one shared place: each side tells its side, solutions are "
        "proposed, and what you agree is written down and followed up with both of you."
    )
    sides = (
        None
        if not provider
        else md(
            # Translators: {provider} is an organization's name; {command} is Parley's slash command.
            _(
                "Disputes raised here are kept in *{provider}*'s Parley (their numbers and "
                "settings); both organizations take part in them equally. Its admins can hand "
                "that over with `{command} settings`."
            ),
            provider=provider,
            command=ids.COMMAND,
        )
        if handover
        else md(
            # Translators: {provider} is an organization's name.
            _(
                "Disputes raised here are kept in *{provider}*'s Parley (their numbers and "
                "settings); both organizations take part in them equally."
            ),
            provider=provider,
        )
    )
    blocks = [
        section(text),
        *([section(sides)] if sides else []),
        {
            "type": "actions",
            "block_id": "parley_welcome",
            "elements": [button(_("Raise a dispute"), ids.RAISE_DISPUTE, RaiseButton().encode())],
        },
        context(
            md(
                _(
                    "Anyone in this channel can use the button. People whose organization has "
                    "installed Parley can also type `{command}`. Someone invited from another "
                    "organization with permission only to post can't use apps at all: ask the "
                    "channel's host to invite them with full access."
                ),
                command=ids.COMMAND,
            )
        ),
    ]
    return md(_("Parley is here. Anyone in this channel can raise a dispute.")), blocks


def help_text() -> Mrkdwn:
    return md(
        # Translators: {c} is Parley's slash command ("/dispute"); the words in `backticks` after it
        # (list, show, verify, export, settings, help) are its subcommands, typed as they are.
        _(
            "*Parley* helps the two organizations in a shared channel settle a dispute, step by step, "
            "in a thread both can see.\n"
            "• `{c}` opens a form to raise a dispute in this channel.\n"
            "• `{c} Late delivery of the homepage` does the same with the title filled in.\n"
            "• `{c} list` shows this channel's open disputes, only to you.\n"
            "• `{c} show D-7` shows one dispute, its agreement and approvals, only to you.\n"
            "• `{c} verify <content hash>` says, only to you, whether an agreement's content hash (from "
            "*How to check this record* on it) belongs to an agreement in effect here.\n"
            "• `{c} export D-7` sends you the record of a dispute you are a party to, as a PDF and "
            "as a Markdown file, in a direct message; with its evidence files too, in a ZIP.\n"
            "• `{c} settings` (workspace admins) sets check-ins, reminders, the escalation channel, "
            "mediators, sealing and approvals.\n"
            "• `{c} help` shows this message.\n"
            "People from a connected organization use the *Raise a dispute* button that Parley "
            "posted when it joined the channel, and the buttons in each dispute thread; once their "
            "own organization installs Parley too, they can run this command as well, and keep a "
            "message as evidence with *Add to a dispute* in its menu.\n"
            "Slack lets nobody use apps who was invited to a shared channel with permission only to "
            "post: the channel's host must invite the other organization's people with full "
            "access."
        ),
        c=ids.COMMAND,
    )


def did_you_mean(meant: str, typed: str) -> Mrkdwn:
    """Privately, for `/dispute lsit`: the subcommand, and how to raise a dispute with that title
    if that was really meant."""
    return md(
        # Translators: {meant} is a subcommand ("list"), typed as it is; {typed} what the person typed.
        _(
            "Did you mean `{command} {meant}`? Nothing was opened. To raise a dispute titled "
            "“{typed}”, use a few more words, such as `{command} {typed} on the homepage`."
        ),
        command=ids.COMMAND,
        meant=meant,
        typed=typed,
    )


def cannot_place() -> str:
    """For someone Slack let through but whose organization Parley cannot tell (so it cannot
    put them on a side)."""
    return _(
        "Parley can't tell which organization you're from, so it can't put you on a side of "
        "this dispute, and nothing was changed. This happens when Slack doesn't show Parley "
        "your profile: if you were invited to this channel from another organization with "
        "permission only to post, ask the channel's host to invite you with full access, "
        "then try again."
    )


def dispute_erased(reference: str) -> Mrkdwn:
    return md(
        _(
            "{ref}'s record was deleted from Parley by an admin of the workspace that held it, "
            "so its buttons no longer work. What was posted in this thread stays here."
        ),
        ref=reference,
    )


# English, for callers that read the constant; `cannot_place_short()` in the language in use
CANNOT_PLACE_SHORT = N_(
    "Parley can't tell which organization you're from, as Slack doesn't show it "
    "your profile. If you were invited with permission only to post, ask the "
    "channel's host for full access."
)


def cannot_place_short() -> str:
    """`cannot_place` for a form's field, where there is less room."""
    return _(CANNOT_PLACE_SHORT)


def not_in_channel(channel_id: str) -> Mrkdwn:
    return md(
        _(
            "Parley isn't in {channel} yet, so it can't open a dispute thread there. Add it with "
            "`/invite @Parley`, then try again."
        ),
        channel=channel_link(channel_id),
    )


def dm_not_supported() -> Mrkdwn:
    return md(
        _(
            "Disputes live in channels, where both sides can see them. Run `{command}` in the "
            "channel you share with the other side."
        ),
        command=ids.COMMAND,
    )


def active_disputes(
    disputes: list[Dispute], total: int, channel_id: str, next_checkins: dict[int, datetime] | None = None
) -> list[dict[str, Any]]:
    channel = channel_link(channel_id)
    if not disputes:
        return [
            section(
                md(
                    _("There are no open disputes in {channel}. Start one with `{command}`."),
                    channel=channel,
                    command=ids.COMMAND,
                )
            )
        ]
    blocks = [section(md(_("*Open disputes in {channel}* ({total})"), channel=channel, total=total))]
    for dispute in disputes[:LIST_LIMIT]:
        label = md("{ref} · {title}", ref=dispute.reference, title=truncate(dispute.title, 120))
        upcoming = (next_checkins or {}).get(dispute.id)
        line = (
            md(
                _("*{label}*\n{status} · {category} · opened {when} · next check-in {checkin}"),
                label=link(dispute.permalink, label),
                status=status_label(dispute.status, dispute.escalated),
                category=category_label(dispute.category),
                when=slack_date(dispute.created_at),
                checkin=slack_date(upcoming),
            )
            if upcoming
            else md(
                _("*{label}*\n{status} · {category} · opened {when}"),
                label=link(dispute.permalink, label),
                status=status_label(dispute.status, dispute.escalated),
                category=category_label(dispute.category),
                when=slack_date(dispute.created_at),
            )
        )
        blocks.append(section(line))
    if total > len(disputes):
        more = total - len(disputes)
        blocks.append(context(md(ngettext("…and {more} more.", "…and {more} more.", more), more=more)))
    return blocks


def form_not_opened() -> Mrkdwn:
    return md(_("Slack took too long to open the form, so it didn't appear. Please try again."))


def not_installed() -> Mrkdwn:
    """Multi-workspace mode: a request from a workspace Parley has no installation for (removed,
    or never added). Nothing was done."""
    return md(
        _(
            "Parley isn't installed in your workspace any more, so nothing was done. Ask a "
            "Slack admin of your workspace to add Parley again from its install page."
        )
    )


def something_went_wrong(ref: str) -> Mrkdwn:
    return md(
        # Translators: {ref} is an error's reference, for the admin to look up.
        _(
            "Sorry, something went wrong on Parley's side and nothing was changed (ref `{ref}`). "
            "Please try again; if it keeps happening, share the ref with your Slack admin."
        ),
        ref=ref,
    )


def stale_button() -> Mrkdwn:
    return md(
        _(
            "This button is from an older Parley message and no longer works. Please use the "
            "latest message, or `{command}`."
        ),
        command=ids.COMMAND,
    )


def hash_shape(given: str) -> Mrkdwn:
    return md(
        # Translators: {n} is how many characters the hash given has.
        _(
            "A Parley content hash is 64 characters of 0–9 and a–f (it is on the agreement "
            "message, the written agreement and the certificate); that one has {n}. For "
            "example `{command} verify 3fa1…` with all 64."
        ),
        n=len(given),
        command=ids.COMMAND,
    )


def hash_found(reference: str, label: str, since: str, by: list[str]) -> Mrkdwn:
    return md(
        # Translators: {label} is an agreement's label ("A2"), {since} a date and time, {by} names.
        _(
            ":white_check_mark: Yes: that is the content hash of *{label}* for {ref}, in "
            "effect since {since}, approved by {by}."
        ),
        label=label,
        ref=reference,
        since=since,
        by=", ".join(by),
    )


def hash_unknown() -> Mrkdwn:
    return md(
        _(
            "No agreement in effect that you can see in this workspace has that content "
            "hash. Check that it was copied whole, from the message or the file of an "
            "agreement in effect."
        )
    )


def which_dispute(verb: str) -> Mrkdwn:
    # Translators: {verb} is a subcommand ("show", "export"), typed as it is.
    return md(_("Which dispute? For example `{command} {verb} D-7`."), command=ids.COMMAND, verb=verb)


def active_disputes_text(total: int) -> Mrkdwn:
    return md(_("Open disputes in this channel: {total}"), total=total)


def only_parties_or_channel(dispute: Dispute) -> Mrkdwn:
    return md(
        _("Only the parties to {ref}, or people in {channel}, can see it. Run this command there."),
        ref=dispute.reference,
        channel=channel_link(dispute.channel_id),
    )


def form_out_of_date_command() -> str:
    return _("This form is out of date. Close it and start again with /dispute.")


def form_out_of_date() -> str:
    """A modal whose hidden state Parley can no longer read (an old version, a changed form)."""
    return _("This form is out of date. Close it and use the button in the thread again.")
