# 督导通 — the two commands: `make run` and `make test`. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench backup restore messages check clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-postgres.txt requirements-ldap.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

$(VENV)/.installed-postgres: requirements-postgres.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-postgres.txt
	touch $@

# The PostgreSQL driver only when DATABASE_URL asks for it: the embedded default needs no libpq.
RUN_DEPS := $(VENV)/.installed $(if $(filter postgres%,$(DATABASE_URL)),$(VENV)/.installed-postgres)

## run: install, migrate, load demo data when empty, start web + Celery worker with beat (Ctrl-C stops all)
run: $(RUN_DEPS)
	bin/run

## test: the whole suite. pytest's exit code 5 (no test collected) passes only for a selection
## given in PYTEST_ARGS that matched nothing; the whole suite collecting nothing is a failure.
## PYTEST_WORKERS: processes running the suite (pytest-xdist, each with its own test database; a file's tests
## stay together in one process); 0 runs it in this process.
PYTEST_WORKERS ?= 2
test: $(VENV)/.installed-dev
	$(BIN)/bandit -q -r units audit accounts campaign supervision feedback dashboards api reports web config -x '*/migrations/*,*/tests/*' -ll
	@$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then \
	  echo "pytest collected no tests (exit 5)"; \
	  if [ -n "$(PYTEST_ARGS)" ]; then exit 0; else exit 1; fi; \
	fi; exit $$rc

## backup / restore: database (pg_dump or an SQLite copy) and uploaded files; DEST / SRC optional / required
backup: $(VENV)/.installed
	bin/backup $(DEST)

restore: $(VENV)/.installed
	bin/restore $(SRC)

## bench: dashboards, sweeps and the escalation PDF at province scale (DATABASE_URL: a scratch PostgreSQL database)
$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed $(VENV)/.installed-postgres
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## messages: refresh and compile the translation catalogues (commit the .po and .mo files)
messages: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=var --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

## check: Django's system checks and missing migrations
check: $(VENV)/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean-venv:
	rm -rf $(VENV)
