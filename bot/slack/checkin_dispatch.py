"""The scheduler's follow-up task: claim due check-ins, post them, mark them.

Posting respects Slack's limit of about one message per second per channel: each channel has a
"next allowed" time, and worker threads always take the channel that may post soonest, so a
thousand channels drain in parallel while no channel gets two messages within a second."""

from __future__ import annotations

import heapq
import logging
import os
import secrets
import socket
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.checkins import checkin_message
from bot.db import Database
from bot.services import followups
from bot.services.followups import Due
from models import CheckIn, DisputeStatus

log = logging.getLogger("parley.checkins")

PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "invalid_auth",
             "account_inactive", "token_revoked", "missing_scope"}


@dataclass
class Results:
    posted: dict[int, str] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)


class CheckInDispatcher:
    def __init__(self, db: Database, client: WebClient, *, workers: int = 16,
                 min_gap: float = 1.0, batch: int = followups.BATCH) -> None:
        self.db = db
        self.client = client
        self.workers = workers
        self.min_gap = min_gap
        self.batch = batch
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self._next_allowed: dict[str, float] = {}

    def __call__(self) -> int:
        """One tick: post everything that is due now, in rounds of at most one check-in per
        channel, so a round is never held up by a channel's rate limit. Returns how many were
        posted."""
        posted = 0
        while True:
            with self.db.transaction() as session:
                ids = followups.claim_due(session, self.worker_id, limit=self.batch, per_channel=1)
            if not ids:
                return posted
            with self.db.read() as session:
                due = followups.load(session, ids)
            results = self.post_all(due)
            self._record(results)
            posted += len(results.posted)

    def _record(self, results: Results) -> None:
        with self.db.transaction() as session:
            followups.mark_posted(session, self.worker_id, results.posted)
            for checkin_id, reason in results.skipped.items():
                followups.skip(session, self.worker_id, checkin_id, reason)
        for checkin_id, error in results.failed.items():
            with self.db.transaction() as session:
                if error in PERMANENT:  # no point trying again: fail now, and say so in the log
                    row = session.get(CheckIn, checkin_id)
                    if row is not None:
                        row.attempts = followups.MAX_ATTEMPTS
                followups.release(session, self.worker_id, checkin_id, error)

    def post_all(self, due: list[Due]) -> Results:
        results = Results()
        queues: dict[str, deque[Due]] = defaultdict(deque)
        for item in due:
            queues[item.dispute.channel_id].append(item)
        heap = [(self._next_allowed.get(channel, 0.0), channel) for channel in queues]
        heapq.heapify(heap)
        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not heap:
                        return
                    ready_at, channel = heapq.heappop(heap)
                    item = queues[channel].popleft()
                wait = ready_at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                self._post_one(item, results, lock)
                # Counted from when Slack answered, which is after it received the message, so two
                # messages in one channel always arrive at least `min_gap` apart.
                allowed = time.monotonic() + self.min_gap
                with lock:
                    self._next_allowed[channel] = allowed
                    if queues[channel]:
                        heapq.heappush(heap, (allowed, channel))

        threads = [threading.Thread(target=work, name=f"checkins-{n}", daemon=True)
                   for n in range(min(self.workers, len(queues)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def _post_one(self, due: Due, results: Results, lock: threading.Lock) -> None:
        checkin_id = due.checkin.id
        if due.dispute.status != DisputeStatus.AGREED or not due.items:
            with lock:
                results.skipped[checkin_id] = "the dispute moved on" if due.items else "nothing left to check"
            return
        text, blocks = checkin_message(due.dispute, checkin_id, due.items)
        try:
            ts = self.client.chat_postMessage(channel=due.dispute.channel_id,
                                              thread_ts=due.dispute.thread_ts, text=text,
                                              blocks=blocks)["ts"]
        except SlackApiError as error:
            reason = str(error.response.get("error") or error.response.status_code)
            with lock:
                results.failed[checkin_id] = reason
            return
        except OSError as error:  # timeouts and connection errors after the client's retries
            with lock:
                results.failed[checkin_id] = f"{type(error).__name__}: {error}"
            return
        with lock:
            results.posted[checkin_id] = ts
