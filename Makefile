# SaveBucks: `make run` for a demo on this machine, `make test` for the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check
PYTEST_ARGS ?=

# The embedded default: SQLite, Celery eager, local-memory cache, whatever the shell says.
EMBEDDED := env -u DATABASE_URL -u REDIS_URL DJANGO_DEBUG=true

# `make up` runs the production shape locally: PostgreSQL, Redis, gunicorn, worker, beat.
UP_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/savebucks)
UP_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
UP_ENV := DATABASE_URL=$(UP_DATABASE_URL) REDIS_URL=$(UP_REDIS_URL) \
	DJANGO_DEBUG=false \
	DJANGO_SECRET_KEY=$(or $(DJANGO_SECRET_KEY),local-make-up-only-4f9c2b7e1d8a6c3f5e0b9a7d2c4e6f8a1b3c5d7e9f) \
	DJANGO_ALLOWED_HOSTS=$(or $(DJANGO_ALLOWED_HOSTS),127.0.0.1,localhost) \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false DJANGO_SECURE_HSTS_SECONDS=0

.PHONY: run test test-quick lint up bench-smoke clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamp files: reinstall only when a requirements file changed.
$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PIP) install -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PIP) install -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed
	$(EMBEDDED) $(PY) manage.py migrate --noinput
	$(EMBEDDED) $(PY) manage.py seed_demo
	@echo "Serving http://127.0.0.1:8000 (admin: http://127.0.0.1:8000/admin/). Ctrl-C stops."
	$(EMBEDDED) $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV)/.dev-installed
	$(PY) -m pytest $(PYTEST_ARGS)

test-quick: $(VENV)/.dev-installed
	$(PY) -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(EMBEDDED) $(PY) manage.py makemigrations --check --dry-run

up: $(VENV)/.dev-installed
	@$(PY) -c "import sys, psycopg; sys.exit(0)"
	$(UP_ENV) $(PY) -m config.ensure_database
	$(UP_ENV) $(PY) manage.py migrate --noinput
	$(UP_ENV) $(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving http://127.0.0.1:8000 with gunicorn, a Celery worker and beat. Ctrl-C stops."
	$(UP_ENV) $(VENV)/bin/honcho -f Procfile start

# Every benchmark at a tiny scale, so the harness never rots (figures are not judged here;
# see bench/README.md for full-scale runs). Needs PostgreSQL and Redis, as `make up` does.
# Not `make up`'s Redis database: the dashboards benchmark clears its cache.
BENCH_ENV := DATABASE_URL=$(UP_DATABASE_URL) REDIS_URL=$(or $(REDIS_URL),redis://127.0.0.1:6379/11)
BENCH_SMOKE_DB ?= savebucks_bench_smoke

bench-smoke: $(VENV)/.dev-installed
	$(BENCH_ENV) $(PY) -m bench datagen --scale 0.0005 --database $(BENCH_SMOKE_DB)
	$(BENCH_ENV) $(PY) -m bench dashboards --database $(BENCH_SMOKE_DB) --runs 10 --drop
	$(BENCH_ENV) $(PY) -m bench redirect --smoke
	$(BENCH_ENV) $(PY) -m bench postback --smoke
	$(BENCH_ENV) $(PY) -m bench confirm --events 2000 --users 200 --repeat 1
	$(BENCH_ENV) $(PY) -m bench leaderboard --events 5000 --users 500 --repeat 1 --requests 20
	$(BENCH_ENV) $(PY) -m bench notifications --busy 2000 --requests 20
	$(BENCH_ENV) $(PY) -m bench redirects404 --rules 500 --requests 50

clean:
	rm -rf $(VENV) staticfiles artifacts
