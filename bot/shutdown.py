"""Graceful shutdown, for SIGTERM (every deploy) in app.py, gunicorn's web processes and the worker.

By the time a process winds down it takes no new requests (the server has stopped listening, or
the worker had none). What it acked is finished: the listener work queued after each ack runs to
its commit, and the messages those commits owe are delivered; the scheduler's tick in progress
ends (claiming nothing more), and the scheduler stops. All of it within GRACE_SECONDS, under the
25 s gunicorn gives a worker and the 30 s most platforms wait before SIGKILL. Whatever is still
owed then stays in the outbox, unclaimed, for another process or the next start."""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.delivery.deliverer import Deliverer
from bot.executor import ListenerExecutor

log = logging.getLogger("parley.shutdown")

GRACE_SECONDS = 20.0


def wind_down(deliverer: Deliverer, *, executor: ListenerExecutor | None = None,
              scheduler: Any = None, grace: float = GRACE_SECONDS) -> None:
    deadline = time.monotonic() + grace
    log.info("shutting down: finishing the work already acked (at most %.0f s)", grace)
    if executor is not None and not executor.wait_idle(deadline - time.monotonic()):
        log.warning("%d acked request(s) still unfinished after %.0f s; stopping anyway",
                    executor.pending, grace)
    if scheduler is not None and scheduler.running:
        # The tick in progress claims nothing more and hands back its queue; what it has in
        # Slack's hands is recorded first.
        deliverer.stop_by(time.monotonic())
        scheduler.shutdown(wait=True)
    deliverer.stop_by(deadline)
    sent = 0
    try:
        sent = deliverer.deliver_left()  # what requests here left for the tick
    except Exception:
        log.exception("delivering the last messages failed; they stay in the outbox")
    if executor is not None:
        executor.shutdown(wait=False, cancel_futures=True)
    log.info("shut down (%d message(s) delivered while stopping)", sent)
