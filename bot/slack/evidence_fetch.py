"""Reading evidence from Slack, with no transaction open: a file's bytes (files.info, then its
private download URL with the bot token) and a message as it reads now (conversations.history
or .replies, and its permalink).

Whatever Slack refuses comes back as `Refused`, with what to tell the person in plain words; the
item is then recorded as a link only. A file's bytes are never opened or interpreted: what is
downloaded is checked only against the size Slack gave (Slack answers a download it will not
serve with its sign-in page, not an error)."""

from __future__ import annotations

import http.client
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import N_, _
from bot.services.evidence import CapturedMessage, OfferedFile, clean_name
from bot.slack.forms.form_state import SLACK_FILE_ID

log = logging.getLogger("parley.evidence")

DOWNLOAD_TIMEOUT = 60  # seconds for one file
CHUNK = 256 * 1024

# https://acme.slack.com/archives/C0123/p1700000000123456 (?thread_ts=1700000000.000100&cid=C0123)
_LINK = re.compile(
    r"https://[A-Za-z0-9.-]+\.slack(?:-gov)?\.com/archives/([CGD][A-Z0-9]{2,30})/p([0-9]{10})([0-9]{6})"
    r"(?:\?(?:[^ ]*&)?thread_ts=([0-9]{10}\.[0-9]{6}))?[^ ]*"
)

# Why Parley kept no copy, in English (N_: each is recorded as it is, and told through `refused`).
NOT_ALLOWED_YET = N_(
    "Parley is not yet allowed to read files in this workspace; an admin can allow it by updating the app."
)
NOT_IN_IT = N_(
    "That message is in a private conversation you are not in, so Parley did not keep it: only what "
    "you can read yourself can become evidence."
)
MEMBER_PAGES = 10  # of 1,000 members: a private conversation bigger than that is not read
NOT_A_MEMBER = N_("Parley is not in that channel, so it could not read the message.")
NO_MESSAGE = N_("Slack could not find that message (it may have been deleted).")
NOT_YOURS = N_(
    "That message is in a channel your organization is not in, so Parley did not keep it: only "
    "what your side can read itself can become evidence."
)
FILE_REFUSED = N_(
    "Slack would not give Parley a copy of this file (it may belong to the other organization, or "
    "have been deleted)."
)
# Translators: {limit_mb} is the largest file Parley keeps, in megabytes (a number).
TOO_LARGE = N_("The file is larger than the {limit_mb} MB Parley keeps.")
NOT_SENT = N_("Slack did not send the file's contents; try attaching it again later.")
# Translators: {error} is Slack's error code (such as "access_denied"), shown as it is.
MESSAGE_REFUSED = N_("Slack would not give Parley the message ({error}).")
MESSAGE_REFUSED_UNSAID = N_("Slack would not give Parley the message (an error).")


@dataclass(frozen=True)
class MessageLink:
    channel_id: str
    ts: str
    thread_ts: str | None
    url: str


def parse_link(text: str) -> MessageLink | None:
    """A Slack message link as people copy it ("Copy link"), or None."""
    found = _LINK.fullmatch(text.strip())
    if not found:
        return None
    channel, seconds, micros, thread = found.groups()
    return MessageLink(channel, f"{seconds}.{micros}", thread, found.group(0))


SLACK_FILE_HOSTS = (".slack.com", ".slack-edge.com", ".slack-gov.com")


def trusted(url: str, api_url: str) -> bool:
    """Whether Parley sends its bot token to `url`: Slack's own file hosts over HTTPS, or the
    host of the Web API it is configured with (SLACK_API_URL: GovSlack, or tests' fake Slack)."""
    parsed, api = urlparse(url), urlparse(api_url)
    if parsed.hostname and (parsed.scheme, parsed.hostname, parsed.port) == (
        api.scheme,
        api.hostname,
        api.port,
    ):
        return True
    return parsed.scheme == "https" and (parsed.hostname or "").endswith(SLACK_FILE_HOSTS)


