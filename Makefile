# Firebreak — the README's commands. `make run` sets up and runs the site with demo
# content (web server and django-q2 worker together); `make test` runs the whole suite.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# make test runs the suite in this many processes (pytest-xdist); auto = one per core.
# --dist load hands each process its tests in collection order, which keeps pytest-django's
# order (tests in a rolled-back transaction before those that empty the tables).
TEST_PROCESSES ?= auto
STAMP := $(VENV)/.installed

# The first Python >= 3.12 found: on PATH, then pyenv's versions, then /usr/local.
PYTHON_CANDIDATES := python3.14 python3.13 python3.12 \
	$(sort $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3)) \
	$(sort $(wildcard /usr/local/bin/python3.1[2-9]))
BASE_PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES) python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { command -v $$p; break; }; done)

.PHONY: run test lint format messages check-python install lock browser-deps bench lighthouse clean

check-python:
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "Firebreak needs Python 3.12 or newer, and none was found."; \
		echo "Install one, e.g. 'apt-get install python3.12 python3.12-venv' or 'pyenv install 3.12',"; \
		echo "or name it: make run BASE_PYTHON=/path/to/python3.12"; exit 1; fi

$(PY): | check-python
	@echo "Creating $(VENV) with $(BASE_PYTHON)"
	$(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# pyproject.toml declares what the code needs; requirements.lock pins the exact versions
# every install gets, so two clones a month apart run the same code. `make lock` refreshes it.
$(STAMP): pyproject.toml requirements.lock | $(PY)
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

lock: | $(PY)
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --upgrade --extra test --strip-extras --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml

messages: install
	@command -v msgfmt >/dev/null || { echo "Installing gettext (msgfmt)"; apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

run: export SITE_URL ?= http://$(HOST):$(PORT)
run: messages
	@mkdir -p var
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py collectstatic --no-input -v0
	$(PY) manage.py demo
	@echo ""
	@echo "  Site:   http://$(HOST):$(PORT)/        (English: http://$(HOST):$(PORT)/en/)"
	@echo "  Admin:  http://$(HOST):$(PORT)/admin/"
	@echo "  Health: http://$(HOST):$(PORT)/health/"
	@echo "  Web server (gunicorn, no autoreload: restart after editing Python) and"
	@echo "  django-q2 worker run together; Ctrl-C stops both."
	@echo ""
	@# gunicorn, not runserver: a burst of clients waits in its listen backlog instead of
	@# being reset. One process (SQLite queues its writers inside it, config/faults.py).
	@# On Ctrl-C (or either process ending) stop the other and wait for both to finish.
	@trap 'trap - INT TERM EXIT; kill $$(jobs -p) 2>/dev/null; wait' INT TERM EXIT; \
		$(PY) manage.py qcluster & \
		DJANGO_SETTINGS_MODULE=config.settings.dev GUNICORN_BIND=$(HOST):$(PORT) \
		WEB_CONCURRENCY=1 GUNICORN_THREADS=$${GUNICORN_THREADS:-16} GUNICORN_GRACEFUL_TIMEOUT=5 \
		$(VENV)/bin/gunicorn -c config/gunicorn.py config.wsgi & \
		wait -n

# Browser tests run when Chromium is installed; CI installs it and insists on them.
test: messages
	@mkdir -p var
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "NOTE: /usr/bin/chromium is missing: browser tests will be SKIPPED."; \
		echo "      Install with: apt-get install chromium fonts-wqy-microhei"; fi
	$(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist load $(PYTEST_ARGS)

browser-deps:
	@command -v chromium >/dev/null && fc-list | grep -qi wqy || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

BENCHMARKS ?= pages booking gallery reach memory lighthouse
bench: messages
	@for name in $(BENCHMARKS); do echo "== benchmarks/$$name.py"; $(PY) benchmarks/$$name.py || exit 1; done

lighthouse: messages
	$(PY) benchmarks/lighthouse.py --json var/bench/lighthouse.json

clean:
	rm -rf var/static var/cache var/test-media
