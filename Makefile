# The two commands: `make run` and `make test`. Both install into .venv first.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make run`: seconds the worker and the site get to stop before they are killed.
STOP_SECONDS ?= 8
SETSID := $(shell command -v setsid 2>/dev/null)
export DJANGO_SETTINGS_MODULE ?= lms.settings.dev

.PHONY: run test test-pg test-e2e cluster-smoke install install-dev migrate demo worker lint format check clean messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput

## Compile our Indonesian catalogue (locale/id) after editing its .po; commit the .mo too
## (needs GNU gettext's msgfmt; tests/core/test_messages_catalogue.py compares the two).
messages:
	$(PY) manage.py compilemessages -l id --ignore=.venv --ignore=var --ignore=node_modules

demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py certificate_signing_key

## Serve the site on http://127.0.0.1:8000 with a Celery worker (and beat) beside it.
run: demo
	@# The default cache (a folder) may hold entries of an earlier database under the same ids.
	@rm -rf var/cache
	@echo "Starting the Celery worker and the site on http://$(HOST):$(PORT)/ (Ctrl+C stops both)"
	@# Each runs in a process group of its own (setsid, where there is one), so that stopping
	@# reaches the worker's pool and beat processes and runserver's reloaded child. Ctrl+C or
	@# SIGTERM: TERM to the site's group and the worker (which stops its pool), then KILL to both
	@# groups after $(STOP_SECONDS) s (a worker can stay in billiard's pool teardown after TERM).
	@$(SETSID) $(BIN)/celery -A lms worker -B -Q default,pdf --concurrency 2 --loglevel INFO \
		--schedule var/celerybeat-schedule & worker=$$!; \
	$(SETSID) $(PY) manage.py runserver $(HOST):$(PORT) & site=$$!; \
	stop() { \
		trap - EXIT INT TERM; \
		kill -TERM $$site -$$site $$worker 2>/dev/null; \
		end=$$(( $$(date +%s) + $(STOP_SECONDS) )); \
		while [ $$(date +%s) -lt $$end ]; do \
			kill -0 -$$worker 2>/dev/null || kill -0 $$worker 2>/dev/null || \
			kill -0 -$$site 2>/dev/null || kill -0 $$site 2>/dev/null || break; \
			sleep 0.5; \
		done; \
		kill -KILL $$site -$$site $$worker -$$worker 2>/dev/null; \
		wait 2>/dev/null; \
	}; \
	trap 'stop; exit 130' INT; trap 'stop; exit 143' TERM; trap stop EXIT; \
	wait $$site

worker: install
	$(BIN)/celery -A lms worker -B -Q default,pdf --loglevel INFO --schedule var/celerybeat-schedule

## Run the whole test suite (SQLite and the filesystem broker unless DATABASE_URL and
## CELERY_BROKER_URL say otherwise).
test: install-dev
	DJANGO_SETTINGS_MODULE=lms.settings.test $(BIN)/pytest $(PYTEST_ARGS)

## The whole suite on the local PostgreSQL and Redis (PG_URL, REDIS_URL), where the lock and
## race tests run: pytest-django creates its own test database and drops it afterwards; the
## suite's two Redis databases (REDIS_DBS) are emptied after the run. Its demo signing key is
## its own too (var/test-signing-pg), so that it can run beside `make test` (CI does).
PG_URL ?= postgres://postgres@127.0.0.1:5432
REDIS_URL ?= redis://127.0.0.1:6379
REDIS_DBS ?= 12 13
test-pg: install-dev
	@db=lms_test_pg_$$$$; cache=$(REDIS_URL)/$(word 1,$(REDIS_DBS)); broker=$(REDIS_URL)/$(word 2,$(REDIS_DBS)); \
	DJANGO_SETTINGS_MODULE=lms.settings.test DATABASE_URL=$(PG_URL)/$$db \
		CELERY_BROKER_URL=$$broker DJANGO_CACHE_URL=$$cache \
		LMS_CERT_SIGNING_P12=$${LMS_CERT_SIGNING_P12:-$(CURDIR)/var/test-signing-pg/demo-signing.p12} \
		$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS); status=$$?; \
	$(PY) -c 'import redis, sys; [redis.Redis.from_url(u).flushdb() for u in sys.argv[1:]]' $$cache $$broker; \
	exit $$status

## Browser journeys, keyboard and axe-core checks in Debian's Chromium against gunicorn and a
## real Celery worker (needs `apt-get install chromium poppler-utils`; axe-core comes from npm).
## Screenshots go to var/e2e-screenshots/.
test-e2e: install-dev
	@[ -f var/e2e/node_modules/axe-core/axe.min.js ] || npm install --prefix var/e2e --no-save --no-audit --no-fund --no-package-lock axe-core@4.14.1
	rm -rf var/e2e-cache
	LMS_E2E=1 DJANGO_SETTINGS_MODULE=lms.settings.test \
		DJANGO_CACHE_URL=$${DJANGO_CACHE_URL:-filecache://$(CURDIR)/var/e2e-cache} \
		$(BIN)/pytest tests/e2e -p no:cacheprovider $(PYTEST_ARGS)

## Two web nodes and two workers sharing PostgreSQL, Redis and media (set DATABASE_URL and
## CELERY_BROKER_URL).
cluster-smoke: install-dev
	$(PY) -m bench.cluster_smoke

## ruff, and the import contract in pyproject.toml (apps depend one way, no cycles).
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install-dev
	$(PY) manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
