# The two commands a newcomer needs: `make run` and `make test`. Both set up everything themselves.
SHELL := /bin/bash
PY := .venv/bin/python
# Management commands need DJANGO_SETTINGS_MODULE (never a silent default): dev unless set.
MANAGE := DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-portal.settings.dev} $(PY) manage.py
SETTINGS_TEST := DJANGO_SETTINGS_MODULE=portal.settings.test
ifdef DATABASE_URL
DB_ENV := DATABASE_URL=$(DATABASE_URL)
endif

.PHONY: run test setup setup-browser data lint format schema schema-check bench bench-roundmap loadtest stop-db clean-db e2e

setup:
	scripts/bootstrap.sh

setup-browser:
	scripts/bootstrap.sh --browser

data: setup
	$(MANAGE) setup_portal

run: data
	@echo "Serving the portal on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(MANAGE) runserver 127.0.0.1:8000

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

schema:
	$(SETTINGS_TEST) $(MANAGE) spectacular --validate --fail-on-warn --file portal/openapi.yaml

schema-check:
	$(SETTINGS_TEST) $(MANAGE) spectacular --validate --fail-on-warn --file $(CURDIR)/.run/openapi.check.yaml
	diff -u portal/openapi.yaml $(CURDIR)/.run/openapi.check.yaml || (echo "portal/openapi.yaml is out of date: run 'make schema' and commit it" && exit 1)

test: setup-browser lint
	$(MANAGE) compilemessages -v0 --ignore=.venv
	$(SETTINGS_TEST) $(MANAGE) check --fail-level WARNING
	$(SETTINGS_TEST) $(MANAGE) makemigrations --check --dry-run
	$(MAKE) --no-print-directory schema-check
	$(PY) -m pytest -p no:cacheprovider

bench: data
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-portal.settings.dev} $(PY) bench/allocation.py
	$(PY) bench/roads.py

bench-roundmap: data
	$(PY) bench/roundmap.py

# Not part of `make test`: gunicorn + locust on this machine (bench/loadtest.py, README).
loadtest: data
	$(PY) bench/loadtest.py

stop-db:
	runuser -u postgres -- /usr/lib/postgresql/$$(ls /usr/lib/postgresql | sort -V | tail -n1)/bin/pg_ctl -D $(CURDIR)/.pgdata stop || true
