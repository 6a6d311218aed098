#!/usr/bin/env bash
# Builds the agent-ls wheel that the .vsix carries, into dist/server/ (the recipe of `make dist`:
# `pip wheel --no-deps` of the repository root). The extension installs it on request into a
# private environment; its dependencies come from the package index at install time.
# The interpreter is $PYTHON, else the repository's .venv, else python3.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(cd ../.. && pwd)"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PY="$ROOT/.venv/bin/python"; else PY=python3; fi
fi
rm -rf dist/server
mkdir -p dist/server
# setuptools leaves build/ in the repository root (and would reuse stale files from it next time).
had_build=$([ -e "$ROOT/build" ] && echo yes || echo no)
"$PY" -m pip wheel -q --no-deps --disable-pip-version-check -w dist/server "$ROOT"
[ "$had_build" = yes ] || rm -rf "$ROOT/build"
ls dist/server/*.whl
