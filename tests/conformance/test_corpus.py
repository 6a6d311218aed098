"""agent-ls scored on the real-world corpus (`corpus.py`): agent files from pinned npm packages.

- `test_agent_ls_meets_the_goals_on_the_corpus`: every file Claude Code does not load, or whose
  agent cannot run, has an Error; no Error where it loads and runs; at most 0.5 % of the files it
  reads as written get a Warning; each package's figures are printed (`-rs` shows them).
- `test_claude_code_matches_corpus_goldens` (marked `conformance`): re-records with the pinned
  Claude Code and fails on any change.
Both need the tarballs (`npm pack`, cached in `.corpus/`): skipped without npm, failing under CI.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import record  # noqa: E402
from oracle import Score, agrees, duplicate_claim_contradicted, expect  # noqa: E402

from agent_ls.core.findings import Finding  # noqa: E402
from agent_ls.core.frontmatter import split_frontmatter  # noqa: E402
from agent_ls.dialects.agents.catalogue import load_catalogue  # noqa: E402
from agent_ls.settings import Settings  # noqa: E402
from agent_ls.workspace import check_paths  # noqa: E402

GOLDENS: dict[str, Any] = (
    json.loads(corpus.GOLDENS.read_text("utf-8"))
    if corpus.GOLDENS.exists()
    else {"claudeCode": None, "packages": {}}  # not recorded yet: corpus.py writes it
)
MAX_WARNING_RATE = 0.005
COLORS = set(load_catalogue().colors)

# Files where agent-ls knowingly disagrees with Claude Code: package/path → why.
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def findings_of(files: dict[str, bytes]) -> dict[str, list[Finding]]:
    """What `agent-ls check .` reports on a project holding the files where the package puts them."""
    with tempfile.TemporaryDirectory(prefix="agent-ls-corpus-check-") as tmp:
        root = Path(tmp).resolve()
        (root / ".git").mkdir()
        where = {}
        for path, data in files.items():
            target = root / ".claude" / "agents" / corpus.placement(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            where[target] = path
        home = root / ".home"  # as recorded: a HOME of its own, without MCP servers
        reports, errors = check_paths(sorted(where), set(), root, Settings(), home)
        assert not errors, errors
        return {where[r.path]: r.findings for r in reports}


def score_package(
    files: dict[str, bytes],
    goldens: dict[str, Any],
    disagreements: list[str] | None = None,
    package: str = "",
) -> Score:
    """Scores agent-ls on one package's files against what Claude Code did with them."""
    found = findings_of(files)
    loaded = {path: golden["loaded"] for path, golden in goldens.items()}
    winners = {
        golden["listed"]["name"]: path for path, golden in goldens.items() if golden["loaded"]
    }
    result = Score()
    for path, data in files.items():
        golden = goldens[path]
        text = data.decode("utf-8", errors="replace")
        body = text[split_frontmatter(text).body_start :].strip()
        duplicate = any("Duplicate agent name" in line for line in golden["log"])
        name = corpus.written_name(data)
        winner = winners.get(name or "", "none of them") if duplicate else None
        changes = corpus.invisible_changes(data, COLORS)
        expected = expect(golden, {"changes": changes} if changes else {}, bool(body), winner)
        findings = found.get(path, [])
        ok = agrees(expected, findings, golden["loaded"]) and not any(
            f.code == "AL208" and duplicate_claim_contradicted(loaded, path, f) for f in findings
        )
        if any(f.code == "AL208" for f in findings) and not duplicate:
            ok = False
        result.add(expected, findings, ok)
        if not ok and disagreements is not None and f"{package}/{path}" not in KNOWN_DISAGREEMENTS:
            shown = ", ".join(f"{f.code}({f.severity.label})" for f in findings) or "nothing"
            disagreements.append(f"{path}: Claude Code: {expected.need} — {expected.why}; {shown}")
    return result


def _files(package: corpus.Package) -> dict[str, bytes]:
    try:
        return corpus.agent_files(package)
    except (record.RecordError, OSError) as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot download {package.name}@{package.version} in CI: {err}")
        pytest.skip(f"cannot download {package.name}@{package.version}: {err}")


def test_every_pinned_package_is_recorded() -> None:
    assert GOLDENS["claudeCode"] == record.pinned_version(), "re-record: corpus.py"
    assert sorted(GOLDENS["packages"]) == sorted(f"{p.name}@{p.version}" for p in corpus.PACKAGES)
    assert sum(len(p) for p in GOLDENS["packages"].values()) >= 250


@pytest.mark.parametrize("package", corpus.PACKAGES, ids=lambda p: p.name)
def test_agent_ls_meets_the_goals_on_the_corpus(package: corpus.Package) -> None:
    files = _files(package)
    goldens = GOLDENS["packages"][f"{package.name}@{package.version}"]
    assert {p: corpus.hashlib.sha256(d).hexdigest()[:16] for p, d in files.items()} == {
        p: g["sha"] for p, g in goldens.items()
    }, "the tarball differs from the recording: re-record with corpus.py"
    key = f"{package.name}@{package.version}"
    disagreements: list[str] = []
    result = score_package(files, goldens, disagreements, key)
    print(f"{key}: {result.summary()}")  # noqa: T201
    assert not disagreements, "\n".join(disagreements)
    assert result.missed_errors == 0 and result.false_errors == 0
    assert result.warning_rate <= MAX_WARNING_RATE


@pytest.mark.conformance
def test_claude_code_matches_corpus_goldens(claude_code: Path) -> None:
    try:
        recorded = corpus.record_corpus(claude_code)
    except (record.RecordError, OSError) as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot record the corpus in CI: {err}")
        pytest.skip(f"cannot record the corpus: {err}")
    changed = [
        f"{package}/{path}"
        for package, files in GOLDENS["packages"].items()
        for path in sorted(set(files) | set(recorded["packages"].get(package, {})))
        if files.get(path) != recorded["packages"].get(package, {}).get(path)
    ]
    assert not changed, (
        f"Claude Code {record.pinned_version()} reads {len(changed)} corpus files differently "
        f"(re-record with tests/conformance/corpus.py if intended): {changed[:20]}"
    )
