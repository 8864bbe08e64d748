"""Signed requests to the app, shaped like Slack's: slash commands, block_actions,
view_submission and events, from host-workspace users and from connected-org users."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

_triggers = itertools.count(1)


@dataclass(frozen=True)
class User:
    id: str
    team_id: str
    name: str


@dataclass
class Reply:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def new_trigger() -> str:
    return f"trig-{next(_triggers)}-{time.monotonic_ns()}"


class SlackSender:
    def __init__(self, app_url: str, secret: str, fake: Any, host_team: str,
                 settle: Any = None) -> None:
        """`settle`, when given, is called after each reply: it waits until the app has finished
        the work it does after acking, so a test can look at the outcome straight away."""
        self.settle = settle
        self.app_url = app_url
        self.secret = secret
        self.fake = fake
        self.host_team = host_team

    def post(self, body: bytes | str, content_type: str = "application/x-www-form-urlencoded", *,
             timestamp: int | None = None, secret: str | None = None, signed: bool = True,
             path: str = "/slack/events", headers: dict[str, str] | None = None) -> Reply:
        data = body.encode() if isinstance(body, str) else body
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": content_type, **(headers or {})}
        if signed:
            headers["X-Slack-Request-Timestamp"] = ts
            headers["X-Slack-Signature"] = signature(secret or self.secret, ts, data)
        request = urllib.request.Request(self.app_url + path, data=data, headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                reply = Reply(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.read().decode())
        if self.settle is not None:
            self.settle()
        return reply

    def payload(self, payload: dict[str, Any]) -> Reply:
        return self.post(urlencode({"payload": json.dumps(payload)}))

    def command(self, user: User, text: str = "", channel: str = "C0SHARED",
                channel_name: str = "studio-client", command: str = "/dispute",
                trigger_id: str | None = None) -> Reply:
        form = {
            "token": "legacy", "team_id": user.team_id, "team_domain": "studio",
            "channel_id": channel, "channel_name": channel_name, "user_id": user.id,
            "user_name": user.name, "command": command, "text": text,
            "api_app_id": "A0PARLEY", "response_url": self.fake.response_url(),
            "trigger_id": trigger_id or new_trigger(),
        }
        return self.post(urlencode(form))

    def block_action(self, user: User, action_id: str, value: str | None = None, *,
                     channel: str = "C0SHARED", message_ts: str = "1700000000.000001",
                     block_id: str = "b", trigger_id: str | None = None,
                     option: str | None = None) -> Reply:
        """A click on a button (`value`), or a choice in an overflow menu (`option`: the chosen
        option's value)."""
        action: dict[str, Any] = {"type": "button", "action_id": action_id, "block_id": block_id,
                                  "action_ts": str(time.time())}
        if value is not None:
            action["value"] = value
        if option is not None:
            action = {**action, "type": "overflow",
                      "selected_option": {"text": {"type": "plain_text", "text": "…"}, "value": option}}
        return self.payload({
            "type": "block_actions",
            "user": {"id": user.id, "username": user.name, "team_id": user.team_id},
            "team": {"id": user.team_id, "domain": "x"},
            "api_app_id": "A0PARLEY",
            "trigger_id": trigger_id or new_trigger(),
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "channel": {"id": channel, "name": "studio-client"},
            "message": {"ts": message_ts, "text": "…"},
            "response_url": self.fake.response_url(),
            "actions": [action],
        })

    def message_shortcut(self, user: User, callback_id: str, message: dict[str, Any], *,
                         channel: str = "C0SHARED", trigger_id: str | None = None) -> Reply:
        """A message shortcut (type message_action), as Slack sends it: the message it was used
        on, in full, and its channel."""
        return self.payload({
            "type": "message_action", "callback_id": callback_id,
            "user": {"id": user.id, "username": user.name, "team_id": user.team_id},
            "team": {"id": user.team_id, "domain": "x"}, "api_app_id": "A0PARLEY",
            "trigger_id": trigger_id or new_trigger(), "action_ts": str(time.time()),
            "message_ts": message["ts"], "message": message,
            "channel": {"id": channel, "name": "studio-client"},
            "response_url": self.fake.response_url(),
        })

    def view_submission(self, user: User, view: dict[str, Any], answers: dict[str, Any]) -> Reply:
        return self.payload(self.view_submission_payload(user, view, answers))

    def view_submission_payload(self, user: User, view: dict[str, Any],
                                answers: dict[str, Any]) -> dict[str, Any]:
        """The view_submission Slack sends when `user` submits `view` with `answers`."""
        return {
            "type": "view_submission",
            "user": {"id": user.id, "username": user.name, "team_id": user.team_id},
            "team": {"id": user.team_id, "domain": "x"},
            "api_app_id": "A0PARLEY",
            "trigger_id": new_trigger(),
            "view": {
                "id": view.get("id") or f"V-{next(_triggers)}", "type": "modal", "team_id": user.team_id,
                "app_installed_team_id": self.host_team,
                "callback_id": view["callback_id"],
                "private_metadata": view.get("private_metadata", ""),
                "state": {"values": state_values(view, answers)},
                "hash": view.get("hash") or f"h-{next(_triggers)}",
            },
        }

    def event(self, event: dict[str, Any], team_id: str | None = None) -> Reply:
        return self.post(json.dumps(self.event_body(event, team_id)), "application/json")

    def event_body(self, event: dict[str, Any], team_id: str | None = None) -> dict[str, Any]:
        """An Events API callback as Slack sends it, with a new event_id."""
        return {
            "token": "legacy", "team_id": team_id or self.host_team, "api_app_id": "A0PARLEY",
            "type": "event_callback", "event_id": f"Ev{next(_triggers)}",
            "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": self.host_team, "user_id": self.fake.bot_user,
                                "is_bot": True, "is_enterprise_install": False}],
        }


def state_values(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """view.state.values as Slack builds it from the modal's inputs and the given answers."""
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        answer = answers.get(block["block_id"])
        kind = element["type"]
        if kind == "plain_text_input":
            state = {"type": kind, "value": answer}
        elif kind == "users_select":
            state = {"type": kind, "selected_user": answer}
        elif kind == "datepicker":
            state = {"type": kind, "selected_date": answer}
        elif kind == "timepicker":
            state = {"type": kind, "selected_time": answer}
        elif kind == "checkboxes":
            chosen = [o for o in element["options"] if o["value"] in (answer or [])]
            state = {"type": kind, "selected_options": chosen}
        elif kind == "multi_users_select":
            state = {"type": kind, "selected_users": list(answer or [])}
        elif kind == "file_input":
            state = {"type": kind, "files": list(answer or [])}
        elif kind == "conversations_select":
            state = {"type": kind, "selected_conversation": answer}
        elif kind in ("static_select", "radio_buttons"):
            option = next((o for o in element["options"] if o["value"] == answer), None)
            if answer is not None and option is None:
                option = {"text": {"type": "plain_text", "text": str(answer)}, "value": answer}
            state = {"type": kind, "selected_option": option}
        else:
            state = {"type": kind, "value": answer}
        values[block["block_id"]] = {element["action_id"]: state}
    return values
