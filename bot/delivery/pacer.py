"""Slack takes about one message per second per channel, with short bursts allowed. The pacer
keeps Parley inside that: a small burst, then one per `interval`, per channel (the generic cell
rate algorithm: each channel has a "theoretical arrival time"). Posts wait their turn here instead
of earning a 429; a 429 that comes anyway holds the channel for its Retry-After."""

from __future__ import annotations

import threading
import time


class ChannelPacer:
    def __init__(self, interval: float = 1.0, burst: int = 3) -> None:
        self.interval = interval
        self.burst = burst
        self.tolerance = interval * max(0, burst - 1)
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()

    def ready_at(self, channel: str) -> float:
        """The monotonic time at which `channel` may take its next message."""
        with self._lock:
            return max(time.monotonic(), self._tat.get(channel, 0.0) - self.tolerance)

    def take(self, channel: str) -> float:
        """Reserve the channel's next slot; returns how long to wait before posting."""
        with self._lock:
            now = time.monotonic()
            tat = max(self._tat.get(channel, 0.0), now)
            wait = max(0.0, tat - self.tolerance - now)
            self._tat[channel] = tat + self.interval
            if len(self._tat) > 10_000:
                self._forget_idle(now)
            return wait

    def hold(self, channel: str, seconds: float) -> None:
        """Slack said "not before `seconds`" (a 429): nothing more in this channel until then."""
        with self._lock:
            until = time.monotonic() + seconds + self.tolerance
            self._tat[channel] = max(self._tat.get(channel, 0.0), until)

    def wait_turn(self, channel: str) -> None:
        wait = self.take(channel)
        if wait > 0:
            time.sleep(wait)

    def _forget_idle(self, now: float) -> None:
        for channel in [c for c, tat in self._tat.items() if tat < now]:
            del self._tat[channel]
