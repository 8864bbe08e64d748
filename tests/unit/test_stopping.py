"""Stopping on time: a tick's lanes hand back what they have not sent, and winding down keeps
its deadline whatever is still running."""

from __future__ import annotations

import threading
import time
from collections import deque
from datetime import UTC, datetime

from bot.delivery.lanes import Lanes
from bot.delivery.render import Prepared
from bot.delivery.sender import Outcome
from bot.executor import ListenerExecutor
from bot.shutdown import wind_down


def row(row_id: int) -> Prepared:
    return Prepared(row_id, "C1", None, None, 0, False, datetime.now(UTC))


def test_abandoned_lanes_hand_back_the_rest_of_a_run_in_flight():
    """A run whose rows Slack does not pace (updates, say): once abandoned while its first row is
    in Slack's hands, the rest goes back untried instead of being sent after the deadline."""
    taken, release = threading.Event(), threading.Event()
    sent: list[int] = []

    def deliver(item: Prepared) -> Outcome:
        taken.set()
        release.wait(5)
        sent.append(item.row_id)
        return Outcome("sent")

    lanes = Lanes(lambda item: 0.0, deliver, threads=2, patience=10.0)
    lanes.add([deque(row(n) for n in range(1, 6)), deque([row(9)])])
    assert taken.wait(5)
    lanes.abandon()
    release.set()
    lanes.close()
    finished, untried = lanes.collect()
    assert sorted(sent) == sorted(item.row_id for item, _ in finished)
    assert sorted(sent + untried) == [1, 2, 3, 4, 5, 9]  # each row sent or handed back, once
    assert set(untried) >= {2, 3, 4, 5}
    assert lanes.outstanding() == 0


class Deliverer:
    """What wind_down asks of the delivery, with a Slack call that hangs."""

    def __init__(self, hang: float) -> None:
        self.hang = hang
        self.stops: list[float] = []

    def stop_by(self, deadline: float) -> None:
        self.stops.append(deadline)

    def deliver_left(self) -> int:
        time.sleep(self.hang)
        return 1


def test_winding_down_keeps_its_deadline_and_says_what_it_left_running():
    executor = ListenerExecutor(max_workers=2)
    executor.submit(time.sleep, 3.0)  # acked work stuck in a slow call
    started = time.monotonic()
    finished = wind_down(Deliverer(hang=3.0), executor=executor, deadline=started + 0.5)
    assert time.monotonic() - started < 1.5
    assert finished is False


def test_winding_down_an_idle_process_finishes_at_once():
    executor = ListenerExecutor(max_workers=2)
    executor.submit(time.sleep, 0.1)
    deliverer = Deliverer(hang=0.0)
    started = time.monotonic()
    assert wind_down(deliverer, executor=executor, deadline=started + 10) is True
    assert time.monotonic() - started < 2
    assert deliverer.stops == [started + 10]  # deliver_left stops claiming at the deadline
