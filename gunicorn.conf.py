"""gunicorn's settings for Parley's web process (Procfile `web:`), read from the environment.

Slack wants every request answered within 3 seconds; Parley acks from the request's own thread
and does the work afterwards on its own executor, so a request holds a gunicorn thread for
milliseconds. Threads are for waiting on the network, processes for the cores."""

import os
import shutil
import tempfile
from pathlib import Path

from bot.config import load_settings_or_exit
from bot.preflight import not_socket_mode_or_exit

# The same settings, checked the same way, as every other entry point: a mistake is one line and
# exit status 2 here, in gunicorn's master, before any web process starts (no restart loop).
# `python -m bot.web` checks them (and the database and Slack) before gunicorn is even imported:
# gunicorn reads WEB_CONCURRENCY itself when it starts, and a malformed one would be its traceback.
_settings = load_settings_or_exit()
not_socket_mode_or_exit(_settings)

wsgi_app = "bot.application:wsgi_from_env()"
bind = f"0.0.0.0:{_settings.port}"
worker_class = "gthread"
workers = _settings.web_concurrency  # one per core (Heroku sets WEB_CONCURRENCY from the dyno size)
threads = _settings.web_threads
# A worker silent this long is restarted; a request itself is answered in milliseconds.
timeout = 30
# Slow clients: a gthread thread reads its request from the first byte to the last and nothing
# bounds that read (`timeout` is the process's heartbeat, not a request's), so a connection that
# sends half a request holds a thread until it closes: WEB_CONCURRENCY × WEB_THREADS of them (32
# by default) and Parley answers no one. No setting here changes that; gunicorn must sit behind a
# proxy that buffers whole requests (docs/performance.md, "What to put in front").
graceful_timeout = 25  # on SIGTERM, requests in flight get this long to finish
keepalive = 5
# gunicorn 27's control socket ($HOME/.gunicorn/gunicorn.ctl) is not used: Parley is stopped and
# sized by signals and settings, and a container's user has no home to put it in.
control_socket_disable = True
# Restart each process after about this many requests (jittered, so they do not all restart at
# once): a guard against slow leaks; requests in flight finish first.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
# Client, request line, status, bytes, milliseconds, and the web process's <pid>; never a body or a
# query string's contents.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %(p)s'


def worker_exit(server, worker):
    """In a web process, after its last request (SIGTERM, or max_requests): finish the work it
    acked and deliver what that work owes, then stop its scheduler (bot/shutdown.py)."""
    on_exit = getattr(getattr(worker, "wsgi", None), "on_exit", None)
    if on_exit is not None:
        on_exit()


# Metrics (GET /metrics, bot/metrics.py): prometheus_client's multiprocess mode. Each web process
# writes its measurements to files in a directory of this gunicorn's own (named after the master's
# pid, so a reload with SIGHUP finds the same one) and any of them answers a scrape for all. Set
# before the web processes start: they import prometheus_client after the fork.
METRICS_DIR = Path(tempfile.gettempdir()) / f"parley-metrics-{os.getpid()}"
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(METRICS_DIR)
METRICS_DIR.mkdir(parents=True, exist_ok=True)  # on_starting empties it; --check-config needs it


def on_starting(server):
    from bot import version

    server.log.info("Parley %s starting: %d web processes of %d threads", version(), workers, threads)
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    METRICS_DIR.mkdir(parents=True)


def child_exit(server, worker):
    """A web process that ended (SIGTERM, max_requests, a crash): its gauges stop counting. Its
    counters and histograms stay (their totals must not go down), a few small files each."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
