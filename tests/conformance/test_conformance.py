"""Every diagnostic proved against the real Claude Code (the goldens `record.py` writes).

- `test_claude_code_matches_goldens` (marked `conformance`): re-records with the pinned Claude Code
  and fails when its behaviour differs from `goldens.json`. Skipped when the npm install is
  impossible, except with CI=true, where that fails.
- `test_agent_ls_agrees` (fast, no network): for every case, what Claude Code did (the golden)
  requires a verdict of agent-ls: an Error when Claude Code does not load the agent or cannot run
  it (refuses to spawn, zero tools); at least a Warning when it loads it but drops, changes or
  ignores something; no Error when it loads it as written.

Run `python tests/conformance/test_conformance.py` for the agreement figures.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import pytest

from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import split_frontmatter
from agent_ls.dialects.agents import read_agent
from agent_ls.dialects.agents.catalogue import load_catalogue
from agent_ls.settings import Settings
from agent_ls.workspace import check_paths, read_text

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from oracle import (  # noqa: E402
    Expectation,
    Score,
    agrees,
    duplicate_claim_contradicted,
    expect,
)

CASES = HERE / "cases"
GOLDENS = json.loads((HERE / "goldens.json").read_text("utf-8"))
META: dict[str, dict[str, str]] = json.loads((HERE / "cases.json").read_text("utf-8"))
META = {stem: META.get(stem, {}) for stem in GOLDENS["cases"]}
STEMS = sorted(GOLDENS["cases"])

# Cases where agent-ls knowingly disagrees with Claude Code: case → why. A case listed here must
# still disagree (strict xfail), and any other disagreement fails.
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def expectation(stem: str) -> Expectation:
    """What agent-ls must report for a case, from what Claude Code did with it."""
    winner = None
    if _in_duplicate_group(stem):
        group = _group(stem) or [stem]
        winner = next((s for s in group if GOLDENS["cases"][s]["loaded"]), "none of them")
    return expect(GOLDENS["cases"][stem], META.get(stem, {}), _has_body(stem), winner)


def _findings() -> dict[str, list[Finding]]:
    """What `agent-ls check` reports for every case (the same reading, rules and names)."""
    paths = sorted(CASES.glob("*.md"))
    # As recorded: a workspace without MCP servers, and a HOME of its own (none there either).
    with tempfile.TemporaryDirectory(prefix="agent-ls-conformance-") as tmp:
        workspace, home = Path(tmp) / "workspace", Path(tmp) / "home"
        workspace.mkdir()
        reports, errors = check_paths(paths, set(paths), workspace, Settings(), home)
    assert not errors, errors
    return {report.path.stem: report.findings for report in reports}


FINDINGS = _findings()


def _group(stem: str) -> list[str]:
    """The cases that share a name with this one (`duplicateGroup` in cases.json), itself included."""
    group = META.get(stem, {}).get("duplicateGroup")
    return [s for s in STEMS if group and META[s].get("duplicateGroup") == group]


def _in_duplicate_group(stem: str) -> bool:
    """Whether Claude Code saw this case's name twice (it logs it, or the cases share a name)."""
    if _group(stem):
        return True
    return any("Duplicate agent name" in line for line in GOLDENS["cases"][stem]["log"])


def _has_body(stem: str) -> bool:
    text = (CASES / f"{stem}.md").read_text("utf-8", errors="replace")
    return bool(text[split_frontmatter(text).body_start :].strip())


def verdict(stem: str) -> tuple[bool, str]:
    """Returns whether agent-ls agrees with Claude Code on a case, and an explanation."""
    expected = expectation(stem)
    findings = FINDINGS[stem]
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in findings) or "nothing"
    loaded = {s: GOLDENS["cases"][s]["loaded"] for s in STEMS}
    ok = agrees(expected, findings, loaded[stem]) and not any(
        f.code == "AL208" and duplicate_claim_contradicted(loaded, stem, f) for f in findings
    )
    if any(f.code == "AL208" for f in findings) and not _in_duplicate_group(stem):
        ok = False  # claims a duplicate that Claude Code loads as a separate agent
    return ok, f"Claude Code: {expected.need} — {expected.why}\nagent-ls: {shown}"


def score() -> Score:
    """The published metric over the crafted cases."""
    result = Score()
    for stem in STEMS:
        result.add(expectation(stem), FINDINGS[stem], verdict(stem)[0])
    return result


@pytest.mark.parametrize(
    "stem",
    [
        pytest.param(s, marks=pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[s], strict=True))
        if s in KNOWN_DISAGREEMENTS
        else s
        for s in STEMS
    ],
)
def test_agent_ls_agrees(stem: str) -> None:
    ok, explanation = verdict(stem)
    assert ok, f"{stem}: agent-ls disagrees with Claude Code\n{explanation}"


def _resolved_model(model: object) -> str:
    """The model agent-ls expects a spawned agent to be sent with (aliases per the catalogue)."""
    main = GOLDENS["cases"]["c103-model-inherit"]["spawn"]["model"]
    if not isinstance(model, str) or model.strip().lower() in ("", "inherit"):
        return main
    catalogue = load_catalogue()
    lowered = catalogue.alias_of(model.strip().lower())
    if lowered in catalogue.model_aliases:
        return catalogue.model_aliases[lowered][0]
    known = {m.lower(): m for m in catalogue.model_ids}
    return known.get(lowered, model.strip())


@pytest.mark.parametrize("stem", [s for s in STEMS if GOLDENS["cases"][s]["loaded"]])
def test_agent_ls_reads_what_claude_code_lists(stem: str) -> None:
    """`read_agent` (used by the personas) sees the name, description and model Claude Code uses."""
    golden = GOLDENS["cases"][stem]
    agent = read_agent(read_text(CASES / f"{stem}.md"))
    assert agent is not None, f"{stem}: Claude Code loads it, read_agent drops it"
    assert agent.name == golden["listed"]["name"]
    assert agent.description == golden["listed"]["description"]
    if model := golden["spawn"].get("model"):
        assert _resolved_model(agent.model) == model


@pytest.mark.conformance
def test_claude_code_matches_goldens(claude_code: Path) -> None:
    import record  # noqa: PLC0415 - the recorder lives next to this file

    recorded = record.record(claude_code)
    changes = record.diff(GOLDENS, recorded)
    assert not changes, (
        f"Claude Code {record.pinned_version()} behaves differently from goldens.json "
        "(re-record with tests/conformance/record.py if intended):\n" + "\n".join(changes)
    )


def agreement() -> str:
    """Returns the agreement figures, one line per disagreement."""
    lines, agree = [], 0
    for stem in STEMS:
        ok, explanation = verdict(stem)
        agree += ok
        if not ok:
            known = " (known)" if stem in KNOWN_DISAGREEMENTS else ""
            lines.append(f"  {stem}{known}: " + explanation.replace("\n", " | "))
    needs = [expectation(s).need for s in STEMS]
    kinds = ("error", "duplicate", "warning", "no-error")
    summary = ", ".join(f"{n} {needs.count(n)}" for n in kinds)
    head = f"{len(STEMS)} cases ({summary}): {agree} agree, {len(STEMS) - agree} disagree"
    return "\n".join([head, score().summary(), *lines])


if __name__ == "__main__":
    print(agreement())  # noqa: T201
