"""The skills and commands rules as tables: a file at its place in a workspace in, findings out,
with exact codes, severities and the text each range covers; then the loader, the value types'
completion, hover and schema, and the quick fixes.

Each row says what Claude Code (2.1.332) does with the file (docs/claude-code.md, "Skills and
slash commands"). The files are written under a temporary workspace, since where a skill or a
command sits decides whether Claude Code reads it and under which name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from agent_ls.core.findings import Severity
from agent_ls.core.frontmatter import read_source
from agent_ls.core.renames import target_of
from agent_ls.dialects import dialect_for, dialect_named
from agent_ls.dialects.base import CheckContext, ValueSite
from agent_ls.dialects.commands import DIALECT as COMMANDS
from agent_ls.dialects.skills import DIALECT as SKILLS
from agent_ls.dialects.skills import SkillsDialect
from agent_ls.features.fixes import apply_edits, move_file
from agent_ls.settings import Settings

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFORMATION  # noqa: E741


def doc(*lines: str, body: str = "Do the thing.\n") -> str:
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body


HEAD = ("name: demo", "description: Does the demo")


@dataclass(frozen=True)
class Row:
    id: str
    path: str  # under the workspace
    text: str
    expected: tuple[tuple[str, Severity, str], ...]  # code, severity, the text the range covers
    neighbours: tuple[str, ...] = ()  # other files to create (empty)


SKILL = ".claude/skills/demo/SKILL.md"
CMD = ".claude/commands/demo.md"

ROWS = [
    Row("valid skill", SKILL, doc(*HEAD), ()),
    Row("valid command", CMD, doc("description: Does the demo"), ()),
    # -- where the file sits
    Row(
        "skill.md in lowercase", ".claude/skills/demo/skill.md", doc(*HEAD), (("SK102", E, "---"),)
    ),
    Row("SKILL.md nested", ".claude/skills/a/demo/SKILL.md", doc(*HEAD), (("SK103", E, "---"),)),
    Row("loose file in skills/", ".claude/skills/demo.md", doc(*HEAD), (("SK104", E, "---"),)),
    Row("README in skills/", ".claude/skills/README.md", "# Our skills\n", ()),
    Row(
        "folder without SKILL.md",
        ".claude/skills/demo/notes.md",
        doc(*HEAD),
        (("SK105", E, "---"),),
    ),
    Row(
        "support file next to SKILL.md",
        ".claude/skills/demo/reference.md",
        doc(*HEAD),
        (),
        ("SKILL.md",),
    ),
    Row("support file without frontmatter", ".claude/skills/demo/notes.md", "Notes.\n", ()),
    Row("command .MD", ".claude/commands/demo.MD", doc("description: d"), (("CM106", E, "---"),)),
    Row(
        "command hidden by SKILL.md",
        ".claude/commands/ns/demo.md",
        doc("description: d"),
        (("CM107", E, "---"),),
        ("SKILL.md",),
    ),
    Row(
        "command with a skill's name",
        CMD,
        doc("description: d"),
        (("CM108", E, "---"),),
        ("../skills/demo/SKILL.md",),
    ),
    Row(
        "SKILL.md in commands/ is a command",
        ".claude/commands/demo/SKILL.md",
        doc("description: d"),
        (),
    ),
    Row("over the size limit", SKILL, doc(*HEAD, body="x" * 1_000_001), (("SK101", E, "---"),)),
    Row(
        "folder with spaces",
        ".claude/skills/my demo/SKILL.md",
        doc("description: d"),
        (("SK206", W, "---"),),
    ),
    # -- the frontmatter
    Row("no frontmatter", SKILL, "# Demo\n\nDo it.\n", (("SK110", I, "# D"),)),
    Row("blank line before the fence", SKILL, "\n" + doc(*HEAD), (("SK111", W, "---"),)),
    Row("unclosed fence", SKILL, "---\nname: demo\n\nBody.\n", (("SK111", W, "---"),)),
    Row(
        "YAML error",
        SKILL,
        doc("name: demo", "description: Reviews.", "  Example: x"),
        (("SK112", W, "  Example: x"),),
    ),
    Row(
        "lenient retry",
        SKILL,
        doc("name: demo", "description: Use when: asked"),
        (("SK113", I, "description: Use when: asked"),),
    ),
    Row("conditional", SKILL, doc(*HEAD, "paths: src/**"), (("SK109", I, "paths"),)),
    Row(
        "duplicate key", SKILL, doc(*HEAD, "model: haiku", "model: opus"), (("SK207", W, "model"),)
    ),
    # -- keys
    Row("misspelt key", SKILL, doc(*HEAD, "allowedTools: Read"), (("SK201", W, "allowedTools"),)),
    Row(
        "tools instead of allowed-tools",
        CMD,
        doc("description: d", "tools: Read"),
        (("CM201", W, "tools"),),
    ),
    Row("ignored key", SKILL, doc(*HEAD, "colour: blue"), (("SK202", I, "colour"),)),
    Row("inert key", SKILL, doc(*HEAD, "license: MIT"), ()),
    Row(
        "name differs from the folder",
        SKILL,
        doc("name: other", "description: d"),
        (("SK203", I, "other"),),
    ),
    Row("name in a command", CMD, doc("name: demo", "description: d"), (("CM204", I, "name"),)),
    Row(
        "name over 256",
        SKILL,
        doc("name: " + "n" * 257, "description: d"),
        (("SK205", W, "n" * 257),),
    ),
    # -- the description
    Row(
        "description a list",
        SKILL,
        doc("name: demo", "description: [a, b]"),
        (("SK210", W, "[a, b]"),),
    ),
    Row("no description", SKILL, doc("name: demo"), (("SK211", I, "---"),)),
    Row("empty description", CMD, doc("description:"), (("CM211", I, "description"),)),
    Row(
        "description cut",
        SKILL,
        doc("name: demo", "description: " + "d" * 1600),
        (("SK212", W, "d" * 1600),),
    ),
    Row(
        "description and when_to_use cut",
        SKILL,
        doc("name: demo", "description: d", "when_to_use: " + "w" * 1600),
        (("SK212", W, "d"),),
    ),
    # -- allowed-tools
    Row(
        "tools kept verbatim",
        SKILL,
        doc(*HEAD, "allowed-tools: Read, Bash(git diff:*), mcp__gh__x"),
        (),
    ),
    Row("wrong-case tool", SKILL, doc(*HEAD, "allowed-tools: read, Grep"), (("SK301", W, "read"),)),
    Row(
        "wrong-case rule",
        SKILL,
        doc(*HEAD, "allowed-tools: bash(touch:*)"),
        (("SK301", W, "bash"),),
    ),
    Row(
        "unknown tool in a list",
        SKILL,
        doc(*HEAD, "allowed-tools:", "  - Read", "  - FooBar"),
        (("SK301", W, "FooBar"),),
    ),
    Row("removed tool", CMD, doc("description: d", "allowed-tools: LS"), (("CM302", W, "LS"),)),
    Row("allowed-tools a number", SKILL, doc(*HEAD, "allowed-tools: 3"), (("SK303", W, "3"),)),
    # -- model, booleans, enums
    Row("model alias in any case", SKILL, doc(*HEAD, "model: SONNET"), ()),
    Row("model with [1m]", SKILL, doc(*HEAD, "model: opus[1m]"), ()),
    Row("unknown model", SKILL, doc(*HEAD, "model: gpt-4"), (("SK401", E, "gpt-4"),)),
    Row(
        "other claude ID",
        CMD,
        doc("description: d", "model: claude-x-9"),
        (("CM402", I, "claude-x-9"),),
    ),
    Row("boolean yes", SKILL, doc(*HEAD, "disable-model-invocation: yes"), ()),
    Row(
        "boolean other string",
        SKILL,
        doc(*HEAD, "user-invocable: sometimes"),
        (("SK501", W, "sometimes"),),
    ),
    Row(
        "nobody can run it",
        SKILL,
        doc(*HEAD, "disable-model-invocation: true", "user-invocable: false"),
        (("SK502", W, "user-invocable"),),
    ),
    Row("effort level", SKILL, doc(*HEAD, "effort: HIGH"), ()),
    Row("effort integer", SKILL, doc(*HEAD, "effort: 20000"), ()),
    Row("effort invalid", SKILL, doc(*HEAD, "effort: extreme"), (("SK503", W, "extreme"),)),
    Row("unknown shell", SKILL, doc(*HEAD, "shell: zsh"), (("SK504", W, "zsh"),)),
    Row("context not fork", CMD, doc("description: d", "context: spawn"), (("CM504", W, "spawn"),)),
    Row("context is case-sensitive", SKILL, doc(*HEAD, "context: Fork"), (("SK504", W, "Fork"),)),
    Row("shell is not", SKILL, doc(*HEAD, "shell: PowerShell"), ()),
    # -- the body
    Row(
        "$1 without $0", CMD, doc("description: d", body="Review $1 now.\n"), (("CM601", I, "$1"),)
    ),
    Row("$1 with $0", CMD, doc("description: d", body="Diff $0 against $1.\n"), ()),
    Row(
        "@file",
        SKILL,
        doc(*HEAD, body="Follow @docs/style.md please.\n"),
        (("SK602", I, "@docs/style.md"),),
    ),
    Row("@file in code", SKILL, doc(*HEAD, body="```\n@docs/style.md\n```\nand `@a.md`\n"), ()),
    Row("e-mail is no @file", SKILL, doc(*HEAD, body="Write to me@example.com.\n"), ()),
    Row(
        "!-command not allowed",
        CMD,
        doc("description: d", body="Now: !`git status`\n"),
        (("CM603", I, "!`git status`"),),
    ),
    Row(
        "!-command allowed",
        CMD,
        doc("description: d", "allowed-tools: Bash(git status:*)", body="Now: !`git status`\n"),
        (),
    ),
]


def _write(root: Path, row: Row) -> Path:
    path = root / row.path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(row.text, "utf-8")
    for other in row.neighbours:
        extra = (path.parent / other).resolve()
        extra.parent.mkdir(parents=True, exist_ok=True)
        extra.write_text(doc("description: other"), "utf-8")
    return path


def _dialect(path: str) -> SkillsDialect:
    return SKILLS if "/skills/" in path else COMMANDS


def _check(root: Path, row: Row) -> list[tuple[str, Severity, str]]:
    path = _write(root, row)
    dialect = _dialect(row.path)
    ctx = CheckContext(dialect.catalogue, path=path, file_stem=path.stem)
    findings = dialect.check(read_source(row.text), ctx)
    return [(f.code, f.severity, row.text[f.start : f.end]) for f in findings]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_rules(row: Row, tmp_path: Path) -> None:
    assert _check(tmp_path, row) == list(row.expected)


def test_every_code_has_a_row() -> None:
    """Each rule of the SK and CM codes is exercised by a row (a shared rule by one of them)."""
    covered = {code[2:] for row in ROWS for code, _, _ in row.expected}
    covered.add(SKILLS.name_slot.code[2:])  # names across files: tests/engine/test_names.py
    for dialect in (SKILLS, COMMANDS):
        missing = sorted(code for code in dialect.codes if code[2:] not in covered)
        assert not missing, f"{dialect.name}: codes without a row: {missing}"


def test_the_registry_names_both_dialects() -> None:
    assert dialect_named("skills") is SKILLS
    assert dialect_named("commands") is COMMANDS


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (".claude/commands/a/b/review.md", "a:b:review"),
        (".claude/commands/review.md", "review"),
        (".claude/commands/tools/SKILL.md", "tools"),
        ("plugin/commands/review.md", "review"),
    ],
)
def test_a_command_is_named_by_its_path(path: str, name: str, tmp_path: Path) -> None:
    file = tmp_path / path
    file.parent.mkdir(parents=True)
    file.write_text(doc("name: ignored", "description: d"))
    loaded = COMMANDS.load_at(read_source(file.read_text()), file)
    assert loaded is not None and loaded.name == name and loaded.display_name is None


def test_the_loader_reads_what_claude_code_reads(tmp_path: Path) -> None:
    text = doc(
        "name: shown",
        "description: Reviews",
        "when_to_use: when asked",
        "allowed-tools: Read, Bash(git diff:*)",
        "model: Haiku",
        "disable-model-invocation: on",
        "user-invocable: no",
    )
    file = tmp_path / ".claude/skills/review/SKILL.md"
    file.parent.mkdir(parents=True)
    file.write_text(text)
    loaded = SKILLS.load_at(read_source(text), file)
    assert loaded is not None
    assert (loaded.name, loaded.display_name) == ("review", "shown")
    assert loaded.description == "Reviews - when asked"
    assert loaded.allowed_tools == ["Read", "Bash(git diff:*)"]
    assert loaded.model == SKILLS.catalogue.agents.model_aliases["haiku"][0]
    assert not loaded.model_invocable and not loaded.user_invocable


def test_a_broken_frontmatter_loads_with_the_first_body_line(tmp_path: Path) -> None:
    text = doc("description: a.", "  Example: b", "model: haiku", body="\n## Title here\n")
    loaded = SKILLS.load_at(read_source(text), None)
    assert loaded is not None
    assert loaded.description == "Title here" and loaded.model is None


def _site(key: str, typed: str = "", after: str = "") -> ValueSite:
    spec = SKILLS.catalogue.keys[key]
    return ValueSite(spec, typed, after, False, SKILLS.catalogue, frozenset({"github"}))


def test_value_types_complete_tools_models_booleans_and_enums() -> None:
    types = SKILLS.value_types
    tools = [
        o.label for o in types.get("allowedTools").candidates(_site("allowed-tools", "Read, "))
    ]
    assert "Grep" in tools and "Read" not in tools and "mcp__github" in tools
    models = [o.label for o in types.get("model").candidates(_site("model"))]
    assert {"sonnet", "opus", "haiku", "inherit"} <= set(models)
    booleans = [o.label for o in types.get("boolean").candidates(_site("user-invocable"))]
    assert booleans == ["true", "false"]
    shells = [o.label for o in types.get("enum").candidates(_site("shell"))]
    assert shells == ["bash", "powershell"]


def test_value_types_hover_models_and_tools() -> None:
    text = doc(*HEAD, "model: opus", "allowed-tools: Read, read")
    source = read_source(text)
    assert source.frontmatter is not None
    entries = {e.key: e for e in source.frontmatter.entries}
    cat = SKILLS.catalogue
    model = entries["model"]
    shown = SKILLS.value_types.get("model").hover(
        model, model.value_start, text, cat.keys["model"], cat
    )
    assert shown is not None and cat.agents.model_aliases["opus"][0] in shown[0]
    tools = entries["allowed-tools"]
    lower = text.index("read", tools.value_start)
    shown = SKILLS.value_types.get("allowedTools").hover(
        tools, lower + 1, text, cat.keys["allowed-tools"], cat
    )
    assert shown is not None and "allows nothing" in shown[0]


def test_the_quick_fixes_repair_what_they_name(tmp_path: Path) -> None:
    """Applying a finding's preferred fix makes that finding go away (a rename moves the file
    on disk, and the file is checked at its new place)."""
    for row in ROWS:
        path = _write(tmp_path / row.id.replace(" ", "-"), row)
        dialect = _dialect(row.path)
        ctx = CheckContext(dialect.catalogue, path=path)
        for finding in dialect.check(read_source(row.text), ctx):
            fix = next((f for f in finding.fixes if f.preferred), None)
            if fix is None:
                continue
            fixed = apply_edits(row.text, fix.edits)
            moved = path
            if fix.rename is not None:
                moved = target_of(path, fix.rename)
                assert move_file(path, moved), (row.id, moved)
            again = dialect.check(read_source(fixed), CheckContext(dialect.catalogue, path=moved))
            assert finding.code not in [f.code for f in again], (row.id, finding.code, fixed)
            if moved != path:
                assert move_file(moved, path)


def test_codes_explain_themselves() -> None:
    for dialect in (SKILLS, COMMANDS):
        for code, row in dialect.codes.items():
            assert code.startswith(dialect.prefix) and row.title and row.explanation
            assert "${" not in row.title + row.explanation + row.fix


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (".claude/skills/review/SKILL.md", "skills"),
        (".claude/skills/review/reference.md", "skills"),
        ("my-plugin/skills/review/SKILL.md", "skills"),
        (".claude/commands/git/push.md", "commands"),
        (".claude/commands/push.MD", "commands"),
        (".claude/agents/reviewer.md", "agents"),
        ("docs/SKILL.md", None),
    ],
)
def test_the_dialect_is_chosen_by_path(path: str, name: str | None) -> None:
    root = Path("/workspace")
    dialect = dialect_for(root / path, root, Settings())
    assert (dialect.name if dialect else None) == name


def test_extra_tools_and_keys_from_the_settings(tmp_path: Path) -> None:
    row = Row("extra", SKILL, doc(*HEAD, "allowed-tools: MyTool", "team: core"), ())
    path = _write(tmp_path, row)
    plain = SKILLS.check(read_source(row.text), CheckContext(SKILLS.catalogue, path=path))
    assert [f.code for f in plain] == ["SK301", "SK202"]
    settings = Settings(extra_keys=("team",), extra_tools=("MyTool",))
    configured = SKILLS.with_settings(settings)
    ctx = CheckContext(configured.catalogue, path=path)
    assert configured.check(read_source(row.text), ctx) == []


ODD_VALUES = [
    "",
    "~",
    "3",
    "-1.5",
    "true",
    "[a, b]",
    "[]",
    "{a: 1}",
    "{}",
    "'quoted'",
    "&x a",
    "|\n  block",
]


@pytest.mark.parametrize("dialect", [SKILLS, COMMANDS], ids=["skills", "commands"])
def test_any_value_of_any_key_gives_findings_not_a_crash(dialect: SkillsDialect) -> None:
    """Every key with values of every YAML shape: checked, completed and hovered cleanly."""
    for key in [*dialect.catalogue.keys, "allowedTools", "colour"]:
        for value in ODD_VALUES:
            text = doc(f"{key}: {value}", body="Use $1 and @a.md and !`x`.\n")
            source = read_source(text)
            for finding in dialect.check(source, CheckContext(dialect.catalogue)):
                assert 0 <= finding.start <= finding.end <= len(text)
            at = text.index(":") + 2
            dialect.complete(source, at, None)
            dialect.hover(source, at, [])
