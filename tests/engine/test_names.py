"""Names across files and extensions outside the globs, for every Markdown dialect: the findings
one `check` run over a workspace (and HOME) gives, table by table.

- names: AL208 (agents), OS204 (output styles), SK114 / CM114 (skills and commands: one
  namespace), each on the file another of its name hides, naming the winner by the order Claude
  Code loads them in (docs/claude-code.md);
- extensions: AL106, OS102, CM106 on a file in an agents, output-styles or commands folder that
  Claude Code skips because it does not end in `.md`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agent_ls.core.names import DeclaredName, NamePolicy, NameTable
from agent_ls.settings import Settings
from agent_ls.workspace import check_paths, walk_dialect_files

CODES = {"AL208", "OS204", "SK114", "CM114", "CM108", "AL106", "OS102", "CM106"}
STYLE = "---\nname: {}\ndescription: d\n---\nPrompt.\n"
AGENT = "---\nname: {}\ndescription: d\n---\nBody.\n"
SKILL = "---\ndescription: {}\n---\nBody.\n"
MANIFEST = json.dumps({"name": "kit"})


@dataclass(frozen=True)
class Row:
    id: str
    files: dict[str, str]
    """Paths under `ws/` (the workspace) or `home/` (HOME) → text."""
    expected: dict[str, list[tuple[str, str]]]
    """Path → (code, the text it covers) of the codes this table is about; a file missing here
    gets none of them."""
    says: dict[str, str] = field(default_factory=dict)
    """Path → words its finding's message holds (the winner, or the scan order)."""
    settings: Settings = Settings()


