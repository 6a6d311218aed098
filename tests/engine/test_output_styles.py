"""The output-styles dialect's engine: a row per rule (text → codes with exact ranges), the
loader (name, description, prompt, flags as Claude Code reads them), quick fixes, hover,
completion and schema."""

from __future__ import annotations

import pytest

from agent_ls.core.frontmatter import read_source
from agent_ls.dialects import dialect_for
from agent_ls.dialects.output_styles import DIALECT
from agent_ls.settings import Settings

FM = "---\n{}\n---\nAnswer briefly.\n"


def check(text: str, stem: str = "terse", plugin: str | None = None) -> list[tuple[str, str]]:
    """(code, the text its range covers) for every finding."""
    found = DIALECT.check(read_source(text), DIALECT.context(stem, plugin))
    return [(f.code, text[f.start : f.end]) for f in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (FM.format("name: terse\ndescription: Short"), []),
        ("Answer briefly.\n", []),  # no frontmatter: named after the file, nothing lost
        ("\n---\nname: terse\n---\nBody\n", [("OS101", "---")]),
        ("---\nname: terse\n\nBody\n", [("OS101", "---")]),
        (FM.format("name: t\ndescription: [open\n  - x: {"), [("OS110", ":")]),
        (FM.format("name: t\ndescription: Use when: asked"), [("OS111", ":")]),
        (FM.format('name: ""\ndescription: d'), [("OS201", '""')]),
        (FM.format("name: 42\ndescription: d"), [("OS202", "42")]),
        (FM.format("name: [a, b]\ndescription: d"), [("OS202", "[a, b]")]),
        (FM.format('name: "   "\ndescription: d'), [("OS202", '"   "')]),
        (FM.format("name: Explanatory\ndescription: d"), [("OS203", "name")]),
        (FM.format("name: t\ndescription:\n  - a\n  - b"), [("OS301", "- a\n  - b")]),
        (FM.format("name: t"), [("OS302", "name")]),
        (FM.format('name: t\ndescription: ""'), [("OS302", "description")]),
        (
            FM.format("name: t\ndescription: d\nkeep-coding-instructions: maybe"),
            [("OS401", "maybe")],
        ),
        (FM.format("name: t\ndescription: d\nkeep-coding-instructions: yes"), []),
        (FM.format("name: t\ndescription: d\nkeep-coding-instructions: 0"), []),
        (
            FM.format("name: t\ndescription: d\nforce-for-plugin: true"),
            [("OS402", "force-for-plugin")],
        ),
        (FM.format("name: t\ndescription: d\nmodel: opus"), [("OS403", "model")]),
        (FM.format("Name: t\ndescription: d"), [("OS403", "Name")]),
        ("---\nname: t\ndescription: d\n---\n", [("OS501", "---")]),
    ],
)
def test_rules(text: str, expected: list[tuple[str, str]]) -> None:
    assert check(text) == expected


def test_force_for_plugin_is_read_in_a_plugin() -> None:
    text = FM.format("name: house\ndescription: d\nforce-for-plugin: true")
    assert check(text, "house", plugin="tools") == []
    style = DIALECT.load(read_source(text), "house", plugin="tools")
    assert (style.name, style.force_for_plugin) == ("tools:house", True)


@pytest.mark.parametrize(
    ("text", "stem", "name", "description"),
    [
        (FM.format("name: Terse\ndescription: Short"), "terse", "Terse", "Short"),
        (FM.format("description: Short"), "terse", "terse", "Short"),
        ("# Be brief\n\nText\n", "brief", "brief", "Be brief"),
        (FM.format("name: 1.0\ndescription: 2.50"), "x", "1", "2.5"),
        (FM.format("name: [a, b]\ndescription: true"), "x", "a,b", "true"),
        ("---\nname: t\n---\n" + "w" * 120 + "\n", "x", "t", "w" * 97 + "..."),
        ("---\nname: t\n---\n", "x", "t", "Custom x output style"),
        (FM.format("name: t\ndescription: [a\n  - x: {"), "broken", "broken", "Answer briefly."),
        (FM.format("name: t\ndescription: [unclosed"), "x", "t", "[unclosed"),  # the retry
    ],
)
def test_loader_names_and_describes(text: str, stem: str, name: str, description: str) -> None:
    style = DIALECT.load(read_source(text), stem)
    assert (style.name, style.description) == (name, description)


def test_loader_reads_flags_and_prompt() -> None:
    text = FM.format("name: t\nkeep-coding-instructions: 'on'\nforce-for-plugin: true")
    style = DIALECT.load(read_source(text), "t")
    assert style.keep_coding_instructions is True
    assert style.force_for_plugin is None  # read only for a plugin's style
    assert style.prompt == "Answer briefly."


def test_ignored_key_fix_renames_it() -> None:
    text = FM.format("name: t\ndescripton: d")
    found = DIALECT.check(read_source(text), DIALECT.context("t"))
    finding = next(f for f in found if f.code == "OS403")
    rename = finding.fixes[0]
    assert rename.title == "Change to `description`"
    edit = rename.edits[0]
    assert text[: edit.start] + edit.text + text[edit.end :] == FM.format("name: t\ndescription: d")


def test_hover_and_completion() -> None:
    text = FM.format("name: t\nkeep-coding-instructions: yes")
    source = read_source(text)
    key = DIALECT.hover(source, text.index("keep"), [])
    assert key is not None and "software-engineering instructions" in key[0]
    value = DIALECT.hover(source, text.index("yes"), [])
    assert value is not None and "reads **true**" in value[0]
    draft = "---\nname: t\nfo\n---\n"
    labels = [c.label for c in DIALECT.complete(read_source(draft), draft.index("fo") + 2, None)]
    assert labels == ["description", "keep-coding-instructions", "force-for-plugin"]
    at = "---\nkeep-coding-instructions: \n---\n"
    values = DIALECT.complete(read_source(at), at.index(": ") + 2, None)
    assert [c.label for c in values] == ["true", "false"]


def test_schema_comes_from_the_value_types() -> None:
    schema = DIALECT.schema()
    assert list(schema["properties"]) == list(DIALECT.catalogue.keys)
    flag = schema["properties"]["keep-coding-instructions"]
    assert {"type": "boolean"} in flag["anyOf"] and "yes" in flag["anyOf"][1]["enum"]


@pytest.mark.parametrize(
    ("path", "chosen"),
    [
        ("/ws/.claude/output-styles/terse.md", True),
        ("/ws/.claude/output-styles/team/deep/terse.md", True),
        ("/ws/.claude/output-styles/terse.MD", False),
        ("/ws/.claude/agents/terse.md", False),
    ],
)
def test_dialect_chosen_by_path(path: str, chosen: bool) -> None:
    from pathlib import Path

    assert (dialect_for(Path(path), Path("/ws"), Settings()) is DIALECT) is chosen
