# Two commands do everything from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.test-tools-stamp

.PHONY: run test lint migrate bench lock clean screenshots docs i18n

# Exact versions, hashes included, from the lock files (`make lock` writes them from pyproject.toml);
# then Parley itself, without looking for dependencies again. `make run` needs the runtime lock
# only; `make test` adds the test tools (pytest, Playwright, MkDocs, hadolint) to the same venv.
$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Parley needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-test.txt
	touch $(TEST_STAMP)

# Re-resolve the locks after a change to pyproject.toml's dependencies (or to take new releases).
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check uv
	.lock-venv/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet \
		--universal -o requirements.txt
	.lock-venv/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 \
		--generate-hashes --quiet --universal -o requirements-test.txt

# Settings and the database first: a mistake there is one line, not a migration's traceback.
migrate: $(STAMP)
	$(PY) -m bot.release

run: migrate
	$(PY) app.py

# The browser tests drive Debian's Chromium (tests/e2e/test_install_pages_in_a_browser.py):
# installed here when it is missing.
CHROMIUM := $(or $(PARLEY_CHROMIUM),/usr/bin/chromium)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	@command -v apt-get >/dev/null || { echo "the browser tests need Chromium at $(CHROMIUM)"; exit 1; }
	$(SUDO) apt-get install -y -q chromium >/dev/null || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q chromium >/dev/null; }

# The certificate tests render every page with poppler's pdftoppm.
PDFTOPPM := $(or $(PARLEY_PDFTOPPM),/usr/bin/pdftoppm)
$(PDFTOPPM):
	@command -v apt-get >/dev/null || { echo "the certificate tests need pdftoppm at $(PDFTOPPM)"; exit 1; }
	$(SUDO) apt-get install -y -q poppler-utils >/dev/null || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q poppler-utils >/dev/null; }

# ruff (lint, and the format check) and mypy, configured in pyproject.toml; CI runs it first.
LINTED := bot models app.py gunicorn.conf.py migrations
lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

test: $(TEST_STAMP) $(CHROMIUM) $(PDFTOPPM)
	$(PY) -m pytest

# Parley's copy into the catalog template, and each language's catalog brought up to it (Babel);
# the catalogs are read as they are at run time, with no compiling (bot/i18n/__init__.py).
POT := bot/i18n/parley.pot
i18n: $(TEST_STAMP)
	$(VENV)/bin/pybabel -q extract --no-location --sort-output --project=Parley --version=0.1 \
		--copyright-holder="Parley's authors" -k _ -k ngettext:1,2 -k N_ -k pgettext:1c,2 \
		--add-comments=Translators: -o $(POT) bot
	for lang in de fr es pt_BR; do \
		po=bot/i18n/locale/$$lang/LC_MESSAGES/parley.po; \
		if [ -f $$po ]; then $(VENV)/bin/pybabel -q update --no-fuzzy-matching --ignore-obsolete \
			-D parley -i $(POT) -d bot/i18n/locale -l $$lang; \
		else $(VENV)/bin/pybabel -q init -D parley -i $(POT) -d bot/i18n/locale -l $$lang; fi; \
	done

# The pictures in the README and docs/screenshots: a thread, the install pages, the PDFs (drawn
# with the tests' Chromium and pdftoppm).
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
$(EMOJI_FONT):  # Slack's emoji in the pictures (only `make screenshots` needs it)
	$(SUDO) apt-get install -y -q fonts-noto-color-emoji >/dev/null || \
		{ $(SUDO) apt-get update -q >/dev/null && $(SUDO) apt-get install -y -q fonts-noto-color-emoji >/dev/null; }

screenshots: $(TEST_STAMP) $(CHROMIUM) $(PDFTOPPM) $(EMOJI_FONT)
	PARLEY_SCREENSHOTS=docs $(PY) -m pytest -q tests/e2e/test_happy_path.py tests/e2e/test_evidence.py tests/e2e/test_settlements.py \
		tests/e2e/test_languages.py \
		tests/e2e/test_install_pages_in_a_browser.py tests/integration/test_certificate.py \
		tests/integration/test_export_record.py

bench: $(TEST_STAMP)
	$(PY) bench/ack_latency.py

clean:
	rm -rf $(VENV) .lock-venv *.egg-info .pytest_cache

# The docs site (mkdocs.yml): built into site/, every link checked.
docs: $(TEST_STAMP)
	$(VENV)/bin/mkdocs build --strict
