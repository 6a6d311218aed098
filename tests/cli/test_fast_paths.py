"""The shortcuts `check` takes for the common case give what the general code gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from agent_ls import cli, workspace
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
