# Parley's image: the web process by default; `worker`, `migrate` or any command as arguments
# (docker/entrypoint.sh). compose.yaml runs all three with PostgreSQL. Only the runtime lock is
# installed (no test tools), as an unprivileged user.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=3000

WORKDIR /app

# Dependencies first, exactly as locked (hashes checked), so a code change reuses this layer.
COPY requirements.txt ./
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY pyproject.toml README.md LICENSE alembic.ini gunicorn.conf.py app.py ./
COPY bot ./bot
COPY models ./models
COPY migrations ./migrations
COPY docker/entrypoint.sh /usr/local/bin/parley-entrypoint

# Parley itself (and with it the `parley` command), from /app: migrations/ and alembic.ini are
# found beside the code. Then a user of its own: nothing in the image is Parley's to change.
RUN pip install --no-cache-dir --no-deps -e . \
    && groupadd --system --gid 10001 parley \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent parley \
    && mkdir /data && chown 10001:10001 /data

# Without DATABASE_URL: SQLite in /data (mount a volume there), for one `app` process. With
# several processes (compose.yaml), PostgreSQL.
ENV DATABASE_URL=sqlite:////data/parley.db

USER 10001:10001
EXPOSE 3000

# Ready: the database answers at the migrations' head (and Socket Mode, when used, is connected).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/readyz', timeout=4)"]

ENTRYPOINT ["parley-entrypoint"]
CMD ["web"]
