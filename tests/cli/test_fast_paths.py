"""The shortcuts `check` takes for the common case give what the general code gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ls import cli, workspace
from agent_ls.core import frontmatter
from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import read_source
from agent_ls.core.textindex import LineIndex

TEXTS = [
    "---\nname: a\ndescription: one line\ntools: Read, LS\n---\nBody\n",
    '---\nname: a\ndescription: "quoted\n  on two lines"\ntools:\n  - Read\n  - LS\n---\n',
    "---\nname: é😀b\ndescription: x\ncolor: #ff0000\n---\n\n",
    "---\nname: a\ndescription: >\n  folded\n  text\nhooks:\n  Stop: [{hooks: []}]\n---\n",
]


def _nodes(text: str) -> list[yaml.Node]:
    fm = read_source(text).frontmatter
    assert fm is not None
    nodes: list[yaml.Node] = []
    stack = [n for e in fm.entries for n in (e.node,)]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, yaml.MappingNode):
            stack += [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return nodes


@pytest.mark.parametrize("text", TEXTS)
def test_spans_from_the_marks_index_equal_spans_from_lines(text: str) -> None:
    fm = read_source(text).frontmatter
    assert fm is not None and fm.plain_marks
    for node in _nodes(text):
        fast = fm.span(node)
        fm.plain_marks = False
        assert fm.span(node) == fast
        fm.plain_marks = True


@pytest.mark.parametrize("text", ["---\r\nname: a\r\n---\r\n", "\ufeff---\nname: a\ufeff\n---\n"])
def test_frontmatter_with_other_line_breaks_takes_the_line_table(text: str) -> None:
    fm = read_source(text).frontmatter
    assert fm is not None and not fm.plain_marks


@pytest.mark.parametrize("text", [*TEXTS, "---\nname: a\r\nx: y\n---\n"])
def test_rows_without_a_line_index_equal_rows_with_one(text: str) -> None:
    findings = [Finding("AL401", "m", s, e) for s in range(0, len(text), 7) for e in (s, s + 9)]
    findings = [f for f in findings if f.end <= len(text)]
    report = workspace.FileReport(Path("a.md"), text, findings)
    index = LineIndex(text)
    rows = cli._rows(report)
    assert [(r.start, r.end) for r in rows] == [
        (index.position(f.start), index.position(f.end)) for f in findings
    ]


_GLOBS = [
    ".claude/agents/**/*.md",
    "**/.claude/agents/**/*.md",
    "**/SKILL.md",
    "skills/*/SKILL.md",
    "*.md",
    "agents/a?.md",
    "**",
    "agents/**",
    "a**/x.md",
    "**/x.md",
    "team/**/b*/*.md",
    ".claude/settings.json",
]
_ROOT = Path("/work/p")
_PATHS = [
    _ROOT / ".claude/agents/a.md",
    _ROOT / ".claude/agents/team/deep/a.md",
    _ROOT / "x.md",
    _ROOT / "ax.md",
    _ROOT / "a/x.md",
    _ROOT / "ab/c/x.md",
    _ROOT / "skills/s/SKILL.md",
    _ROOT / "SKILL.md",
    _ROOT / "agents/ab.md",
    _ROOT / "agents/x/y.md",
    _ROOT / "team/b1/z.md",
    _ROOT / "team/q/bee/z.md",
    _ROOT / ".claude/settings.json",
    Path("/elsewhere/.claude/agents/a.md"),
    Path("/x.md"),
    Path("rel/.claude/agents/a.md"),
]


@pytest.mark.parametrize("glob", _GLOBS)
def test_globs_matched_per_folder_equal_globs_matched_per_path(glob: str) -> None:
    from agent_ls.core import globs

    for root in (_ROOT, _ROOT / ".claude/agents", None):
        for path in _PATHS:
            folder, name = os.path.split(path)
            whole = globs._matches_whole(folder, name, root, (glob,))
            assert globs.matches_globs(path, root, (glob,)) is whole, (path, root)


def _split_by_the_regex(text: str) -> frontmatter.Split:
    """Claude Code's split as its regex gives it (what `split_frontmatter` does faster)."""
    start = 1 if text.startswith(frontmatter.BOM) else 0
    match = frontmatter.FRONTMATTER.match(text, start)
    if match is None:
        return frontmatter.Split(False, body_start=start)
    close = text.rfind("---", match.start(1), match.end())
    return frontmatter.Split(True, match.start(1), match.end(1), close, close + 3, match.end())


_SPLIT_TEXTS = [
    *TEXTS,
    "",
    "---",
    "---\n",
    "---\n---",
    "---\n---\n",
    "----\n----\n",
    "--- \t\n \n\nname: a\n---  \n\n  body",
    "\ufeff---\nname: a\n---\nbody",
    "---\r\nname: a\r\n---\r\nbody",
    "---name: a\n---\n",
    " ---\nname: a\n---\n",
    "---\nname: a\ndescription: x --- y\n---\n",
    "---\n\u2028\nname: a\n---\u2029\x85body",
    "---\nname: a\n",
]


@pytest.mark.parametrize("text", _SPLIT_TEXTS)
def test_frontmatter_split_equals_claude_codes_regex(text: str) -> None:
    assert frontmatter.split_frontmatter(text) == _split_by_the_regex(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["---", "-", "\n", "\r", " ", "\t", "\ufeff", "\x85", "a: b"])))
def test_frontmatter_split_equals_the_regex_on_any_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert frontmatter.split_frontmatter(text) == _split_by_the_regex(text)


@pytest.mark.parametrize(
    "line", ["description: a: b", "description:   x {y} #z", 'd: say "hi" \\ a: b', "d: é: ü"]
)
def test_retry_columns_equal_the_per_character_map(line: str) -> None:
    retry, rewritten = frontmatter.lenient_rewrite(line)
    column = rewritten[0]
    quote = retry.index(": ") + 2
    expected = [min(c, column) for c in range(quote)] + [column]
    for i, ch in enumerate(line[column:]):
        expected += [column + i] * (2 if ch in '\\"' else 1)
    expected += [len(line), len(line)]
    assert frontmatter._retry_columns(line, retry, column) == expected
