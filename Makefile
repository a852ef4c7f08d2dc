# Kotopolku. `make run` starts the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# pip may print notes about local mirror folders that do not exist; they are harmless.
PIP := $(PY) -m pip --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help system-packages run test test-fast lint format messages compile-messages migrate assets install check-deploy bench clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed ## Create .venv and install Python and npm packages

kotopolku/static/vendor/.copied: node_modules/.installed
	mkdir -p kotopolku/static/vendor/hds kotopolku/static/vendor/htmx kotopolku/static/vendor/axe
	cp node_modules/hds-core/lib/base.min.css kotopolku/static/vendor/hds/base.min.css
	cp node_modules/hds-core/lib/components/all.min.css kotopolku/static/vendor/hds/components.min.css
	cp node_modules/htmx.org/dist/htmx.min.js kotopolku/static/vendor/htmx/htmx.min.js
	cp node_modules/axe-core/axe.min.js kotopolku/static/vendor/axe/axe.min.js
	touch $@

assets: install kotopolku/static/vendor/.copied compile-messages ## Copy front-end assets and collect static files
	DEBUG=true $(PY) manage.py collectstatic --noinput -v 0

compile-messages: $(VENV)/.installed ## Compile .po files to .mo (pure Python, no gettext needed)
	$(PY) -m kotopolku.common.i18n_compile

messages: install ## Extract UI strings into the fi, sv and en .po files (needs gettext)
	DEBUG=true $(PY) manage.py makemessages -l fi -l sv -l en --no-location --no-obsolete \
		--ignore='.venv/*' --ignore='node_modules/*' --ignore='var/*'
	$(MAKE) compile-messages

migrate: install ## Apply database migrations
	mkdir -p var
	DEBUG=true $(PY) manage.py migrate --noinput -v 0

run: assets migrate ## Build everything and serve the demo at http://127.0.0.1:$(PORT)
	DEBUG=true $(PY) manage.py seed_demo
	@echo ""
	@echo "  Kotopolku demo: http://127.0.0.1:$(PORT)/"
	@echo "  Log in as coordinator, caseworker-jarvenpaa, caseworker-tuusula, caseworker-employment,"
	@echo "  provider, viewer or admin, all with the password kotopolku-demo."
	@echo ""
	DEBUG=true $(VENV)/bin/gunicorn kotopolku.config.wsgi --bind 127.0.0.1:$(PORT) \
		--workers 2 --access-logfile - --log-level warning

system-packages: ## Install the Debian packages the tests need (browser, fonts, gettext)
	bash .ci/install-debian-packages

test: system-packages assets ## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	DJANGO_SETTINGS_MODULE=kotopolku.config.settings_test $(PY) -m pytest -n 2 --dist loadgroup -q -p no:cacheprovider

test-fast: $(VENV)/.installed ## Run the suite without the browser tests
	DJANGO_SETTINGS_MODULE=kotopolku.config.settings_test $(PY) -m pytest -n 2 -q -m "not browser"

lint: install ## ruff and mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy kotopolku/access kotopolku/rules $(filter-out kotopolku/rules/% kotopolku/access/%,$(wildcard kotopolku/*/services.py kotopolku/*/selectors.py))

format: install ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check-deploy: install ## Django's deployment checks with production settings
	DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
		ALLOWED_HOSTS=kotopolku.example.fi $(PY) manage.py check --deploy --fail-level WARNING

bench: install ## Run the benchmarks in bench/ (not part of the test suite)
	@ls bench/*.py >/dev/null 2>&1 && for f in bench/bench_*.py; do DEBUG=true $(PY) $$f; done || echo "no benchmarks yet"

clean: ## Remove the virtualenv, node_modules and built files (keeps var/db.sqlite3)
	rm -rf $(VENV) node_modules kotopolku/static/vendor var/static

.PHONY: fuzz load fault drill
fuzz: install ## schemathesis against the running API as every role (temp SQLite, not in make test)
	ops/fuzz

load: install ## Load test against gunicorn + PostgreSQL (ops/load; LOAD_STEP_SECONDS=60)
	ops/load

fault: install ## Restart PostgreSQL under load; check clean 503s, recovery and no lost writes
	ops/fault

drill: install ## Backup → restore drill of the database in DATABASE_URL (or var/db.sqlite3)
	ops/drill
