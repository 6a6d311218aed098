"""The plugins layout proved against the real Claude Code (the goldens `record_plugins.py` writes).

- `test_claude_code_matches_goldens` (marked `conformance`): re-records with the pinned Claude
  Code and fails when its behaviour differs from `goldens.json`.
- `test_layout_names_what_claude_code_lists`: for every plugin case, the names agent-ls gives
  the agents, commands, skills and output styles it finds are exactly the ones Claude Code lists.
- `test_agent_ls_agrees`: for every Markdown file in a plugin's component folders, an Error when
  Claude Code does not load it, none when it does (what agent-ls reports through the file's
  dialect: `component_dialect`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agent_ls.core.findings import Severity
from agent_ls.core.frontmatter import read_source
from agent_ls.dialects.base import CheckContext
from agent_ls.dialects.plugins import component_dialect, plugin_agent_name, read_layout
from agent_ls.dialects.plugins.layout import Found, plugin_root

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import record_plugins  # noqa: E402

GOLDENS = json.loads((HERE / "goldens.json").read_text("utf-8"))["cases"]
CASES = record_plugins.CASES
KINDS = {
    "agents": "agents",
    "output-styles": "styles",
    "commands": "described",
    "skills": "described",
}

# Files where agent-ls knowingly disagrees with Claude Code: case/path → why (strict xfail).
KNOWN_DISAGREEMENTS: dict[str, str] = {
    "p015-precedence/output-styles/shared.md": (
        "a project output style of the same name (`p015:shared`) hides this plugin style; "
        "agent-ls does not compare names across files yet"
    ),
    "p015-precedence/commands/shared.md": (
        "the project command `.claude/commands/p015/shared.md` (also `p015:shared`) hides this "
        "plugin command; agent-ls does not compare names across files yet"
    ),
}


def golden_names(case: str) -> list[str]:
    gold = GOLDENS[case]
    plugin = [p["name"] for p in gold["plugins"]]
    agents = [a for a in gold["agents"] if any(a.startswith(f"{p}:") for p in plugin)]
    return sorted(agents + gold["commands"] + gold["skills"] + list(gold["styles"]))


@pytest.mark.parametrize("case", sorted(GOLDENS))
def test_layout_names_what_claude_code_lists(case: str) -> None:
    layout = read_layout(CASES / case)
    assert layout.names() == golden_names(case)


def _files() -> list[tuple[str, Found]]:
    """Every file of the cases agent-ls finds as a plugin's (a folder without
    `.claude-plugin/plugin.json` is a plugin only when given to `--plugin-dir`)."""
    return [
        (case, found)
        for case in sorted(GOLDENS)
        for found in read_layout(CASES / case).files.values()
        if plugin_root(found.path) is not None
    ]


def loaded_by_claude_code(case: str, found: Found) -> bool:
    """Whether Claude Code loaded the file: by its description (each case file's starts with
    the case id) among those the listings show, else (a default description) by its name."""
    listed: dict[str, str] = GOLDENS[case][KINDS[found.kind]]
    described = read_source(found.path.read_text("utf-8")).data.get("description")
    if isinstance(described, str) and described.startswith(case.split("-", 1)[0]):
        return described in listed.values()
    return found.name in listed


def _key(case: str, found: Found) -> str:
    return f"{case}/{found.path.relative_to(CASES / case)}"


@pytest.mark.parametrize(
    ("case", "found"),
    [
        pytest.param(
            c,
            f,
            id=_key(c, f),
            marks=pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[_key(c, f)], strict=True),
        )
        if _key(c, f) in KNOWN_DISAGREEMENTS
        else pytest.param(c, f, id=_key(c, f))
        for c, f in _files()
    ],
)
def test_agent_ls_agrees(case: str, found: Found) -> None:
    dialect = component_dialect(found.path)
    assert dialect is not None, "a file of a plugin's component folder has a dialect"
    source = dialect.read(found.path.read_text("utf-8"))
    findings = dialect.check(source, CheckContext(dialect.catalogue, True, found.path.stem))
    error = any(f.severity == Severity.ERROR for f in findings)
    loaded = loaded_by_claude_code(case, found)
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in findings) or "nothing"
    assert error != loaded, f"Claude Code loads it: {loaded}; agent-ls: {shown}"


def test_plugin_agents_are_named_for_the_persona_menu() -> None:
    """A plugin's agent goes by its prefixed name; a file Claude Code does not load has none."""
    cases = CASES.resolve()
    assert plugin_agent_name(cases / "p001-defaults/agents/team/deep.md") == "p001:team:deep-agent"
    assert plugin_agent_name(cases / "p002-declared/agents/ignored.md") is None
    assert plugin_agent_name(cases / "p005-invalid-json/agents/a.md") is None
    assert plugin_root(cases / "p004-no-manifest/agents/orphan.md") is None


@pytest.mark.conformance
def test_claude_code_matches_goldens(claude_code: Path) -> None:
    recorded = record_plugins.record(claude_code)
    assert recorded["cases"] == GOLDENS
