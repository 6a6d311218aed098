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
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent_ls.agentfile import read_agent, split_frontmatter
from agent_ls.catalogue import load_catalogue
from agent_ls.diagnostics.codes import Severity
from agent_ls.diagnostics.findings import Finding
from agent_ls.settings import Settings
from agent_ls.workspace import check_paths, read_text

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
GOLDENS = json.loads((HERE / "goldens.json").read_text("utf-8"))
META: dict[str, dict[str, str]] = json.loads((HERE / "cases.json").read_text("utf-8"))
META = {stem: META.get(stem, {}) for stem in GOLDENS["cases"]}
STEMS = sorted(GOLDENS["cases"])

# Cases where agent-ls knowingly disagrees with Claude Code: case → why. A case listed here must
# still disagree (strict xfail), and any other disagreement fails.
KNOWN_DISAGREEMENTS: dict[str, str] = {
    "c087-tools-mcp-absent-server": (
        "Claude Code drops `mcp__github__…` because no `github` MCP server is configured; "
        "agent-ls only claims a server is absent when the workspace has a .mcp.json (servers "
        "can also come from ~/.claude.json, which it does not read), so it stays silent here"
    ),
}

_TOOL_SPLIT = re.compile(r",\s*(?![^()]*\))")


@dataclass(frozen=True)
class Expectation:
    need: str  # "error", "warning" or "no-error"
    why: str


def _listed_tools_dropped(golden: dict) -> list[str]:
    """Declared tools (as the listing shows them) that the spawned agent did not get."""
    listed = golden["listed"]["tools"]
    spawned = golden.get("spawn", {}).get("tools")
    if spawned is None or not listed or listed.startswith("All tools") or listed == "None":
        return []
    dropped = []
    # An agent with Bash searches through it: Claude Code gives it no Glob or Grep on its own.
    own = {"Glob", "Grep"} if "Bash" in spawned else set()
    for token in _TOOL_SPLIT.split(listed):
        name = token.strip().split("(", 1)[0]
        name = {"Task": "Agent"}.get(name, name)
        if name and name != "*" and name not in spawned and name not in own:
            dropped.append(token.strip())
    return dropped


def expectation(stem: str) -> Expectation:
    """What agent-ls must report for a case, from what Claude Code did with it."""
    golden = GOLDENS["cases"][stem]
    meta = META.get(stem, {})
    if _in_duplicate_group(stem):
        winner = next((s for s in _group(stem) if GOLDENS["cases"][s]["loaded"]), None)
        return Expectation("duplicate", f"shares its name; Claude Code loads {winner}")
    if not golden["loaded"]:
        first = next((ln for ln in golden["log"] if "[ERROR]" in ln or "Failed" in ln), None)
        return Expectation("error", f"not loaded ({first or 'no log line'})")
    spawn = golden.get("spawn", {})
    if meta.get("cannotRun"):
        return Expectation("error", f"cannot run: {meta['cannotRun']}")
    if spawn.get("error"):
        return Expectation("error", f"cannot run: {spawn['error'][:100]}")
    if spawn.get("tools") == []:
        return Expectation("error", "spawned with zero tools")
    changes = []
    if meta.get("changes"):
        changes.append(meta["changes"])
    changes += [line for line in golden["log"] if "[WARN]" in line or " invalid " in line]
    if spawn.get("body_in_system_prompt") is False and _has_body(stem):
        changes.append("the body is not in the system prompt")
    if dropped := _listed_tools_dropped(golden):
        changes.append(f"tools dropped: {', '.join(dropped)}")
    if changes:
        return Expectation("warning", "; ".join(changes))
    return Expectation("no-error", "loaded as written")


def _findings() -> dict[str, list[Finding]]:
    """What `agent-ls check` reports for every case (the same reading, rules and names)."""
    paths = sorted(CASES.glob("*.md"))
    reports, errors = check_paths(paths, set(paths), None, Settings(), load_catalogue())
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


_NAMED_WINNER = re.compile(r"Claude Code loads `([^`]+)`")


def _duplicate_claim_contradicted(stem: str, finding: Finding) -> bool:
    """Whether AL208 names a winner that the recorded Claude Code did not load."""
    if "loads this one" in finding.message:
        return not GOLDENS["cases"][stem]["loaded"]
    named = _NAMED_WINNER.search(finding.message)
    return named is not None and not GOLDENS["cases"][Path(named.group(1)).stem]["loaded"]


def verdict(stem: str) -> tuple[bool, str]:
    """Returns whether agent-ls agrees with Claude Code on a case, and an explanation."""
    expected = expectation(stem)
    findings = FINDINGS[stem]
    worst = min((f.severity for f in findings), default=Severity.HINT + 1)
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in findings) or "nothing"
    if expected.need == "error":
        ok = worst == Severity.ERROR
    elif expected.need == "duplicate":
        duplicates = [f for f in findings if f.code == "AL208"]
        ok = bool(duplicates) and not any(
            _duplicate_claim_contradicted(stem, f) for f in duplicates
        )
        if GOLDENS["cases"][stem]["loaded"]:
            ok = ok and worst != Severity.ERROR
    elif expected.need == "warning":
        ok = worst <= Severity.WARNING
    else:
        ok = worst != Severity.ERROR
    if any(f.code == "AL208" for f in findings) and not _in_duplicate_group(stem):
        ok = False  # claims a duplicate that Claude Code loads as a separate agent
    return ok, f"Claude Code: {expected.need} — {expected.why}\nagent-ls: {shown}"


def test_every_case_has_a_golden() -> None:
    stems = sorted(p.stem for p in CASES.glob("*.md"))
    assert stems == STEMS, "re-record: tests/conformance/record.py"
    assert len(STEMS) >= 60
    assert set(KNOWN_DISAGREEMENTS) <= set(STEMS)


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
    lowered = model.strip().lower()
    catalogue = load_catalogue()
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
def test_claude_code_matches_goldens() -> None:
    sys.path.insert(0, str(HERE))
    import record  # noqa: PLC0415 - the recorder lives next to this file

    try:
        binary = record.install()
    except (record.RecordError, OSError) as err:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot install Claude Code {record.pinned_version()} in CI: {err}")
        pytest.skip(f"cannot install Claude Code {record.pinned_version()}: {err}")
    recorded = record.record(binary)
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
    return "\n".join([head, *lines])


if __name__ == "__main__":
    print(agreement())  # noqa: T201
