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

# axe-core is a test-only asset: the browser tests read it from node_modules, so it is not copied
# here and never reaches the production static files (kotopolku/common/tests/test_static_assets.py).
kotopolku/static/vendor/.copied: node_modules/.installed
	mkdir -p kotopolku/static/vendor/hds kotopolku/static/vendor/htmx
	cp node_modules/hds-core/lib/base.min.css kotopolku/static/vendor/hds/base.min.css
	cp node_modules/hds-core/lib/components/all.min.css kotopolku/static/vendor/hds/components.min.css
	cp node_modules/htmx.org/dist/htmx.min.js kotopolku/static/vendor/htmx/htmx.min.js
	touch $@

assets: install kotopolku/static/vendor/.copied compile-messages ## Copy front-end assets and collect static files
	rm -rf kotopolku/static/vendor/axe var/static/vendor/axe  # copies made before axe became test-only
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

run: assets migrate ## Build everything and serve the demo at http://127.0.0.1:$(PORT), with a task worker and the scheduler
	DEBUG=true $(PY) manage.py seed_demo
	@mkdir -p var/log
	@echo ""
	@echo "  Kotopolku demo: http://127.0.0.1:$(PORT)/"
	@echo "  Log in as coordinator, caseworker-jarvenpaa, caseworker-tuusula, caseworker-employment,"
	@echo "  provider, viewer or admin, all with the password kotopolku-demo."
	@echo "  Background worker log: $(CURDIR)/var/log/worker.log (scheduler: var/log/scheduler.log)"
	@echo ""
	DEBUG=true $(VENV)/bin/honcho start -f Procfile --port $(PORT)
system-packages: ## Install the Debian packages the tests need (browser, fonts, gettext)
	bash .ci/install-debian-packages

# Two workers (CI has 2 cores). The test database is migrated once and cloned per worker, and the
# demo region is seeded once per worker (docs/adr/0007-fast-test-suite.md). The 15 slowest tests
# are printed; one that takes over 5 s carries a comment saying why.
PYTEST_WORKERS ?= 2
test: system-packages assets ## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL is set)
	DJANGO_SETTINGS_MODULE=kotopolku.config.settings_test $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup -q -p no:cacheprovider --durations=15

test-fast: $(VENV)/.installed ## Run the suite without the browser tests
	DJANGO_SETTINGS_MODULE=kotopolku.config.settings_test $(PY) -m pytest -n $(PYTEST_WORKERS) -q -p no:cacheprovider -m "not browser" --durations=15

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

# Small sizes that finish in a few minutes on the shared 2-core machine; the reference sizes of
# bench/README.md are the scripts' own defaults (e.g. make bench BENCH_STATISTICS="--clients 100000").
BENCH_STATISTICS ?= --clients 20000 --runs 5
BENCH_COMPENSATION ?= --clients 25000 --eligible 10000 --runs 5
BENCH_IMPORT ?= --records 2000 --runs 3
BENCH_PROGRAMME_DOCUMENT ?= --runs 3
BENCH_WORKLIST ?= --clients 20000
# The dashboard's p95 and the worklist's share of /healthz under 20 users, on gunicorn + SQLite
# (make load-statistics for PostgreSQL at the issue's size).
BENCH_LOAD ?= --clients 10000 --seconds 10 --rounds 2 --pages healthz,dashboard,worklist
bench: install ## Run the benchmarks in bench/ at small sizes; each target with its figure, floor, PASS/FAIL
	@set -o pipefail; log=$$(mktemp); status=0; \
	for name in bench_statistics bench_compensation bench_import bench_programme_document \
			bench_worklist load_statistics; do \
		case $$name in \
			bench_statistics) extra="$(BENCH_STATISTICS)";; \
			bench_compensation) extra="$(BENCH_COMPENSATION)";; \
			bench_import) extra="$(BENCH_IMPORT)";; \
			bench_programme_document) extra="$(BENCH_PROGRAMME_DOCUMENT)";; \
			bench_worklist) extra="$(BENCH_WORKLIST)";; load_statistics) extra="$(BENCH_LOAD)";; \
		esac; \
		echo "== bench/$$name.py $$extra"; \
		if DEBUG=true LOG_LEVEL=WARNING $(PY) bench/$$name.py $$extra 2>&1 | tee -a $$log; \
		then echo "PASS  $$name.py (exit 0)" >> $$log; \
		else echo "FAIL  $$name.py (exit $$?)" >> $$log; status=1; fi; \
	done; \
	echo; echo "== Summary: $$(nproc) cores, load average $$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"; \
	grep -E '^(PASS|FAIL)  ' $$log; rm -f $$log; exit $$status

clean: ## Remove the virtualenv, node_modules and built files (keeps var/db.sqlite3)
	rm -rf $(VENV) node_modules kotopolku/static/vendor var/static

.PHONY: fuzz load load-statistics fault drill
fuzz: install ## schemathesis against the running API as every role (temp SQLite, not in make test)
	ops/fuzz

load: install ## Load test against gunicorn + PostgreSQL (ops/load; LOAD_STEP_SECONDS=60)
	ops/load

# e.g. make load-statistics LOAD_STATISTICS="--clients 100000 --seconds 60"
LOAD_STATISTICS ?=
load-statistics: install ## Statistics pages under 20 closed-loop users on gunicorn + PostgreSQL, /healthz as the floor
	$(PY) bench/load_statistics.py --postgres postgres://postgres@127.0.0.1:5432/postgres $(LOAD_STATISTICS)

fault: install ## Restart PostgreSQL under load; check clean 503s, recovery and no lost writes
	ops/fault

drill: install ## Backup → restore drill of the database in DATABASE_URL (or var/db.sqlite3)
	ops/drill