class _KeepTokenAtHome(urllib.request.HTTPRedirectHandler):
    """A redirect keeps the bot token only to a host it would be sent to in the first place."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and not trusted(newurl, req.full_url):
            new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_KeepTokenAtHome)


@dataclass(frozen=True)
class Refused:
    reason: str  # in words for the record (the item and its audit event): English
    told: str  # the same words for the person, in the language in use


def refused(template: str, **values: object) -> Refused:
    """`template`: an N_() literal with named placeholders; it is recorded in English and told
    in the language in use (what Slack said, an error code, stays as it is)."""
    return Refused(template.format(**values), _(template).format(**values))


def _slack_error(error: SlackApiError) -> str:
    return str(error.response.get("error") or "") if error.response is not None else ""


def file_bytes(client: WebClient, file_id: str, max_bytes: int) -> tuple[bytes, dict[str, Any]] | Refused:
    """The file's bytes and Slack's description of it, or why Parley cannot keep a copy."""
    try:
        info = client.files_info(file=file_id)["file"]
    except SlackApiError as error:
        code = _slack_error(error)
        log.info("files.info refused a file: %s", code)
        return refused(NOT_ALLOWED_YET if code in ("missing_scope", "no_permission") else FILE_REFUSED)
    size = info.get("size")
    if isinstance(size, int) and size > max_bytes:
        return refused(TOO_LARGE, limit_mb=max_bytes // (1024 * 1024))
    url = info.get("url_private_download") or info.get("url_private")
    if not isinstance(url, str) or not trusted(url, client.base_url):
        log.info("files.info gave a download address Parley does not send its token to")
        return refused(FILE_REFUSED)
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {client.token}"})
    try:
        with _OPENER.open(request, timeout=DOWNLOAD_TIMEOUT) as answer:
            kind = answer.headers.get("Content-Type", "")
            data = bytearray()
            while chunk := answer.read(CHUNK):
                data += chunk
                if len(data) > max_bytes:
                    return refused(TOO_LARGE, limit_mb=max_bytes // (1024 * 1024))
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as error:
        log.info("a file download failed: %s", type(error).__name__)
        return refused(NOT_SENT)
    if isinstance(size, int) and len(data) != size:
        # Slack's sign-in page instead of the file: the token may not read it
        what = "a web page" if kind.startswith("text/html") else f"{len(data)} bytes"
        log.info("a download gave %s where Slack said %d bytes", what, size)
        return refused(FILE_REFUSED)
    return bytes(data), info


def read_message(
    client: WebClient, link: MessageLink, *, home: str, reader_team: str, reader: str
) -> CapturedMessage | Refused:
    """The message as it reads now, with its permalink. `home`: the dispute's channel; a message
    from any other channel is read only if the reader's organization is in that channel (Parley
    may be in another organization's internal channels: nothing of theirs crosses this way),
    and, for a private one, only if the reader (`reader`, a user id) is in it themselves."""
    if link.channel_id != home:
        kept_out = _outside(client, link.channel_id, reader_team, reader)
        if kept_out is not None:
            return kept_out
    try:
        if link.thread_ts and link.thread_ts != link.ts:
            answer = client.conversations_replies(
                channel=link.channel_id,
                ts=link.thread_ts,
                latest=link.ts,
                oldest=link.ts,
                inclusive=True,
                limit=1,
            )
        else:
            answer = client.conversations_history(
                channel=link.channel_id, latest=link.ts, oldest=link.ts, inclusive=True, limit=1
            )
        found = answer.get("messages") or []
    except SlackApiError as error:
        code = _slack_error(error)
        if code in ("not_in_channel", "channel_not_found", "missing_scope", "access_denied"):
            return refused(NOT_A_MEMBER)
        return refused(MESSAGE_REFUSED, error=code) if code else refused(MESSAGE_REFUSED_UNSAID)
    message = next((m for m in found if isinstance(m, dict) and m.get("ts") == link.ts), None)
    if message is None:
        return refused(NO_MESSAGE)
    return capture(client, link.channel_id, message)


def _outside(client: WebClient, channel_id: str, team_id: str, user_id: str) -> Refused | None:
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        code = _slack_error(error)
        return refused(NOT_A_MEMBER if code in ("channel_not_found", "not_in_channel") else NO_MESSAGE)
    teams = {channel.get("conversation_host_id"), *(channel.get("shared_team_ids") or [])}
    if team_id not in teams:
        return refused(NOT_YOURS)
    private = any(channel.get(k) for k in ("is_private", "is_im", "is_mpim", "is_group"))
    return refused(NOT_IN_IT) if private and not _member(client, channel_id, user_id) else None


def _member(client: WebClient, channel_id: str, user_id: str) -> bool:
    """Whether the person is in the conversation (conversations.members, page by page)."""
    cursor = None
    for _page in range(MEMBER_PAGES):
        try:
            answer = client.conversations_members(channel=channel_id, limit=1000, cursor=cursor)
        except SlackApiError as error:
            log.info("conversations.members refused: %s", _slack_error(error))
            return False
        if user_id in (answer.get("members") or []):
            return True
        cursor = (answer.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return False
    return False


def capture(client: WebClient, channel_id: str, message: dict[str, Any]) -> CapturedMessage:
    """`message` as Slack gave it (an API answer, or a message shortcut's payload)."""
    permalink = None
    try:
        permalink = client.chat_getPermalink(channel=channel_id, message_ts=message["ts"]).get("permalink")
    except SlackApiError as error:
        log.info("chat.getPermalink refused: %s", _slack_error(error))
    listed = message.get("files")
    files: list[Any] = listed if isinstance(listed, list) else []
    return CapturedMessage(
        channel_id=channel_id,
        ts=str(message["ts"]),
        author_team=_str(message.get("user_team") or message.get("team")),
        author_user=_str(message.get("user") or message.get("bot_id")),
        text=str(message.get("text") or ""),
        files=tuple(str(f.get("name") or f.get("id")) for f in files if isinstance(f, dict)),
        attached=tuple(
            OfferedFile(
                slack_file_id=f["id"],
                name=clean_name(f.get("name") if isinstance(f.get("name"), str) else None),
                size=f["size"] if isinstance(f.get("size"), int) else None,
                claimed_type=f.get("mimetype") if isinstance(f.get("mimetype"), str) else None,
                permalink=f.get("permalink") if isinstance(f.get("permalink"), str) else None,
            )
            for f in files[:10]
            if isinstance(f, dict) and isinstance(f.get("id"), str) and SLACK_FILE_ID.fullmatch(f["id"])
        ),
        permalink=permalink if isinstance(permalink, str) else None,
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
