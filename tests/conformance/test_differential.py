"""agent-ls reads generated frontmatter exactly as the real Claude Code does (`differential.py`).

- `test_agent_ls_matches_claude_code` (fast, offline): for every generated file, agent-ls's
  verdict (loaded or not) and the name, description and tools it says Claude Code lists equal
  what the pinned Claude Code listed (`differential.json`).
- `test_claude_code_matches_differential_goldens` (marked `conformance`): re-records with the
  pinned Claude Code and fails on any change (skipped without npm, failing under CI=true).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import differential  # noqa: E402
import record  # noqa: E402

GOLDENS = json.loads(differential.GOLDENS.read_text("utf-8"))


def test_goldens_cover_the_generator() -> None:
    files = differential.generate()
    assert GOLDENS["seed"] == differential.SEED
    assert sorted(GOLDENS["files"]) == sorted(files), "re-record: differential.py"
    assert GOLDENS["claudeCode"] == record.pinned_version(), "re-record: differential.py"
    loaded = sum(f["loaded"] for f in GOLDENS["files"].values())
    # Both verdicts are well represented, or the comparison proves little.
    assert 0.25 * len(files) < loaded < 0.75 * len(files)


def test_agent_ls_matches_claude_code() -> None:
    found = differential.mismatches(differential.generate(), GOLDENS)
    assert not found, f"{len(found)} generated files read differently:\n" + "\n".join(found[:20])


@pytest.mark.conformance
def test_claude_code_matches_differential_goldens(claude_code: Path) -> None:
    recorded = differential.record_all(claude_code)
    changed = sorted(
        ident
        for ident in set(recorded["files"]) | set(GOLDENS["files"])
        if recorded["files"].get(ident) != GOLDENS["files"].get(ident)
    )
    assert not changed, (
        f"Claude Code {record.pinned_version()} reads {len(changed)} generated files differently "
        f"(re-record with tests/conformance/differential.py if intended): {changed[:20]}"
    )