ROWS = [
    Row(
        "style-project-hides-user",
        {
            "ws/.claude/output-styles/a.md": STYLE.format("Shared"),
            "home/.claude/output-styles/b.md": STYLE.format("Shared"),
        },
        {"home/.claude/output-styles/b.md": [("OS204", "Shared")]},
        {"home/.claude/output-styles/b.md": "ws/.claude/output-styles/a.md` (a project style"},
    ),
    Row(
        "style-same-folder-scan-order",
        {
            "ws/.claude/output-styles/a.md": STYLE.format("Twin"),
            "ws/.claude/output-styles/team/b.md": STYLE.format("Twin"),
        },
        {
            "ws/.claude/output-styles/a.md": [("OS204", "Twin")],
            "ws/.claude/output-styles/team/b.md": [("OS204", "Twin")],
        },
        {"ws/.claude/output-styles/a.md": "scan order"},
    ),
    Row(
        "style-named-by-its-file",  # no `name`: the file name, pointed at by the first line
        {
            "ws/.claude/output-styles/terse.md": "Answer briefly.\n",
            "home/.claude/output-styles/terse.md": "---\ndescription: d\n---\nShort.\n",
        },
        {"home/.claude/output-styles/terse.md": [("OS204", "---")]},
    ),
    Row(
        "style-project-hides-plugin",
        {
            "ws/.claude/output-styles/a.md": STYLE.format("kit:shared"),
            "ws/plugins/kit/.claude-plugin/plugin.json": MANIFEST,
            "ws/plugins/kit/output-styles/shared.md": STYLE.format("shared"),
        },
        {
            "ws/.claude/output-styles/a.md": [],
            "ws/plugins/kit/output-styles/shared.md": [("OS204", "shared")],
        },
        {"ws/plugins/kit/output-styles/shared.md": "a project style wins over a plugin style"},
    ),
    Row(
        "style-and-agent-of-one-name-do-not-collide",
        {
            "ws/.claude/output-styles/a.md": STYLE.format("helper"),
            "ws/.claude/agents/a.md": AGENT.format("helper"),
        },
        {},
    ),
    Row(
        "skill-user-hides-project",  # measured: the user's skill is listed
        {
            "ws/.claude/skills/dup/SKILL.md": SKILL.format("project"),
            "home/.claude/skills/dup/SKILL.md": SKILL.format("user"),
        },
        {"ws/.claude/skills/dup/SKILL.md": [("SK114", "---")]},
        {"ws/.claude/skills/dup/SKILL.md": "home/.claude/skills/dup/SKILL.md` (a user skill"},
    ),
    Row(
        "command-user-hides-project",
        {
            "ws/.claude/commands/go.md": SKILL.format("project"),
            "home/.claude/commands/go.md": SKILL.format("user"),
        },
        {"ws/.claude/commands/go.md": [("CM114", "---")]},
        {"ws/.claude/commands/go.md": "a user command wins over a project command"},
    ),
    Row(
        "skill-hides-command-across-levels",
        {
            "home/.claude/skills/mix/SKILL.md": SKILL.format("user skill"),
            "ws/.claude/commands/mix.md": SKILL.format("project command"),
        },
        {"ws/.claude/commands/mix.md": [("CM114", "---")]},
        {"ws/.claude/commands/mix.md": "a user skill wins over a project command"},
    ),
    Row(
        "skill-hides-command-of-its-project-once",  # CM108 says it; no second finding
        {
            "ws/.claude/skills/mix/SKILL.md": SKILL.format("skill"),
            "ws/.claude/commands/mix.md": SKILL.format("command"),
        },
        {"ws/.claude/commands/mix.md": [("CM108", "---")]},
    ),
    Row(
        "skill-named-by-its-folder",  # a frontmatter `name` does not name a skill
        {
            "ws/.claude/skills/a/SKILL.md": "---\nname: b\ndescription: d\n---\nBody.\n",
            "ws/.claude/skills/b/SKILL.md": SKILL.format("b"),
        },
        {},
    ),
    Row(
        "command-path-name-meets-plugin-prefix",
        {
            "ws/.claude/commands/kit/shared.md": SKILL.format("project"),
            "ws/plugins/kit/.claude-plugin/plugin.json": MANIFEST,
            "ws/plugins/kit/commands/shared.md": SKILL.format("plugin"),
            "ws/plugins/kit/skills/dup/SKILL.md": SKILL.format("plugin skill"),
            "ws/.claude/skills/dup/SKILL.md": SKILL.format("project skill, not kit:dup"),
        },
        {"ws/plugins/kit/commands/shared.md": [("CM114", "---")]},
        {"ws/plugins/kit/commands/shared.md": "a project command wins over a plugin command"},
    ),
    Row(
        "agents-every-file-told",
        {
            "ws/.claude/agents/a.md": AGENT.format("rev"),
            "ws/.claude/agents/b.md": AGENT.format("rev"),
        },
        {
            "ws/.claude/agents/a.md": [("AL208", "rev")],
            "ws/.claude/agents/b.md": [("AL208", "rev")],
        },
        {"ws/.claude/agents/a.md": "scan order"},
    ),
    Row(
        "agent-plugin-wins-over-project",
        {
            "ws/.claude/agents/a.md": AGENT.format("kit:rev"),
            "ws/plugins/kit/.claude-plugin/plugin.json": MANIFEST,
            "ws/plugins/kit/agents/rev.md": AGENT.format("rev"),
        },
        {
            "ws/.claude/agents/a.md": [("AL208", "kit:rev")],
            "ws/plugins/kit/agents/rev.md": [("AL208", "rev")],
        },
        {
            "ws/.claude/agents/a.md": "plugins/kit/agents/rev.md` (a plugin agent wins",
            "ws/plugins/kit/agents/rev.md": "Claude Code loads this one (a plugin agent wins",
        },
    ),
    Row(
        "extensions-claude-code-skips",
        {
            "ws/.claude/output-styles/a.MD": STYLE.format("a"),
            "ws/.claude/output-styles/notes.txt": "Notes\n",
            "ws/.claude/agents/b.MD": AGENT.format("b"),
            "ws/.claude/agents/c.markdown": AGENT.format("c"),
            "ws/.claude/agents/.DS_Store": "binary",
            "ws/.claude/commands/d.txt": SKILL.format("d"),
            "ws/.claude/commands/e.MD": SKILL.format("e"),
            "ws/.claude/skills/s/SKILL.md": SKILL.format("s"),
            "ws/.claude/skills/s/notes.txt": "A skill's own file.\n",
            "ws/src/main.py": "print()\n",
        },
        {
            "ws/.claude/output-styles/a.MD": [("OS102", "---")],
            "ws/.claude/output-styles/notes.txt": [("OS102", "Notes")],
            "ws/.claude/agents/b.MD": [("AL106", "---")],
            "ws/.claude/agents/c.markdown": [("AL106", "---")],
            "ws/.claude/commands/d.txt": [("CM106", "---")],
            "ws/.claude/commands/e.MD": [("CM106", "---")],
        },
        {"ws/.claude/agents/b.MD": "`b.MD` is skipped"},
    ),
    Row(
        "extensions-under-configured-globs",
        {"ws/team/x.txt": AGENT.format("x"), "ws/team/y.md": AGENT.format("y")},
        {"ws/team/x.txt": [("AL106", "---")], "ws/team/y.md": []},
        settings=Settings(agent_globs=("team/**/*.md",)),
    ),
]


