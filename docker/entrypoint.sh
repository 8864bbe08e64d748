#!/bin/sh
# The image's entrypoint (Dockerfile, compose.yaml): one of Parley's processes, or any command.
#   web      gunicorn with the web processes (python -m bot.web), on $PORT
#   worker   the scheduler (python -m bot.worker)
#   migrate  check the settings and the database, then migrate (python -m bot.release)
#   app      one process serving HTTP or Socket Mode, scheduler included (python app.py), after
#            the release step (its database may be new: SQLite in /data)
#   anything else runs as it is: `parley verify --audit`, `sh`, ...
# Each is exec'd, so it receives the container's SIGTERM itself and stops gracefully.
set -eu

command="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$command" in
    web) exec python -m bot.web "$@" ;;
    worker) exec python -m bot.worker "$@" ;;
    migrate | release) exec python -m bot.release "$@" ;;
    app) python -m bot.release || exit $?; exec python app.py "$@" ;;
    *) exec "$command" "$@" ;;
esac
