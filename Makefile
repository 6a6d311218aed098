# The two commands of the README: `make check` and `make test`. Everything they need is installed
# into the work tree (.venv, node_modules, .tools), so a fresh clone works without a manual step.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup check test lint bench editors-setup

$(BIN)/agent-ls: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev]'
	@touch $@

setup: $(BIN)/agent-ls

check: setup
	$(BIN)/agent-ls check agents/

editors-setup:
	bash editors/vscode/scripts/setup.sh

test: setup editors-setup lint
	$(BIN)/python -m pytest -q -rs

lint: setup
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check --quiet server tests bench
	$(BIN)/mypy
