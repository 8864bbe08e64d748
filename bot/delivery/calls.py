"""What one outbox row asks of Slack, once rendered: a post, an update, or a file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.slack.directory import Directory
from models import Dispute, OutboxMessage

Blocks = list[dict[str, Any]]
T = TypeVar("T")


class Skip(Exception):
    """The row is no longer needed (the dispute moved on); `reason` goes on the row."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NoThread(Skip):
    """The dispute's card was never posted (Slack refused it), so its thread cannot be replied to."""

    def __init__(self) -> None:
        super().__init__("the dispute's thread was never posted")


@dataclass
class Post:
    text: str
    blocks: Blocks | None = None
    thread_ts: str | None = None  # a reply in this thread
    channel: str | None = None  # default: the row's channel
    unfurl: bool = True
    internal_only: bool = False  # post only if the channel is not shared with another org
    permalink: bool = False  # also ask Slack for the message's permalink
    witness: str | None = None  # the audit trail's head, kept in the message's metadata


@dataclass
class Update:
    ts: str
    text: str
    blocks: Blocks | None = None


@dataclass
class Upload:
    content: str | bytes  # text (Markdown), or a file's bytes (a PDF)
    filename: str
    title: str
    comment: str
    thread_ts: str | None = None
    blocks: Blocks | None = None  # the message the file is shared with (instead of `comment`)


Call = Post | Update | Upload


@dataclass
class Ctx:
    """What a renderer gets: a read session (closed before Slack is called), the row, its dispute
    and the directory (names come from Slack, read here rather than inside a write transaction)."""

    session: Session
    row: OutboxMessage
    dispute: Dispute | None
    names: Directory
    params: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        self.params = self.row.params or {}

    @property
    def d(self) -> Dispute:
        assert self.dispute is not None, "a dispute message without its dispute"
        return self.dispute

    def thread(self) -> str:
        if not self.d.thread_ts:
            raise NoThread()
        return self.d.thread_ts

    def load(self, model: type[T], param: str, what: str) -> T:
        """The row the param names; if it is gone, the message is no longer needed."""
        found = self.session.get(model, self.params[param])
        if found is None:
            raise Skip(f"the {what} is gone")
        return found

    def who(self, key: str = "by") -> str:
        team, user = self.params[key]
        return self.names.describe(team, user)


@dataclass(frozen=True)
class Delivered:
    """What Slack answered: the message's ts (a post, an update), a permalink, a file id."""

    ts: str | None = None
    permalink: str | None = None
    file_id: str | None = None


Render = Callable[[Ctx], Call]
After = Callable[[Session, OutboxMessage, Delivered], None]
AfterMany = Callable[[Session, list[tuple[OutboxMessage, Delivered]]], None]


Settle = Callable[[Session, OutboxMessage, str], None]  # (session, row, reason)


@dataclass(frozen=True)
class Kind:
    render: Render
    after: After | None = None  # delivered: keep what Slack answered (a ts) with the domain row
    skipped: Settle | None = None  # no longer needed
    failed: Settle | None = None  # refused for good (the row itself is audited anyway)
    # A round's rows at once: load what they render from (or, with False, what recording them
    # touches) and return it, to be kept alive meanwhile.
    prefetch: Callable[[Session, list[OutboxMessage], bool], list[object]] | None = None
    # Many delivered at once (a tick's round), instead of `after` for each: the same effect in
    # a few statements.
    after_many: AfterMany | None = None
