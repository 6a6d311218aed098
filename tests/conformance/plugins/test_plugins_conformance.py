"""The plugins layout proved against the real Claude Code (the goldens `record_plugins.py` writes).

- `test_claude_code_matches_goldens` (marked `conformance`): re-records with the pinned Claude
  Code and fails when its behaviour differs from `goldens.json`.
- `test_layout_names_what_claude_code_lists`: for every plugin case, the names agent-ls gives
  the agents, commands, skills and output styles it finds are exactly the ones Claude Code lists.
- `test_agent_ls_agrees`: for every Markdown file in a plugin's component folders, an Error when
  Claude Code does not load it, none when it does (what agent-ls reports through the file's
  dialect: `component_dialect`); a file hidden by another of its name (a project file of the
  case's `projectFiles`, checked in the same run) gets that name's Warning instead.
"""

from __future__ import annotations

import functools
import json
import sys
import tempfile
from pathlib import Path

import pytest

from agent_ls.core.findings import Finding, Severity
from agent_ls.core.frontmatter import read_source
from agent_ls.dialects.base import CheckContext
from agent_ls.dialects.plugins import component_dialect, plugin_agent_name, read_layout
from agent_ls.dialects.plugins.layout import Found, plugin_root
from agent_ls.settings import Settings
from agent_ls.workspace import check_paths

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
KNOWN_DISAGREEMENTS: dict[str, str] = {}
HIDDEN_CODES = ("OS204", "CM114", "SK114", "AL208")
"""A file another file of the same name hides (names across files)."""


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
    findings = case_findings(case)[found.path]
    error = any(f.severity == Severity.ERROR for f in findings)
    loaded = loaded_by_claude_code(case, found)
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in findings) or "nothing"
    hidden = [f for f in findings if f.code in HIDDEN_CODES and "ignores this one" in f.message]
    if not loaded and hidden:  # another file of its name is listed instead: said, no Error
        assert not error, f"hidden by a file of the same name; agent-ls: {shown}"
        return
    assert not hidden, f"Claude Code loads it; agent-ls says it is hidden: {shown}"
    assert error != loaded, f"Claude Code loads it: {loaded}; agent-ls: {shown}"


@functools.cache
def case_findings(case: str) -> dict[Path, list[Finding]]:
    """What agent-ls reports for each file of the case's plugin: checked by its component's
    dialect, and with the case's project files (`projectFiles`, in a workspace of their own) in
    one `check` run, as Claude Code loaded them together, so names are compared across them."""
    plugin_files = [f.path for f in read_layout(CASES / case).files.values()]
    project = record_plugins.case_meta().get(case, {}).get("projectFiles", {})
    out: dict[Path, list[Finding]] = {}
    for path in plugin_files:
        dialect = component_dialect(path)
        assert dialect is not None, "a file of a plugin's component folder has a dialect"
        source = dialect.read(path.read_text("utf-8"))
        out[path] = dialect.check(source, CheckContext(dialect.catalogue, True, path.stem))
    if not project:
        return out
    with tempfile.TemporaryDirectory(prefix="agent-ls-plugins-") as tmp:
        workspace, home = Path(tmp) / "workspace", Path(tmp) / "home"
        placed = []
        for rel, text in project.items():
            (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
            (workspace / rel).write_text(text, "utf-8")
            placed.append(workspace / rel)
        paths = [*plugin_files, *placed]
        reports, errors = check_paths(paths, set(paths), workspace, Settings(), home)
    assert not errors, errors
    out.update((r.path, r.findings) for r in reports if r.path in out)
    return out


def test_a_project_file_of_a_plugin_s_name_hides_the_plugin_s() -> None:
    """p015: a project style and a project command named `p015:shared` hide the plugin's (a
    Warning naming the project file); the plugin's agent wins over a project agent of its name."""
    root = CASES / "p015-precedence"
    found = case_findings("p015-precedence")
    (style,) = [f for f in found[root / "output-styles/shared.md"] if f.code == "OS204"]
    assert "p015-shared.md` (a project style wins over a plugin style)" in style.message
    (command,) = [f for f in found[root / "commands/shared.md"] if f.code == "CM114"]
    assert "p015/shared.md` (a project command wins over a plugin command)" in command.message
    (agent,) = [f for f in found[root / "agents/shared.md"] if f.code == "AL208"]
    assert "Claude Code loads this one (a plugin agent wins over a project agent)" in agent.message


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
