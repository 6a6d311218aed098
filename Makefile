# The two commands of the README: `make check` and `make test`. Everything they need is installed
# into the work tree (.venv, node_modules, .tools), so a fresh clone works without a manual step.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
comma := ,

.PHONY: setup check test lint bench editors-setup system-packages dist test-oldest

$(BIN)/agent-ls: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,dev]'
	@touch $@

setup: $(BIN)/agent-ls

check: setup
	$(BIN)/agent-ls check agents/

# Debian packages the editor tests need (Chromium for the VS Code e2e; a C++ toolchain and
# libkrb5-dev for code-server's native modules). Installed when missing and apt-get can (root);
# otherwise the missing ones are named with the command that installs them.
SYSTEM_PACKAGES := chromium libkrb5-dev build-essential
system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done | xargs); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  echo "system-packages: installing $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
	  echo "system-packages: missing $$missing (the VS Code e2e test will skip): sudo apt-get install $$missing"; \
	fi

editors-setup: system-packages
	bash editors/vscode/scripts/setup.sh

test: setup editors-setup lint test-oldest
	$(BIN)/python -m pytest -q -rs

# The oldest Python the package declares (requires-python): the engine, CLI and server tests run
# on it too. Locally a missing interpreter skips with a message; under CI=true it fails.
OLDEST := 3.10
test-oldest:
	@py=$$(for c in python$(OLDEST) $$HOME/.pyenv/versions/$(OLDEST).*/bin/python3; do \
	    $$c -c 'import sys; assert sys.version_info[:2] == ($(subst .,$(comma),$(OLDEST)))' 2>/dev/null && { echo $$c; break; }; done); \
	if [ -z "$$py" ]; then \
	  echo "test-oldest: SKIPPED, no Python $(OLDEST) found (install one, then: make test-oldest)"; \
	  [ "$${CI:-}" != "true" ] || exit 1; exit 0; fi; \
	[ -x .venv-$(OLDEST)/bin/python ] || $$py -m venv .venv-$(OLDEST); \
	.venv-$(OLDEST)/bin/pip install -q --disable-pip-version-check -e '.[test]' && \
	.venv-$(OLDEST)/bin/python -m pytest -q -p no:cacheprovider tests/engine tests/cli tests/lsp

# A wheel of the CLI and server in dist/ (for `pipx install` / `uv tool install`).
dist: setup
	rm -rf dist build && $(BIN)/pip wheel -q --no-deps -w dist . && rm -rf build
	@ls dist/*.whl

lint: setup
	$(BIN)/ruff check server tests bench
	$(BIN)/ruff format --check --quiet server tests bench
	$(BIN)/mypy
