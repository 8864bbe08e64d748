"""Graceful shutdown, for SIGTERM (every deploy) in app.py, gunicorn's web processes and the worker.

By the time a process winds down it takes no new requests (the server has closed its listening
socket, or the worker had none). Then, against one deadline (GRACE_SECONDS after the signal):
1. the scheduler stops: its tick in progress claims nothing more and hands back what it has
   queued, unclaimed; rows already in Slack's hands are recorded;
2. the listener work already acked runs to its commit (and delivers what it saved);
3. what that work left for the tick (a busy channel, a slow Slack) is delivered.
GRACE_SECONDS stays under the 25 s gunicorn gives a worker and the 30 s most platforms wait
before SIGKILL. Whatever is still owed at the deadline stays in the outbox for another process or
the next start; a Slack call still running then is abandoned with the process (`finish`), and its
row, still claimed, is taken again once the claim expires, looked up first so it is not posted
twice."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from bot.delivery.deliverer import Deliverer
from bot.executor import ListenerExecutor
from bot.jobs.clock import TICK_JOB_ID, Tick

log = logging.getLogger("parley.shutdown")

GRACE_SECONDS = 20.0


def wind_down(
    deliverer: Deliverer,
    *,
    executor: ListenerExecutor | None = None,
    scheduler: Any = None,
    deadline: float | None = None,
) -> bool:
    """Finish what was acked, by `deadline` (monotonic; default GRACE_SECONDS from now). True when
    everything finished; False when something was still running at the deadline."""
    deadline = time.monotonic() + GRACE_SECONDS if deadline is None else deadline

    def left() -> float:
        return max(deadline - time.monotonic(), 0.0)

    log.info("shutting down: finishing the work already acked (at most %.0f s)", left())
    finished = True
    if scheduler is not None and scheduler.running:
        job = scheduler.get_job(TICK_JOB_ID)
        tick = job.func if job is not None and isinstance(job.func, Tick) else None
        deliverer.stop_by(time.monotonic())  # the tick in progress hands back its queue
        scheduler.shutdown(wait=False)
    else:
        tick = None
    if executor is not None and not executor.wait_idle(left()):
        log.warning("%d acked request(s) still unfinished at the deadline", executor.pending)
        finished = False
    if tick is not None and not tick.wait_idle(left()):
        log.warning("the scheduler's tick was still running at the deadline")
        finished = False
    deliverer.stop_by(deadline)
    sent: list[int] = []

    def deliver_left() -> None:
        try:
            sent.append(deliverer.deliver_left())
        except Exception:
            log.exception("delivering the last messages failed; they stay in the outbox")

    last = threading.Thread(target=deliver_left, name="parley-shutdown", daemon=True)
    last.start()
    last.join(left() + 0.5)  # it stops claiming at the deadline; a call in flight may run over
    if last.is_alive():
        log.warning("a Slack call was still running at the deadline")
        finished = False
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)
    log.info("shut down (%d message(s) delivered while stopping)", sum(sent))
    return finished


def finish(finished: bool) -> None:
    """Exit now if something is still running after wind_down (the interpreter would otherwise
    wait for its thread, past the platform's patience), after the log is written."""
    if finished:
        return
    logging.shutdown()
    os._exit(0)
