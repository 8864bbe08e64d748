"""The web process (Procfile `web:`, the containers' `web`): gunicorn with gunicorn.conf.py,
after the checks every entry point makes. A mistake in the settings, a database or Slack that
does not answer, a refused token or a taken port is one line and a non-zero exit here (2 or 75:
bot/preflight.py), before gunicorn starts any web process, rather than web processes that fail
and are restarted in a loop.

Arguments go to gunicorn (`python -m bot.web --check-config`)."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from bot import preflight
from bot.config import load_settings_or_exit

CONFIG = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def port_free_or_exit(port: int) -> None:
    """gunicorn would retry a taken port for 5 s, a line each time, then give up."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(("0.0.0.0", port))
        except OSError as error:
            preflight.fail(f"cannot listen on PORT {port}: {error.strerror or error}", preflight.UNAVAILABLE)


def main() -> None:
    # Before gunicorn is imported: it reads WEB_CONCURRENCY when it loads, and would answer a
    # malformed one with a traceback.
    # Nothing here may import prometheus_client: the web processes forked from this one must
    # import it after gunicorn.conf.py has set its multiprocess directory.
    settings = load_settings_or_exit()
    preflight.not_socket_mode_or_exit(settings)
    if "--check-config" not in sys.argv[1:]:
        preflight.database_or_exit(settings)
        preflight.evidence_store_or_exit(settings)
        preflight.slack_or_exit(settings)
        port_free_or_exit(settings.port)
    os.environ["WEB_CONCURRENCY"] = str(settings.web_concurrency)  # as gunicorn reads it itself
    from gunicorn.app.wsgiapp import run

    sys.argv = ["gunicorn", "--config", str(CONFIG), *sys.argv[1:]]
    run()


if __name__ == "__main__":
    main()
