# СНТ portal. `make help` lists the targets.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install system browser run serve worker test lint format bench demo migrate
# Debian libraries WeasyPrint needs for PDFs (Pango, HarfBuzz) and a font with Cyrillic letters.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/base.txt requirements/dev.txt requirements/production.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/dev.txt -r requirements/production.txt
	touch $(STAMP)

install: system $(STAMP) ## Create .venv and install every pinned requirement

system: ## Install the Debian libraries and fonts that PDFs need (WeasyPrint), if missing
	@command -v dpkg >/dev/null 2>&1 || { echo "Не Debian: поставьте Pango и шрифт DejaVu вручную"; exit 0; }; \
	missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "Нужны пакеты: $$missing — sudo apt-get install $$missing"; exit 1; fi

browser: ## Chromium (Debian package, else Playwright's) and axe-core (npm) for the browser tests
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	else $(VENV)/bin/playwright install chromium; fi
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

migrate: install ## Apply migrations
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo data (idempotent)
	$(PY) manage.py load_demo

run: demo ## Install, migrate, load demo data, serve at http://127.0.0.1:8000 with a task worker
	@trap 'kill 0' INT TERM EXIT; \
	$(PY) manage.py qcluster & \
	$(PY) manage.py runserver 127.0.0.1:8000

worker: install ## Run the django-q2 task worker (qcluster)
	$(PY) manage.py qcluster

test: install browser ## Install everything and run every test
	$(VENV)/bin/pytest

lint: install ## ruff check, ruff format --check, makemigrations --check, system check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	$(VENV)/bin/bandit -c pyproject.toml -r cms home billing members demo -q

format: install ## Reformat the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install ## Run the benchmarks in tests/perf (ratios against a baseline of the same run)
	$(VENV)/bin/pytest tests/perf -o python_files='bench_*.py' -s -q

.PHONY: backup
backup: install ## Back up the database and media into backups/snt-backup-DATE-TIME.tar.gz
	$(PY) manage.py backup

.PHONY: prod-check
prod-check: install browser ## Run the production setup on local PostgreSQL + Redis and check headers, CSP, cookies
	$(PY) scripts/prod_check.py
