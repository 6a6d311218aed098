"""The plugins dialect's engine: a plugin's layout (which files Claude Code finds, under which
names, and why not), the dialect each file gets, the PL findings, and the persona menu."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from agent_ls.core.frontmatter import read_source
from agent_ls.dialects import dialect_for
from agent_ls.dialects.base import CheckContext
from agent_ls.dialects.plugins import component_dialect, read_layout
from agent_ls.personas.agents import PersonaDirectory
from agent_ls.settings import Settings

AGENT = "---\nname: {}\ndescription: Does {}\n---\nBody\n"
MANIFEST = ".claude-plugin/plugin.json"


def plugin(root: Path, files: dict[str, str], manifest: object = None) -> Path:
    """Writes a plugin under `root` (a manifest `{"name": "kit"}` unless given)."""
    data = {"name": "kit"} if manifest is None else manifest
    files = {MANIFEST: data if isinstance(data, str) else json.dumps(data), **files}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def found(root: Path) -> dict[str, tuple[str | None, str | None]]:
    """Relative path → (name, code) of every file the layout has."""
    layout = read_layout(root)
    return {str(p.relative_to(root)): (f.name, f.code) for p, f in sorted(layout.files.items())}


@pytest.mark.parametrize(
    ("files", "manifest", "expected"),
    [
        (  # every default folder, names prefixed; agents keep their folders in the name
            {
                "agents/a.md": AGENT.format("rev", "x"),
                "agents/team/b.md": AGENT.format("deep", "x"),
                "commands/go.md": "Go\n",
                "commands/sub/run.md": "Run\n",
                "skills/lint/SKILL.md": "---\nname: other\n---\nS\n",
                "output-styles/deep/terse.md": "---\ndescription: d\n---\nS\n",
            },
            None,
            {
                "agents/a.md": ("kit:rev", None),
                "agents/team/b.md": ("kit:team:deep", None),
                "commands/go.md": ("kit:go", None),
                "commands/sub/run.md": ("kit:sub:run", None),
                "output-styles/deep/terse.md": ("kit:terse", None),
                "skills/lint/SKILL.md": ("kit:lint", None),
            },
        ),
        (  # a declared field replaces its default folder; skills add to skills/
            {
                "agents/old.md": AGENT.format("old", "x"),
                "custom/new.md": AGENT.format("new", "x"),
                "skills/a/SKILL.md": "A\n",
                "more/b/SKILL.md": "B\n",
            },
            {"name": "kit", "agents": ["./custom/new.md"], "skills": "./more"},
            {
                "agents/old.md": (None, "PL102"),
                "custom/new.md": ("kit:new", None),
                "more/b/SKILL.md": ("kit:b", None),
                "skills/a/SKILL.md": ("kit:a", None),
            },
        ),
        (  # a file listed inside the default folder still loads; its neighbours do not
            {"agents/one.md": AGENT.format("one", "x"), "agents/two.md": AGENT.format("two", "x")},
            {"name": "kit", "agents": ["./agents/one.md"]},
            {"agents/one.md": ("kit:one", None), "agents/two.md": (None, "PL102")},
        ),
        (  # Markdown that no scan reads
            {
                "skills/flat.md": "F\n",
                "skills/x/readme.md": "R\n",
                "commands/tool/SKILL.md": "S\n",
                "commands/tool/other.md": "O\n",
            },
            None,
            {
                "commands/tool/SKILL.md": ("kit:tool", None),
                "commands/tool/other.md": (None, "PL103"),
                "skills/flat.md": (None, "PL103"),
                "skills/x/readme.md": (None, "PL103"),
            },
        ),
        (  # names: none → the file's, a prefix written by hand is doubled, `.MD` is read
            {
                "agents/nameless.md": "---\ndescription: d\n---\nB\n",
                "agents/p.md": AGENT.format("kit:p", "x"),
                "agents/Up.MD": AGENT.format("up", "x"),
            },
            None,
            {
                "agents/Up.MD": ("kit:up", None),
                "agents/nameless.md": ("kit:nameless", None),
                "agents/p.md": ("kit:kit:p", "PL301"),
            },
        ),
        (  # a refused manifest: nothing loads
            {"agents/a.md": AGENT.format("a", "x")},
            {"name": "kit", "agents": "./agents"},
            {"agents/a.md": (None, "PL101")},
        ),
        ({"agents/a.md": AGENT.format("a", "x")}, '{"name": ', {"agents/a.md": (None, "PL101")}),
        (
            {"agents/a.md": AGENT.format("a", "x")},
            {"version": "1"},
            {"agents/a.md": (None, "PL101")},
        ),
    ],
)
def test_layout(
    tmp_path: Path, files: dict[str, str], manifest: object, expected: dict[str, object]
) -> None:
    assert found(plugin(tmp_path, files, manifest)) == expected


def test_a_root_skill_and_the_plugin_name_from_its_folder(tmp_path: Path) -> None:
    root = plugin(tmp_path / "bare", {"SKILL.md": "---\nname: rooty\n---\nS\n"})
    assert read_layout(root).names() == ["kit:rooty"]
    (root / MANIFEST).unlink()  # given to --plugin-dir, a folder without manifest is a plugin
    (root / "SKILL.md").unlink()
    (root / "agents").mkdir()
    (root / "agents/a.md").write_text(AGENT.format("a", "x"))
    assert read_layout(root).names() == ["bare:a"]


def test_plugin_files_get_their_component_dialect(tmp_path: Path) -> None:
    root = plugin(
        tmp_path,
        {
            "agents/broken.md": "---\ndescription: d\n---\nB\n",
            "agents/typo.md": "---\nname: t\ndescription: d\ntools: Reed\n---\nB\n",
            "output-styles/house.md": "---\nname: h\ndescription: d\nforce-for-plugin: true\n---\nS\n",
            "README.md": "# kit\n",
        },
    )

    def codes(rel: str) -> list[str]:
        dialect = dialect_for(root / rel, tmp_path, Settings())
        assert dialect is not None
        source = read_source((root / rel).read_text())
        return [f.code for f in dialect.check(source, CheckContext(dialect.catalogue, True, "x"))]

    assert codes("agents/broken.md") == ["PL401"]  # dropped elsewhere, loaded in a plugin
    assert "AL401" in codes("agents/typo.md")
    assert codes("output-styles/house.md") == []  # force-for-plugin is a plugin's
    assert component_dialect(root / "README.md") is None


def test_the_persona_menu_lists_plugin_agents(tmp_path: Path) -> None:
    plugin(
        tmp_path / "kit",
        {"agents/team/rev.md": AGENT.format("rev", "reviews"), "agents/no.md": "---\n---\n"},
    )
    directory = PersonaDirectory()
    directory.scan(tmp_path, ["**/.claude/agents/**/*.md"])
    personas = directory.personas()
    assert "kit:team:rev" in personas and personas["kit:team:rev"].description == "Does reviews"


def test_a_folder_walk_checks_plugin_files_by_their_dialect() -> None:
    """`agent-ls check` over a workspace: the plugin's style may force itself, the project's
    may not; the agent the manifest leaves out is an Error; the manifest is checked too (the
    `styles` sample workspace)."""
    from agent_ls.workspace import check_paths, walk_dialect_files

    root = Path(__file__).parent.parent / "workspaces" / "styles"
    settings = Settings()
    reports, errors = check_paths(walk_dialect_files(root, settings), set(), root, settings)
    assert not errors
    codes = {str(r.path.relative_to(root)): [f.code for f in r.findings] for r in reports}
    assert codes == {
        ".claude/output-styles/terse.md": ["OS402"],
        "tools-plugin/.claude-plugin/plugin.json": [],  # the manifest, by its own dialect
        "tools-plugin/agents/helper.md": ["PL102"],
        "tools-plugin/agents/reviewer.md": [],
        "tools-plugin/output-styles/house.md": [],
    }


def test_names_follow_the_text_and_new_files_are_found(tmp_path: Path) -> None:
    root = plugin(tmp_path, {"agents/rev.md": AGENT.format("rev", "x")})
    path = root / "agents/rev.md"
    dialect = component_dialect(path)
    assert dialect is not None
    typed = AGENT.format("kit:rev", "x")  # unsaved text in the editor
    found = dialect.check(read_source(typed), CheckContext(dialect.catalogue, True, "rev"))
    prefixed = next(f for f in found if f.code == "PL301")
    assert "`kit:kit:rev`" in prefixed.message
    (root / "agents/new.md").write_text(AGENT.format("new", "x"))
    os.utime(root / "agents", ns=(1, 1))  # the folder's entries changed
    assert "kit:new" in read_layout(root).names()
