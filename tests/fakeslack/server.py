"""FakeSlack: an http.server thread on 127.0.0.1 that answers like the Slack Web API.

It records every call, validates every Block Kit payload (see blockkit.py), keeps the messages it
was sent, and can be told to fail: a Slack error (`not_in_channel`), a 429 with Retry-After, a
5xx, a lost answer (the work is done but the connection closes without a response), or an outage
(`down()`: every method but auth.test answers a 5xx and does nothing, until `up()`). Trigger ids
are good once; ids starting with "expired" answer `expired_trigger_id`. Posted messages (with their
message metadata) can be read back through conversations.history and conversations.replies."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.fakeslack.blockkit import check_message, check_view

HOST_TEAM = "T0HOST"
BOT_USER = "U0PARLEY"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    error: str | None = None
    status: int = 200
    retry_after: int | None = None
    lost: bool = False  # do the work, then close the connection without an answer
    channel: str | None = None  # only a call to this channel (others go through)


class FakeSlack:
    def __init__(self, token: str = "xoxb-test-token", host_team: str = HOST_TEAM,
                 bot_user: str = BOT_USER, validate: bool = True) -> None:
        self.token = token
        self.host_team = host_team
        self.bot_user = bot_user
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.teams: dict[str, str] = {host_team: "Studio"}
        self.uploads: dict[str, dict[str, Any]] = {}  # file id -> {"content", "channel", ...}
        self.messages: dict[tuple[str, str], dict[str, Any]] = {}
        self.failures: dict[str, deque[Failure]] = defaultdict(deque)
        self.used_triggers: set[str] = set()
        self.latency = 0.0
        self.arrived: Counter[str] = Counter()  # requests per path as they arrive, before `latency`
        self.validate = validate
        self.channel_gap: float | None = None  # enforce Slack's ~1 message/s/channel when set
        self.channel_burst = 3  # … after a burst of this many
        self.rate_limited = 0  # 429s answered because of channel_gap
        self.outage: int | None = None  # while set, the HTTP status every method but auth.test answers
        # Socket Mode: the address apps.connections.open hands out (Slack's is a wss:// URL).
        self.socket_url = "ws://127.0.0.1:1/link"
        self._last_post: dict[str, float] = {}
        self._last_ts_us = 0  # the last ts handed out, in microseconds
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self.add_user(bot_user, host_team, name="parley", is_bot=True)
        # Multi-workspace: the bot tokens of other installations (token -> team id), and the
        # codes Slack's authorize page would hand out (code -> oauth.v2.access's answer).
        self.tokens: dict[str, str] = {token: host_team}
        self.install_codes: dict[str, dict[str, Any]] = {}
        self.refresh_tokens: dict[str, str] = {}  # rotating tokens' refresh tokens -> team id
        self.installed_elsewhere: set[str] = set()  # see _m_users_info
        # Files people uploaded (a file input, a message's files): id -> Slack's file object,
        # plus "bytes" and "readers" (the teams whose tokens may read it).
        self.files: dict[str, dict[str, Any]] = {}

    # ----- set-up -------------------------------------------------------------------------
    def add_user(self, user_id: str, team_id: str, *, name: str | None = None, is_bot: bool = False,
                 guest: bool = False, deleted: bool = False, tz: str = "Europe/London",
                 admin: bool = False, locale: str = "en-US") -> None:
        self.users[user_id] = {
            "id": user_id, "team_id": team_id, "name": name or user_id.lower(),
            "real_name": (name or user_id).title(), "is_bot": is_bot, "deleted": deleted,
            "is_restricted": guest, "is_ultra_restricted": False, "tz": tz, "is_admin": admin,
            "locale": locale,
        }

    def add_channel(self, channel_id: str, *, is_member: bool = True, private: bool = False,
                    shared: bool = True, name: str | None = None, host: str | None = None,
                    members: list[str] | None = None) -> None:
        """`host`: the organization that created it (conversation_host_id), the host workspace
        unless said. `members`: who is in it (conversations.members), every user unless said."""
        self.channels[channel_id] = {
            "id": channel_id, "name": name or channel_id.lower(), "is_channel": not private,
            "is_private": private, "is_member": is_member, "is_shared": shared,
            "is_ext_shared": shared, "conversation_host_id": host or self.host_team,
            # the organizations in it (every test's shared channel has the client's in it)
            "shared_team_ids": [self.host_team, "T0CLIENT"] if shared else [self.host_team],
            **({"_members": list(members)} if members is not None else {}),
        }

    def add_message(self, channel: str, text: str = "", *, thread_ts: str | None = None,
                    ts: str | None = None, metadata: dict[str, Any] | None = None,
                    user: str | None = None, files: list[dict[str, Any]] | None = None) -> str:
        """Store a message as if it had been posted (e.g. a thread root a test seeded in the
        database); returns its ts. `files`: files it shares (add_file's descriptions)."""
        ts = ts or self._new_ts()
        with self._cond:
            self.messages[(channel, ts)] = {
                "ts": ts, "text": text, "blocks": None, "thread_ts": thread_ts,
                "user": user or self.bot_user, "channel": channel, "metadata": metadata,
                **({"file_objects": list(files)} if files else {}),
            }
        return ts

    def add_file(self, name: str, content: bytes, *, mimetype: str = "application/pdf",
                 team: str | None = None, readers: set[str] | None = None,
                 size: int | None = None) -> dict[str, Any]:
        """A file someone uploaded (to a modal's file input, or with a message), as Slack
        describes it in a view submission's `files`. `readers`: the teams whose bot tokens may
        read it (default: every team's: the host's and the uploader's). `size`: what Slack says
        its size is, when it should differ from the bytes (a test of a lying description)."""
        file_id = f"F{next(self._ids):08d}"
        team = team or self.host_team
        base = self.base_url.replace("/api/", "")
        described = {
            "id": file_id, "name": name, "title": name, "mimetype": mimetype,
            "filetype": name.rsplit(".", 1)[-1] if "." in name else "binary",
            "size": len(content) if size is None else size, "user_team": team,
            "url_private": f"{base}/files-pri/{team}-{file_id}/{_url_name(name)}",
            "url_private_download": f"{base}/files-pri/{team}-{file_id}/download/{_url_name(name)}",
            "permalink": f"https://parley-test.slack.com/files/U0/{file_id}/{_url_name(name)}",
        }
        with self._cond:
            self.files[file_id] = {**described, "bytes": content, "readers": readers}
        return described

    def edit_message(self, channel: str, ts: str, text: str) -> None:
        """Someone edits their message (as Slack keeps it: the text changes, the ts stays)."""
        with self._cond:
            self.messages[(channel, ts)]["text"] = text
            self.messages[(channel, ts)]["edited"] = {"ts": self._new_ts()}

    def delete_message(self, channel: str, ts: str) -> None:
        with self._cond:
            del self.messages[(channel, ts)]

    def delete_file(self, file_id: str) -> None:
        with self._cond:
            del self.files[file_id]

    def add_install(self, code: str, team_id: str, team_name: str, token: str, *,
                    enterprise_id: str | None = None, refresh_token: str | None = None) -> None:
        """What Slack hands the redirect after someone of `team_id` allowed the install: `code`,
        good once for oauth.v2.access; `token` then works for that team."""
        answer: dict[str, Any] = {
            "ok": True, "app_id": "A0PARLEY", "token_type": "bot", "access_token": token,
            "scope": "commands,chat:write", "bot_user_id": f"U0BOT{team_id[-4:]}",
            "team": {"id": team_id, "name": team_name},
            "enterprise": {"id": enterprise_id, "name": "Grid Org"} if enterprise_id else None,
            "is_enterprise_install": False, "authed_user": {"id": f"U0ADMIN{team_id[-4:]}"}}
        if refresh_token:
            answer |= {"refresh_token": refresh_token, "expires_in": 43200}
        with self._cond:
            if refresh_token:
                self.refresh_tokens[refresh_token] = team_id
            self.install_codes[code] = answer
            self.teams.setdefault(team_id, team_name)

    def fail_next(self, method: str, error: str | None = None, *, status: int = 200,
                  retry_after: int | None = None, times: int = 1, lost: bool = False,
                  channel: str | None = None) -> None:
        """The next `times` calls to `method` (to `channel`, when given) fail: with `error` (HTTP
        200), with `status` (429 carries Retry-After), or, when `lost`, Slack does the work but
        the answer never comes back (the connection is closed without a response)."""
        with self._cond:
            for _ in range(times):
                self.failures[method].append(Failure(error, status, retry_after, lost, channel))

    def down(self, status: int = 503) -> None:
        """An outage: until up(), every method but auth.test answers `status` with fatal_error and
        does nothing. Refused calls are recorded with "_refused" in their args."""
        with self._cond:
            self.outage = status

    def up(self) -> None:
        with self._cond:
            self.outage = None

    # ----- inspection ---------------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} call(s) to {method}, saw {len(found)}: "
                        f"{[c.method for c in self.calls]}"
                    )
                self._cond.wait(left)

    def wait_until(self, predicate: Any, timeout: float = 5.0, what: str = "condition") -> None:
        """Wait until predicate() is true; it is re-checked after every recorded call."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}")
                self._cond.wait(left)

    def reset_calls(self) -> None:
        with self._cond:
            self.calls.clear()

    def messages_in(self, channel: str, thread_ts: str | None = None) -> list[dict[str, Any]]:
        """The stored messages of `channel` in ts order: the replies in thread `thread_ts` when
        given (not its root), else the top-level messages."""
        with self._cond:
            found = [dict(m) for (c, _), m in self.messages.items() if c == channel
                     and (_is_reply_in(m, thread_ts) if thread_ts else _is_top_level(m))]
        return sorted(found, key=lambda m: float(m["ts"]))

    # ----- server -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def response_url(self) -> str:
        return self.base_url.replace("/api/", f"/respond/{next(self._ids)}")

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Slack
            wbufsize = -1  # the status line, headers and body leave in one write (at the flush) …
            disable_nagle_algorithm = True  # … and at once

            def log_message(self, *args: Any) -> None:
                pass

            def handle(self) -> None:
                try:
                    super().handle()
                except ConnectionResetError:
                    pass  # a client's kept-alive connection went away (a process stopping)

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length)
                if len(data) < length:  # the caller went away mid-request (a process stopping)
                    self.close_connection = True
                    return
                # surrogateescape: an uploaded file may be any bytes (a PDF); see "bytes" below
                self._answer(self.path.partition("?")[0], data.decode("utf-8", "surrogateescape"))

            def do_GET(self) -> None:  # noqa: N802
                path, _, query = self.path.partition("?")
                if path.startswith("/files-pri/"):
                    self._download(path)
                    return
                self._answer(path, query)

            def _download(self, path: str) -> None:
                status, kind, data = fake._download(path, self.headers.get("Authorization") or "")
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _answer(self, path: str, raw: str) -> None:
                status, headers, body = fake._handle(path, {k.lower(): v for k, v in self.headers.items()}, raw)
                if status is None:  # a lost answer: close without writing anything
                    self.close_connection = True
                    return
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller went away (a benchmark stopping a process mid-call)

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # the default of 5 resets connections under concurrency

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True, name="fakeslack").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ----- request handling ---------------------------------------------------------------
    def _handle(self, path: str, headers: dict[str, str], raw: str) -> tuple[int | None, dict[str, str], Any]:
        """`headers` have lower-case names. A status of None means: answer nothing, drop the
        connection (a lost answer)."""
        with self._cond:
            self.arrived[path.removeprefix("/api/")] += 1
            self._cond.notify_all()
        if self.latency:
            time.sleep(self.latency)
        if path.startswith("/upload/"):
            file_id = path.removeprefix("/upload/")
            with self._cond:
                if file_id not in self.uploads:
                    return 404, {}, {"ok": False}
                self.uploads[file_id]["content"] = raw  # as text (Markdown files)
                self.uploads[file_id]["bytes"] = raw.encode("utf-8", "surrogateescape")
            self._record("upload", {"file_id": file_id, "length": len(raw)})
            return 200, {}, {"ok": True}
        args = self._args(headers, raw)
        if path.startswith("/respond/"):
            self._record("response_url", args)
            problems = self._check_message(args) if (args.get("blocks") or args.get("text")) else []
            self._violate("response_url", problems)
            return 200, {}, {"ok": True}
        method = path.removeprefix("/api/")
        with self._cond:
            outage = self.outage if method != "auth.test" else None
        if outage is not None:
            args["_refused"] = True
            self._record(method, args)
            return self._failed(Failure(status=outage))
        auth = headers.get("authorization") or ""
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else args.get("token")
        if method not in ("oauth.v2.access", "api.test"):
            with self._cond:
                team = self.tokens.get(token or "")
            if team is None:
                self._record(method, args)
                return 200, {}, {"ok": False, "error": "invalid_auth"}
            args["_team"] = team  # whose token the call used
        failure = None
        with self._cond:
            waiting = self.failures[method]
            found = next((f for f in waiting if f.channel in (None, args.get("channel"))), None)
            if found is not None:
                waiting.remove(found)
                failure = found
        if failure is not None and not failure.lost:
            self._record(method, args)
            return self._failed(failure)
        handler = getattr(self, "_m_" + method.replace(".", "_"), None)
        result = handler(args) if handler else {"ok": False, "error": "unknown_method"}
        if failure is not None:  # lost: the work is done, but the caller hears nothing
            args["_lost"] = True
            self._record(method, args)
            return None, {}, None
        self._record(method, args)
        if result.pop("_status", None) == 429:
            return 429, {"Retry-After": "1"}, result
        return 200, {}, result

    @staticmethod
    def _failed(failure: Failure) -> tuple[int, dict[str, str], Any]:
        if failure.status == 429:
            return 429, {"Retry-After": str(failure.retry_after or 1)}, {"ok": False, "error": "ratelimited"}
        if failure.status >= 500:
            return failure.status, {}, {"ok": False, "error": "fatal_error"}
        return 200, {}, {"ok": False, "error": failure.error}

    @staticmethod
    def _args(headers: dict[str, str], raw: str) -> dict[str, Any]:
        content_type = headers.get("content-type") or ""
        if "json" in content_type:
            return json.loads(raw or "{}")
        args: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
        for key in ("blocks", "view", "attachments", "metadata"):
            if isinstance(args.get(key), str):
                try:
                    args[key] = json.loads(args[key])
                except ValueError:
                    pass
        return args

    def _record(self, method: str, args: dict[str, Any]) -> None:
        with self._cond:
            self.calls.append(Call(method, args))
            self._cond.notify_all()

    def _violate(self, method: str, problems: list[str]) -> None:
        if problems:
            with self._cond:
                self.violations.extend(f"{method}: {p}" for p in problems)

    def _check_message(self, args: dict[str, Any]) -> list[str]:
        return check_message(args) if self.validate else []

    def _check_view(self, view: Any) -> list[str]:
        return check_view(view) if self.validate else []

    def _new_ts(self) -> str:
        """Like Slack's: the wall clock, with microseconds; unique and strictly increasing."""
        with self._cond:
            self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
            us = self._last_ts_us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    # ----- methods ------------------------------------------------------------------------
    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        team = args.get("_team", self.host_team)
        if team == self.host_team:
            return {"ok": True, "url": "https://parley-test.slack.com/", "team": "Studio",
                    "user": "parley", "team_id": self.host_team, "user_id": self.bot_user,
                    "bot_id": "B0PARLEY", "is_enterprise_install": False}
        return {"ok": True, "url": f"https://{team.lower()}.slack.com/", "team": self.teams.get(team),
                "user": "parley", "team_id": team, "user_id": f"U0BOT{team[-4:]}",
                "bot_id": f"B0BOT{team[-4:]}", "is_enterprise_install": False}

    def _m_api_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True}

    def _m_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        """Socket Mode's address, for an app-level token the fake knows (in `tokens`)."""
        return {"ok": True, "url": self.socket_url}

    def _m_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("grant_type") == "refresh_token":  # token rotation
            return self._refresh(str(args.get("refresh_token", "")))
        with self._cond:
            answer = self.install_codes.pop(args.get("code", ""), None)
            if answer is not None:
                self.tokens[answer["access_token"]] = answer["team"]["id"]
        return dict(answer) if answer else {"ok": False, "error": "invalid_code"}

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """A rotating token's refresh: a new access token (the old one stops working) and a new
        refresh token, for twelve hours."""
        with self._cond:
            team = self.refresh_tokens.pop(refresh_token, None)
            if team is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            n = next(self._ids)
            token, refresh = f"xoxe.xoxb-{team}-{n}", f"xoxe-1-{team}-{n}"
            for old in [t for t, owner in self.tokens.items() if owner == team and t.startswith("xoxe.")]:
                del self.tokens[old]
            self.tokens[token] = team
            self.refresh_tokens[refresh] = team
        return {"ok": True, "app_id": "A0PARLEY", "token_type": "bot", "access_token": token,
                "refresh_token": refresh, "expires_in": 43200, "scope": "commands,chat:write",
                "bot_user_id": f"U0BOT{team[-4:]}", "team": {"id": team}, "enterprise": None,
                "is_enterprise_install": False}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        asking = args.get("_team", self.host_team)
        if asking != user["team_id"] and asking in self.installed_elsewhere:
            # Another organization's installation sees an external person without their role
            # in their own organization (set per test: what the code must not rely on).
            user = {**user, "is_admin": False}
        if str(args.get("include_locale", "")).lower() not in ("1", "true"):
            user = {k: v for k, v in user.items() if k != "locale"}  # Slack's is opt-in
        return {"ok": True, "user": user}

    def _m_team_info(self, args: dict[str, Any]) -> dict[str, Any]:
        team_id = args.get("team") or self.host_team
        name = self.teams.get(team_id)
        if name is None:
            return {"ok": False, "error": "team_not_found"}
        return {"ok": True, "team": {"id": team_id, "name": name, "domain": name.lower()}}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        if users not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": _conversation_of(users), "is_im": True}}

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args.get("channel", ""))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": {k: v for k, v in channel.items() if not k.startswith("_")}}

    def _m_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args.get("channel", ""))
        if channel is None or (channel["is_private"] and not channel["is_member"]):
            return {"ok": False, "error": "channel_not_found"}
        members = channel.get("_members", [u for u, d in self.users.items() if not d["is_bot"]])
        cursor, limit = str(args.get("cursor") or "0"), str(args.get("limit") or 100)
        start, size = int(cursor), max(int(limit), 1)
        more = start + size < len(members)
        return {"ok": True, "members": members[start:start + size],
                "response_metadata": {"next_cursor": str(start + size) if more else ""}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(args.get("channel", ""))
        error = self._can_read(channel_id) or _bad_window(args)
        if error:
            return {"ok": False, "error": error}
        with self._cond:
            stored = [m for (c, _), m in self.messages.items() if c == channel_id]
            replies = Counter(m["thread_ts"] for m in stored if not _is_top_level(m))
            found = [self._shown(m, args, replies[m["ts"]]) for m in stored
                     if _is_top_level(m) and _within(m["ts"], args)]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        return self._page(found, args, default_limit=100)

    def _m_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(args.get("channel", ""))
        error = self._can_read(channel_id) or _bad_window(args)
        if error:
            return {"ok": False, "error": error}
        with self._cond:
            asked = self.messages.get((channel_id, str(args.get("ts", ""))))
            root = self.messages.get((channel_id, asked.get("thread_ts") or asked["ts"])) if asked else None
            if root is None:
                return {"ok": False, "error": "thread_not_found"}
            replies = [m for (c, _), m in self.messages.items()
                       if c == channel_id and _is_reply_in(m, root["ts"])]
            found = [self._shown(m, args) for m in replies if _within(m["ts"], args)]
            shown_root = self._shown(root, args, len(replies))
        found.sort(key=lambda m: float(m["ts"]))
        return self._page([shown_root, *found], args, default_limit=1000)

    def _can_read(self, channel_id: str) -> str | None:
        if channel_id[:1] in ("U", "W"):
            return "channel_not_found"  # a person is not a conversation: their DM's D… id is
        channel = self.channels.get(channel_id)
        if channel is not None:
            if channel["is_private"] and not channel["is_member"]:
                return "channel_not_found"
            return None if channel["is_member"] else "not_in_channel"
        with self._cond:
            if channel_id.startswith("D") or any(c == channel_id for c, _ in self.messages):
                return None
        return "channel_not_found"

    @staticmethod
    def _shown(message: dict[str, Any], args: dict[str, Any], reply_count: int = 0) -> dict[str, Any]:
        """A stored message as conversations.history/replies show it: its metadata only with
        include_all_metadata; a thread root with replies carries thread_ts and reply_count."""
        shown = {"type": "message", "user": message.get("user"), "ts": message["ts"],
                 "text": message.get("text") or ""}
        if message.get("edited"):
            shown["edited"] = message["edited"]
        if message.get("blocks") is not None:
            shown["blocks"] = message["blocks"]
        if message.get("thread_ts"):
            shown["thread_ts"] = message["thread_ts"]
        if reply_count:
            shown.update(thread_ts=message["ts"], reply_count=reply_count)
        if message.get("metadata") is not None and _truthy(args.get("include_all_metadata")):
            shown["metadata"] = message["metadata"]
        if message.get("file_objects"):  # a person's message with files: Slack's file objects
            shown["files"] = message["file_objects"]
        if message.get("files"):  # a file share: its files, as Slack lists them
            shown["files"] = [{"id": f, "name": n}
                              for f, n in zip(message["files"], message.get("file_names") or [])]
        return shown

    @staticmethod
    def _page(messages: list[dict[str, Any]], args: dict[str, Any], default_limit: int) -> dict[str, Any]:
        """One page of `messages`; the cursor is the index of the next page's first message."""
        cursor, limit = str(args.get("cursor") or "0"), str(args.get("limit") or default_limit)
        if not limit.isdigit():
            return {"ok": False, "error": "invalid_limit"}
        if not cursor.isdigit() or int(cursor) > len(messages):
            return {"ok": False, "error": "invalid_cursor"}
        start = int(cursor)
        end = start + max(int(limit), 1)
        more = end < len(messages)
        return {"ok": True, "messages": messages[start:end], "has_more": more,
                "response_metadata": {"next_cursor": str(end) if more else ""}}

    def _can_post(self, channel_id: str) -> str | None:
        if channel_id.startswith(("U", "W", "D")):
            return None
        channel = self.channels.get(channel_id)
        if channel is None:
            return "channel_not_found"
        return None if channel["is_member"] else "not_in_channel"

    def _check_metadata(self, method: str, args: dict[str, Any]) -> str | None:
        metadata = args.get("metadata")
        if metadata is None:
            return None
        if (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str)
                and metadata["event_type"] and isinstance(metadata.get("event_payload"), dict)):
            return None
        self._violate(method, [f"metadata is not {{event_type, event_payload}}: {metadata!r}"])
        return "invalid_metadata_format"

    def _over_channel_limit(self, channel: str) -> bool:
        """Slack's "about one message per second per channel, short bursts allowed", as a cell
        rate: `channel_burst` messages at once, then one per `channel_gap` (50 ms of leeway for
        the time a request takes to arrive)."""
        assert self.channel_gap is not None
        now = time.monotonic()
        tolerance = self.channel_gap * (self.channel_burst - 1) + 0.05
        with self._cond:
            tat = max(self._last_post.get(channel, 0.0), now)
            if tat - now > tolerance:
                self.rate_limited += 1
                return True
            self._last_post[channel] = tat + self.channel_gap
        return False

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        problems = self._check_message(args)
        self._violate("chat.postMessage", problems)
        if problems:
            return {"ok": False, "error": "invalid_blocks"}
        error = self._check_metadata("chat.postMessage", args)
        if error:
            return {"ok": False, "error": error}
        error = self._can_post(args.get("channel", ""))
        if error:
            return {"ok": False, "error": error}
        if self.channel_gap is not None and self._over_channel_limit(args["channel"]):
            return {"ok": False, "error": "ratelimited", "_status": 429}
        ts = self._new_ts()
        # A post to a person (a user id) lands in the app's direct message with them, whose id
        # is a D… one (what conversations.open answers); only that id reads it back.
        channel = _conversation_of(args["channel"])
        message = {"ts": ts, "text": args.get("text"), "blocks": args.get("blocks"),
                   "thread_ts": args.get("thread_ts"), "user": self.bot_user,
                   "channel": channel, "metadata": args.get("metadata")}
        with self._cond:
            self.messages[(channel, ts)] = message
        args["_accepted"] = True  # recorded calls can tell accepted posts from refused ones
        return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        problems = self._check_message(args)
        self._violate("chat.update", problems)
        if problems:
            return {"ok": False, "error": "invalid_blocks"}
        error = self._check_metadata("chat.update", args)
        if error:
            return {"ok": False, "error": error}
        key = (args.get("channel", ""), args.get("ts", ""))
        with self._cond:
            if key not in self.messages:
                return {"ok": False, "error": "message_not_found"}
            self.messages[key].update(text=args.get("text"), blocks=args.get("blocks"))
            if args.get("metadata") is not None:
                self.messages[key]["metadata"] = args["metadata"]
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        problems = self._check_message(args)
        self._violate("chat.postEphemeral", problems)
        if problems:
            return {"ok": False, "error": "invalid_blocks"}
        error = self._can_post(args.get("channel", ""))
        return {"ok": False, "error": error} if error else {"ok": True, "message_ts": self._new_ts()}

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = args.get("message_ts", "").replace(".", "")
        return {"ok": True, "channel": args.get("channel"),
                "permalink": f"https://parley-test.slack.com/archives/{args.get('channel')}/p{ts}"}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("filename") or not str(args.get("length", "")).isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):06d}"
        with self._cond:
            self.uploads[file_id] = {"filename": args["filename"], "content": None}
        return {"ok": True, "file_id": file_id,
                "upload_url": self.base_url.replace("/api/", f"/upload/{file_id}")}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files
        # The message the files are shared with: `blocks` (a JSON string), ignored by Slack when
        # an initial_comment is given.
        blocks = args.get("blocks")
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        if args.get("initial_comment"):
            blocks = None
        if blocks is not None:
            # (A file share has no `text` of its own: Slack asks for no fallback here.)
            problems = self._check_message({"blocks": blocks, "text": "file share"})
            self._violate("files.completeUploadExternal", problems)
            if problems:
                return {"ok": False, "error": "invalid_blocks"}
        done = []
        with self._cond:
            for item in files or []:
                upload = self.uploads.get(item.get("id"))
                if upload is None or upload["content"] is None:
                    return {"ok": False, "error": "file_not_found"}
                upload.update(title=item.get("title"), channel=args.get("channel_id"),
                              thread_ts=args.get("thread_ts"), comment=args.get("initial_comment"),
                              blocks=blocks)
                done.append({"id": item["id"], "title": item.get("title")})
        if args.get("channel_id") and self._can_post(args["channel_id"]):
            return {"ok": False, "error": "not_in_channel"}
        if done and args.get("channel_id"):  # the share is a message of its own
            channel, ts = _conversation_of(args["channel_id"]), self._new_ts()
            with self._cond:
                self.messages[(channel, ts)] = {
                    "ts": ts, "text": args.get("initial_comment") or "", "blocks": blocks,
                    "thread_ts": args.get("thread_ts"), "user": self.bot_user, "channel": channel,
                    "metadata": None, "files": [f["id"] for f in done],
                    "file_names": [self.uploads[f["id"]]["filename"] for f in done]}
        return {"ok": True, "files": done}

    def _readable(self, file_id: str, team: str | None) -> dict[str, Any] | None:
        with self._cond:
            stored = self.files.get(file_id)
        if stored is None or team is None:
            return None
        readers = stored["readers"]
        return stored if readers is None or team in readers else None

    def _m_files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """Slack answers file_not_found for a file the token's team cannot see."""
        stored = self._readable(str(args.get("file", "")), args.get("_team"))
        if stored is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": {k: v for k, v in stored.items() if k not in ("bytes", "readers")}}

    _SIGN_IN_PAGE = b"<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in</body></html>"

    def _download(self, path: str, auth: str) -> tuple[int, str, bytes]:
        """A file's private URL: its bytes for a bot token that may read it; otherwise, as Slack
        does, its sign-in page (200, text/html), not an error."""
        file_id = path.removeprefix("/files-pri/").split("/")[0].split("-", 1)[-1]
        with self._cond:
            team = self.tokens.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        self._record("download", {"file": file_id, "_team": team})
        stored = self._readable(file_id, team)
        if stored is None:
            return 200, "text/html; charset=utf-8", self._SIGN_IN_PAGE
        return 200, stored["mimetype"], stored["bytes"]

    def _view_result(self, view: dict[str, Any]) -> dict[str, Any]:
        """Like Slack: the view gets an id (kept by views.update) and a new hash. Both are also put
        on the recorded view, so a test can submit it as Slack would."""
        view["id"] = view.get("id") or f"V{next(self._ids):06d}"
        view["hash"] = f"{time.time():.6f}.{next(self._ids)}"
        return {"ok": True, "view": {**view, "team_id": self.host_team}}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = str(args.get("trigger_id", ""))
        with self._cond:
            if trigger.startswith("expired") or trigger in self.used_triggers:
                return {"ok": False, "error": "expired_trigger_id"}
            self.used_triggers.add(trigger)
        problems = self._check_view(args.get("view"))
        self._violate("views.open", problems)
        return {"ok": False, "error": "invalid_arguments"} if problems else self._view_result(args["view"])

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        if isinstance(args.get("view"), dict) and args.get("view_id"):
            args["view"]["id"] = args["view_id"]
        problems = self._check_view(args.get("view"))
        self._violate("views.update", problems)
        return {"ok": False, "error": "invalid_arguments"} if problems else self._view_result(args["view"])

    _m_views_push = _m_views_update

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        problems = self._check_view(args.get("view"))
        self._violate("views.publish", problems)
        return {"ok": False, "error": "invalid_arguments"} if problems else self._view_result(args["view"])