def run(tmp_path: Path, row: Row) -> dict[str, list[tuple[str, str, str]]]:
    """Checks the workspace and HOME in one run; returns (code, covered text, message) by path."""
    for rel, text in row.files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    ws, home = tmp_path / "ws", tmp_path / "home"
    paths = list(walk_dialect_files(ws, row.settings))
    if home.is_dir():
        paths += walk_dialect_files(home, row.settings)
    reports, errors = check_paths(paths, set(), ws, row.settings, home)
    assert not errors
    out = {}
    for report in reports:
        rel = report.path.relative_to(tmp_path).as_posix()
        out[rel] = [
            (f.code, report.text[f.start : f.end], f.message)
            for f in report.findings
            if f.code in CODES
        ]
    return out


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_names_and_extensions(tmp_path: Path, row: Row) -> None:
    got = run(tmp_path, row)
    for rel in row.files:
        want = row.expected.get(rel, [])
        assert [(c, t) for c, t, _ in got.get(rel, [])] == want, rel
    for rel, words in row.says.items():
        assert words in got[rel][0][2], got[rel][0][2]
    hidden = [rel for rel in row.files if rel.endswith(".DS_Store") or rel.endswith(".py")]
    assert not any(rel in got for rel in hidden), "a hidden or foreign file is not checked"


def test_every_code_has_a_row() -> None:
    covered = {code for row in ROWS for found in row.expected.values() for code, _ in found}
    assert covered == CODES


def test_a_name_that_changes_or_goes_leaves_no_duplicate_behind() -> None:
    policy = {"output-styles": NamePolicy("output style name", ("project style", "user style"))}
    table = NameTable(policy, Path("/home/u"))
    a, b = Path("/p/.claude/output-styles/a.md"), Path("/home/u/.claude/output-styles/b.md")
    table.record(a, DeclaredName(a, "x", 0, 1, "output-styles", "style", "OS204"))
    table.record(b, DeclaredName(b, "x", 0, 1, "output-styles", "style", "OS204"))
    hidden = table.duplicates(b)
    assert hidden is not None and f"Claude Code loads `{a}`" in hidden.message
    assert table.duplicates(a) is None  # the winner is not told (AL208's policy tells it)
    table.record(a, DeclaredName(a, "y", 0, 1, "output-styles", "style", "OS204"))
    assert table.duplicates(b) is None
    table.record(a, DeclaredName(a, "x", 0, 1, "output-styles", "style", "OS204"))
    table.record(a, None)
    assert table.duplicates(b) is None and a not in table.by_path
