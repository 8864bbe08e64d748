"""Runs the real Parley WSGI app over HTTP on loopback, in a thread, for end-to-end tests."""

from __future__ import annotations

import threading

from waitress.server import create_server

from bot.application import Parley
from bot.http.app import waitress_options
from tests.support.waiting import eventually


class AppServer:
    def __init__(self, parley: Parley, threads: int = 8) -> None:
        self.parley = parley
        # The same options as app.py (waitress_options), plus a short loop timeout so that
        # stop() returns quickly.
        self._server = create_server(parley.wsgi, host="127.0.0.1", port=0,
                                     **waitress_options(threads), asyncore_loop_timeout=0.05)
        self._closing = False
        self._thread = threading.Thread(target=self._run, daemon=True, name="app-server")

    def _run(self) -> None:
        try:
            self._server.run()
        except (OSError, ValueError):
            if not self._closing:  # closing from another thread can trip the loop's select()
                raise

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.effective_port}"

    def start(self) -> AppServer:
        self._thread.start()
        # waitress counts each request thread it starts as busy until that thread first waits for
        # work: a request sent before then is queued, and waitress warns "Task queue depth is 1"
        # (which tests that want no warning at all would see). Serve once every thread is idle.
        dispatcher = self._server.task_dispatcher

        def idle() -> bool:
            with dispatcher.lock:
                return dispatcher.active_count == 0

        eventually(idle, timeout=10, what="waitress's request threads to be ready")
        return self

    def stop(self) -> None:
        self._closing = True
        self._server.close()
        self._thread.join(timeout=5)
        # close() leaves waitress's worker threads running, each with the Web API connections its
        # acks opened (users.info) and so a handler thread in the fake Slack: over a whole test
        # session they add up to more than select() can watch (file descriptors above 1023).
        self._server.task_dispatcher.shutdown()