def _url_name(name: str) -> str:
    from urllib.parse import quote
    return quote(name.replace("/", "_")[:200], safe="")


def _conversation_of(channel: str) -> str:
    """Where a post to `channel` lands: a user id's is the DM with them (as conversations.open
    names it here)."""
    return "D" + channel[1:] if channel[:1] in ("U", "W") else channel


def _is_top_level(message: dict[str, Any]) -> bool:
    return not message.get("thread_ts") or message["thread_ts"] == message["ts"]


def _is_reply_in(message: dict[str, Any], thread_ts: str) -> bool:
    return message.get("thread_ts") == thread_ts and message["ts"] != thread_ts


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def _bad_window(args: dict[str, Any]) -> str | None:
    for key in ("oldest", "latest"):
        try:
            float(args.get(key) or 0)
        except (TypeError, ValueError):
            return f"invalid_ts_{key}"
    return None


def _within(ts: str, args: dict[str, Any]) -> bool:
    """Slack's oldest/latest window (exclusive unless `inclusive`), compared as numbers."""
    inclusive = _truthy(args.get("inclusive"))
    value = float(ts)
    oldest, latest = args.get("oldest"), args.get("latest")
    if oldest not in (None, "") and (value < float(oldest) or (value == float(oldest) and not inclusive)):
        return False
    return latest in (None, "") or value < float(latest) or (value == float(latest) and inclusive)
