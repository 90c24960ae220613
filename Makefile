# The index of what you can do with Kinerja. `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
KINERJA := $(BIN)/kinerja
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: help install run dev demo migrate test test-fast e2e lint format bench load messages schema check-deploy clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(BIN)/kinerja: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(BIN)/kinerja  ## create .venv with the system python3 and install Kinerja with its dev tools

migrate: install  ## apply database migrations (SQLite under var/ unless DATABASE_URL is set)
	$(KINERJA) migrate --no-input

demo: migrate  ## load the demo ministry (idempotent; `make demo ARGS=--reset` starts over)
	$(KINERJA) demo $(ARGS)

run: demo  ## install, migrate, load the demo ministry and serve on http://127.0.0.1:8000
	@echo ""
	@echo "  Kinerja is starting on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	$(KINERJA) runserver $(HOST):$(PORT)

dev: demo  ## like `make run`, with Django's debug pages (DEBUG=1) for a developer
	DEBUG=1 $(KINERJA) runserver $(HOST):$(PORT)

test: install  ## the whole suite (SQLite; PostgreSQL when DATABASE_URL is set), browser tests included, in parallel
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

test-fast: install  ## the suite without browser tests
	$(BIN)/pytest -m "not e2e" -n auto --dist loadfile $(PYTEST_ARGS)

e2e: install  ## only the browser tests (Playwright driving /usr/bin/chromium)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

lint: install  ## ruff, formatting, mypy, import contracts, missing migrations, translation catalogues
	$(BIN)/ruff check .
	$(BIN)/ruff format --check --quiet .
	$(BIN)/mypy src/kinerja/scoring --strict
	$(BIN)/mypy src/kinerja
	$(BIN)/lint-imports
	$(KINERJA) makemigrations --check --dry-run
	$(BIN)/python tests/check_catalogues.py

format: install  ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install  ## benchmarks, each beside a baseline measured in the same run (figures in bench-results/)
	$(BIN)/python tests/bench/run_all.py $(ARGS)

load: install  ## 50 users for 60 s against its own production server on PostgreSQL (LOAD_SCALE, LOAD_SERVER; bench-results/load.json)
	PYTHONPATH=src $(BIN)/python tests/load/run_load.py

messages: install  ## update and compile the Indonesian and English catalogues (needs gettext)
	cd src/kinerja && ../../$(KINERJA) makemessages -l id -l en --no-obsolete --ignore "static/vendor/*"
	$(BIN)/python scripts/fill_source_catalogue.py
	cd src/kinerja && ../../$(KINERJA) compilemessages

schema: install  ## regenerate the committed OpenAPI schema (schema.yml)
	$(KINERJA) spectacular --file src/kinerja/api/schema.yml --validate

check-deploy: install  ## Django's deployment checks with production settings
	DJANGO_SETTINGS_MODULE=kinerja.config.settings.production SECRET_KEY=$$($(BIN)/python -c "import secrets;print(secrets.token_urlsafe(64))") ALLOWED_HOSTS=kinerja.example.go.id $(KINERJA) check --deploy --fail-level WARNING

clean:  ## remove the virtualenv, caches and the local database
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis bench-results
