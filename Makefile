# Tugi: `make demo` sets everything up and serves the demo; `make test` sets up and runs every check.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: demo test setup lint messages static clean

demo: setup
	$(BIN)/tugi demo --port $(PORT)

test: setup
	scripts/run-tests

setup: $(VENV)/.synced messages static

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet
	touch $@

messages: $(VENV)/.synced
	$(BIN)/python scripts/compile_messages.py

static:
	scripts/vendor-static.sh

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) $(TOOLS) var src/tugi/static/vendor
