# Gongzhi: `make demo` runs the product with demo data; `make test` passes the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: install demo serve test lint messages makemessages test-browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

messages: install
	$(BIN)/gongzhi compiletranslations

makemessages: install
	cd gongzhi && ../$(BIN)/gongzhi makemessages -l zh_Hans -l en --no-obsolete --no-location \
	  --ignore 'static/vendor/*' && ../$(BIN)/gongzhi makemessages -d djangojs -l zh_Hans -l en \
	  --no-obsolete --no-location --ignore 'static/vendor/*'
	$(BIN)/gongzhi fillenglish

demo: messages
	$(BIN)/gongzhi migrate --noinput
	$(BIN)/gongzhi collectstatic --noinput --verbosity 0
	$(BIN)/gongzhi demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend \
	  $(BIN)/gongzhi runserver 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check gongzhi conftest.py $(wildcard bench)
	GONGZHI_TESTING=1 $(BIN)/gongzhi makemigrations --check --dry-run
	GONGZHI_TESTING=1 $(BIN)/gongzhi check --fail-level WARNING
	GONGZHI_TESTING=1 $(BIN)/mypy

# Production-style server on the configured database (no demo data): granian, kept
# connections, compressed immutable static files. See docs/operations.md.
# The task worker is its own process beside the web server (as the gongzhi-worker unit of
# docs/deployment.md), stopped when the server stops.
serve: messages
	$(BIN)/gongzhi migrate --noinput
	$(BIN)/gongzhi collectstatic --noinput --verbosity 0
	$(BIN)/gongzhi db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gongzhi serve --bind 127.0.0.1:$(PORT)

test: messages lint
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-browser: messages
	$(BIN)/pytest -m browser -p no:xdist $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var/static
