"""The agents shipped in `agents/` pass `agent-ls check` with nothing to report, hints included."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
AGENTS = REPO / "agents"


def test_shipped_agents_have_nothing_to_report() -> None:
    shipped = sorted(p.relative_to(REPO).as_posix() for p in AGENTS.glob("*.md"))
    assert shipped, "no agents shipped in agents/"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent_ls",
            "check",
            "agents",
            "--format",
            "json",
            "--fail-on",
            "information",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    report = json.loads(done.stdout)
    assert sorted(f["path"] for f in report["files"]) == shipped  # every one checked as an agent
    found = {
        f["path"]: [
            (d["code"], d["range"]["start"]["line"] + 1, d["message"]) for d in f["diagnostics"]
        ]
        for f in report["files"]
        if f["diagnostics"]
    }
    assert found == {}
    assert (done.returncode, done.stderr) == (0, "")
