"""What agent-ls must report for a file, from what the real Claude Code did with it; the metric.

Shared by the crafted cases (`test_conformance.py`) and the real-world corpus (`test_corpus.py`).
A golden (one file's record) says whether Claude Code loaded it, its debug-log lines, its listing
line and, for a spawned agent, the model and tools it got or the error it returned.

The published metric: Error iff Claude Code does not load the file or the agent cannot run
(precision, recall, F1 over the files), and the share of files Claude Code reads as written that
get a Warning or an Error (the goal: at most 0.5 %).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from agent_ls.core.findings import Finding, Severity
from agent_ls.dialects.agents.catalogue import load_catalogue

_TOOL_SPLIT = re.compile(r",\s*(?![^()]*\))")
_NAMED_WINNER = re.compile(r"Claude Code loads `([^`]+)`")


@dataclass(frozen=True)
class Expectation:
    need: str  # "error", "duplicate", "warning" or "no-error"
    why: str


def _listed_tools_dropped(golden: dict[str, Any]) -> list[str]:
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


def refused_model(model: object) -> bool:
    """Whether the API refuses a model Claude Code sent (the fake API accepts any).

    A `claude-…` ID that agent-ls does not know may be newer than its catalogue: not counted.
    """
    if not isinstance(model, str) or model.lower().startswith("claude-"):
        return False
    catalogue = load_catalogue()
    known = {m.lower() for m in catalogue.model_ids}
    known |= {target.lower() for target, *_ in catalogue.model_aliases.values()}
    return model.lower() not in known


def expect(
    golden: dict[str, Any],
    meta: dict[str, Any],
    has_body: bool,
    duplicate_of: str | None = None,
) -> Expectation:
    """What agent-ls must report for one file; `duplicate_of` names the winner of its name."""
    if duplicate_of is not None:
        return Expectation("duplicate", f"shares its name; Claude Code loads {duplicate_of}")
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
    if refused_model(spawn.get("model")):
        return Expectation("error", f"cannot run: the API refuses the model {spawn['model']}")
    changes = []
    if meta.get("changes"):
        changes.append(meta["changes"])
    changes += [line for line in golden["log"] if "[WARN]" in line or " invalid " in line]
    if spawn.get("body_in_system_prompt") is False and has_body:
        changes.append("the body is not in the system prompt")
    if dropped := _listed_tools_dropped(golden):
        changes.append(f"tools dropped: {', '.join(dropped)}")
    if changes:
        return Expectation("warning", "; ".join(changes))
    return Expectation("no-error", "loaded as written")


def worst(findings: Iterable[Finding]) -> int:
    return min((f.severity for f in findings), default=Severity.HINT + 1)


def duplicate_claim_contradicted(loaded: dict[str, bool], key: str, finding: Finding) -> bool:
    """Whether AL208 names a winner that the recorded Claude Code did not load.

    `loaded` maps every file key of the run to whether Claude Code loaded it; a winner named in
    the message (a path) is matched by the key it ends with.
    """
    if "loads this one" in finding.message:
        return not loaded[key]
    named = _NAMED_WINNER.search(finding.message)
    if named is None:
        return False
    path = named.group(1).removesuffix(".md")
    winners = [k for k in loaded if path.endswith(k.removesuffix(".md"))]
    return not any(loaded[k] for k in winners)


def agrees(expected: Expectation, findings: list[Finding], loaded: bool) -> bool:
    """Whether agent-ls's findings meet what Claude Code did (duplicate claims checked apart)."""
    level = worst(findings)
    if expected.need == "error":
        return level == Severity.ERROR
    if expected.need == "duplicate":
        has = any(f.code == "AL208" for f in findings)
        return has and (not loaded or level != Severity.ERROR)
    if expected.need == "warning":
        return level <= Severity.WARNING
    return level != Severity.ERROR


@dataclass
class Score:
    """The published metric over a set of files."""

    files: int = 0
    true_errors: int = 0  # Error, and Claude Code does not load it or it cannot run
    false_errors: int = 0  # Error on a file Claude Code loads and can run
    missed_errors: int = 0  # no Error on a file Claude Code does not load or cannot run
    as_written: int = 0  # loaded, runs, nothing dropped or changed
    warned_as_written: int = 0  # of those, how many get a Warning (or worse)
    agree: int = 0

    def add(self, expected: Expectation, findings: list[Finding], agreed: bool) -> None:
        self.files += 1
        self.agree += agreed
        error = worst(findings) == Severity.ERROR
        fails = expected.need == "error"
        self.true_errors += error and fails
        self.false_errors += error and not fails and expected.need != "duplicate"
        self.missed_errors += fails and not error
        if expected.need == "no-error":
            self.as_written += 1
            self.warned_as_written += worst(findings) <= Severity.WARNING

    @property
    def precision(self) -> float:
        flagged = self.true_errors + self.false_errors
        return self.true_errors / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        failing = self.true_errors + self.missed_errors
        return self.true_errors / failing if failing else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def warning_rate(self) -> float:
        return self.warned_as_written / self.as_written if self.as_written else 0.0

    def summary(self) -> str:
        return (
            f"{self.files} files: {self.agree} agree; Error iff not loaded or cannot run: "
            f"precision {self.precision:.3f}, recall {self.recall:.3f}, F1 {self.f1:.3f} "
            f"({self.true_errors} right, {self.false_errors} wrong, {self.missed_errors} missed); "
            f"Warnings on files read as written: {self.warned_as_written} of {self.as_written} "
            f"({100 * self.warning_rate:.1f} %)"
        )
