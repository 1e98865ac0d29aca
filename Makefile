# Candor — everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Address of the web server of `make run`; the demo users' password is public, so
# only this machine can reach it unless you say otherwise (HOST=0.0.0.0).
HOST ?= 127.0.0.1
# Links printed by the demo and put in e-mails point at the port the app runs on.
SITE_URL ?= http://localhost:$(PORT)
export SITE_URL
STAMP := $(VENV)/.installed

.PHONY: run test bench lint format migrate demo messages check-deploy clean help

help:
	@echo "make run    - set up, load demo data and start web + worker + beat on $(HOST):$(PORT)"
	@echo "make test   - set up and run the whole test suite"
	@echo "make bench  - run the benchmarks (needs PostgreSQL; see docs/benchmarks.md)"
	@echo "make lint   - ruff check, format check and the layers contract (lint-imports)"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# exec: bin/run is then make's own child, so it learns when make is killed and
# stops web, worker and beat instead of leaving them running.
run: demo
	exec env PORT=$(PORT) HOST=$(HOST) $(PY) bin/run

test: $(STAMP)
	@bin/ensure-system-packages
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(PY) -m bench

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=static \
	  --ignore=staticfiles --ignore=var --ignore=tests --ignore=bench --ignore=node_modules \
	  --ignore=test-artifacts '--ignore=*.egg-info'
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: $(STAMP)
	DEBUG=false SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(64))") \
	  ALLOWED_HOSTS=candor.example.com $(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var/*.sqlite3* var/broker var/celerybeat-schedule* staticfiles
