#!/usr/bin/env bash
# Installs the peers that bench/run.py measures agent-ls against, into bench/.tools/ (gitignored).
# Idempotent: re-running it only installs what is missing. Pinned so runs stay comparable.
#   bench/.tools/venv  agnix, claudelint (PyPI), apart from .venv
#   bench/.tools/profilers  pyinstrument alone, to put on PYTHONPATH of .venv's interpreter:
#     PYTHONPATH=bench/.tools/profilers .venv/bin/python -m pyinstrument -m agent_ls check DIR
#   bench/.tools/node  @carlrannaberg/cclint and yaml-language-server (npm)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="$here/.tools"
python="${PYTHON:-python3}"

AGNIX_VERSION="0.59.3"
CLAUDELINT_VERSION="0.3.6"
PYINSTRUMENT_VERSION="5.1.3"
CCLINT_VERSION="0.2.10"
YAMLLS_VERSION="2.0.0"

mkdir -p "$tools"

# GNU time measures each linter's peak memory (bench/run.py).
if [ ! -x /usr/bin/time ]; then
  apt-get install -y -q time >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; }
fi

if [ ! -x "$tools/venv/bin/python" ]; then
  "$python" -m venv "$tools/venv"
  "$tools/venv/bin/pip" install -q --upgrade pip
fi
if ! "$tools/venv/bin/pip" show -q agnix claudelint >/dev/null 2>&1; then
  "$tools/venv/bin/pip" install -q "agnix==$AGNIX_VERSION" "claudelint==$CLAUDELINT_VERSION"
fi
if [ ! -d "$tools/profilers/pyinstrument" ]; then
  "$tools/venv/bin/pip" install -q --target "$tools/profilers" "pyinstrument==$PYINSTRUMENT_VERSION"
fi

mkdir -p "$tools/node"
if [ ! -x "$tools/node/node_modules/.bin/yaml-language-server" ] \
  || [ ! -x "$tools/node/node_modules/.bin/cclint" ]; then
  [ -f "$tools/node/package.json" ] || echo '{"name": "agent-ls-bench-peers", "private": true}' \
    >"$tools/node/package.json"
  npm install --silent --no-audit --no-fund --prefix "$tools/node" \
    "@carlrannaberg/cclint@$CCLINT_VERSION" "yaml-language-server@$YAMLLS_VERSION"
fi

echo "peers ready in $tools:"
"$tools/venv/bin/agnix" --version || true
"$tools/venv/bin/pip" show claudelint 2>/dev/null | grep -i '^version' | sed 's/^/claudelint /' || true
"$tools/node/node_modules/.bin/cclint" --version 2>/dev/null | sed 's/^/cclint /' || true
echo "yaml-language-server $YAMLLS_VERSION"
