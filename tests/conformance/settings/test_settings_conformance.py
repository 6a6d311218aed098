"""agent-ls against the real Claude Code on settings files: every golden of `goldens.json`.

For each settings file of each case: agent-ls reports an Error that drops the file exactly when
Claude Code did not load it; every entry Claude Code skipped has a Warning or an Error at that
entry; every hook that did not fire in a loaded file (a silent failure) has a finding on its
matcher group; no hook that fired has a Warning; a permission rule Claude Code warns about on
stderr has a finding, and agent-ls's notices (ST305, ST306) come only where it does. `-m conformance` re-records the goldens
with the pinned binary and fails on any change.

    python tests/conformance/settings/test_settings_conformance.py   # prints the figures
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from agent_ls.core.findings import Finding, Severity  # noqa: E402
from agent_ls.core.jsondoc import JsonArray, JsonNode, JsonObject, JsonString  # noqa: E402
from agent_ls.dialects.settings import DIALECT  # noqa: E402

GOLDENS = json.loads((HERE / "goldens.json").read_text("utf-8"))
META = json.loads((HERE / "cases.json").read_text("utf-8"))
CASES = HERE / "cases"
LABEL = re.compile(r"echo (\S+) >> fired\.log")


def span_at(root: JsonNode | None, path: str) -> tuple[int, int] | None:
    """The span a dotted path of Claude Code's messages names (`hooks.PreToolUse.0.hooks.0`):
    an object member's from its key to its value."""
    node, span = root, None
    for part in [p for p in path.split(".") if p]:
        if isinstance(node, JsonObject) and node.member(part) is not None:
            member = node.member(part)
            assert member is not None
            node, span = member.value, (member.start, member.end)
        elif isinstance(node, JsonArray) and part.isdigit() and int(part) < len(node.items):
            node = node.items[int(part)]
            span = (node.start, node.end)
        else:
            break
    return span


def hook_entries(root: JsonNode | None) -> Iterator[tuple[JsonNode, list[tuple[int, int]]]]:
    """Each hook entry with the spans where a finding about it may sit: the entry, its group's
    matcher, its event's key."""
    hooks = root.get("hooks") if isinstance(root, JsonObject) else None
    for member in hooks.members if isinstance(hooks, JsonObject) else []:
        event_key = (member.key.start, member.key.end)
        for group in member.value.items if isinstance(member.value, JsonArray) else []:
            if not isinstance(group, JsonObject):
                continue
            matcher = group.get("matcher")
            entries = group.get("hooks")
            for entry in entries.items if isinstance(entries, JsonArray) else []:
                spans = [(entry.start, entry.end), event_key]
                if matcher is not None:
                    spans.append((matcher.start, matcher.end))
                yield entry, spans


NOTICES = ("ST305", "ST306")
"""Codes of what Claude Code says on stderr about a rule it loads."""


def rule_items(root: JsonNode | None) -> list[JsonString]:
    """The permission rules of a file (the strings of `permissions.allow`, `ask`, `deny`)."""
    permissions = root.get("permissions") if isinstance(root, JsonObject) else None
    items: list[JsonString] = []
    for name in ("allow", "ask", "deny"):
        rules = permissions.get(name) if isinstance(permissions, JsonObject) else None
        if isinstance(rules, JsonArray):
            items += [item for item in rules.items if isinstance(item, JsonString)]
    return items


def _fired(label: str, fired: list[str]) -> bool:
    """Whether a hook's label is among those that fired (`env-$FOO` wrote its expansion)."""
    if "$" in label:
        return any(f.startswith(label.split("$", 1)[0]) for f in fired)
    return label in fired


def judge(case: str, name: str) -> list[str]:
    """Every disagreement between agent-ls and the golden on one settings file."""
    golden = GOLDENS["cases"][case]
    text = (CASES / case / name).read_text("utf-8")
    source = DIALECT.read(text)
    findings = DIALECT.check(source, DIALECT.default_context())
    problems = []
    loaded = golden["loaded"][name]
    if DIALECT.drops(findings) == loaded:
        codes = [f.code for f in findings]
        problems.append(f"loaded={loaded} but agent-ls says drops={not loaded}: {codes}")
    root = source.root
    for file, path, message in golden["entries"]:
        if file != name:
            continue
        span = span_at(root, path)
        if span is None or not _covered(findings, [span], Severity.WARNING):
            problems.append(f"no Warning/Error at skipped entry {path}: {message[:80]}")
    idle = set(META.get(case, {}).get("idle", []))
    disabled = '"disableAllHooks": true' in text
    for entry, spans in hook_entries(root):
        labels = LABEL.findall(text[entry.start : entry.end])
        if not labels or labels[0] in idle:
            continue
        fired = _fired(labels[0], golden["fired"])
        warned = _covered(findings, spans, Severity.WARNING)
        if loaded and not disabled and not fired and not warned:
            problems.append(f"hook {labels[0]} never fired, and agent-ls says nothing")
        if fired and warned:
            problems.append(f"hook {labels[0]} fired, but agent-ls warns about it")
    for item in rule_items(root):
        said = any(f"): {item.value} " in line for line in golden["other"])
        noticed = [f.code for f in findings if f.start == item.start and f.code in NOTICES]
        if said and not any(f.start == item.start for f in findings):
            problems.append(f"Claude Code warns about the rule {item.value}, agent-ls says nothing")
        if noticed and not said:
            problems.append(f"agent-ls reports {noticed} on {item.value}, Claude Code says nothing")
    if loaded:
        errors = [f.code for f in findings if f.severity == Severity.ERROR]
        if errors:
            problems.append(f"the file loads, but agent-ls reports errors {errors}")
    return problems


def _covered(findings: list[Finding], spans: list[tuple[int, int]], worst: Severity) -> bool:
    """Whether a finding at least as severe as `worst` starts within one of `spans`."""
    return any(
        f.severity <= worst and any(start <= f.start <= end for start, end in spans)
        for f in findings
    )


def files() -> list[tuple[str, str]]:
    return [(case, name) for case, g in sorted(GOLDENS["cases"].items()) for name in g["loaded"]]


@pytest.mark.parametrize(("case", "name"), files(), ids=[f"{c}:{n}" for c, n in files()])
def test_agent_ls_agrees_with_claude_code(case: str, name: str) -> None:
    assert judge(case, name) == []


def test_every_case_is_recorded() -> None:
    on_disk = {p.name for p in CASES.iterdir() if p.is_dir()}
    assert on_disk == set(GOLDENS["cases"])
    assert GOLDENS["claudeCode"] == (HERE.parent / "PINNED").read_text().strip()


@pytest.mark.conformance
def test_the_goldens_match_the_pinned_binary(claude_code: Path) -> None:
    import record_settings as recorder

    recorded = recorder.record(claude_code)
    changed = [k for k in GOLDENS["cases"] if recorded["cases"].get(k) != GOLDENS["cases"][k]]
    assert changed == []


def figures() -> dict[str, Any]:
    pairs = files()
    agree = sum(1 for case, name in pairs if not judge(case, name))
    not_loaded = [(c, n) for c, n in pairs if not GOLDENS["cases"][c]["loaded"][n]]
    entries = sum(len(g["entries"]) for g in GOLDENS["cases"].values())
    return {
        "cases": len(GOLDENS["cases"]),
        "files": len(pairs),
        "agree": agree,
        "notLoaded": len(not_loaded),
        "skippedEntries": entries,
    }


if __name__ == "__main__":
    for case, name in files():
        for problem in judge(case, name):
            print(f"{case}:{name}: {problem}")  # noqa: T201
    print(json.dumps(figures()))  # noqa: T201
