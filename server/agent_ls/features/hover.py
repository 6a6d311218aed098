"""Hover text for a position in a frontmatter file: keys from the dialect's catalogue, values
from their value types, and the codes of the findings there."""

from __future__ import annotations

import re

import yaml

from agent_ls.core.findings import Finding, explain
from agent_ls.core.frontmatter import Entry, MarkdownSource, editing_source
from agent_ls.dialects.base import FrontmatterFeatures


def hover_frontmatter(
    dialect: FrontmatterFeatures, source: MarkdownSource, offset: int, findings: list[Finding]
) -> tuple[str, int, int] | None:
    """Returns (Markdown, start, end) for what lies at `offset`, or None: a key's doc, what its
    value type says of the value, and the explanation of each finding there."""
    cat = dialect.catalogue
    parts: list[str] = []
    span: tuple[int, int] | None = None
    source = editing_source(source)
    fm = source.frontmatter
    entry = next(
        (
            e
            for e in (fm.entries if fm else [])
            if e.key_start <= offset <= max(e.value_end, e.key_end)
        ),
        None,
    )
    if entry is None and fm is not None and not fm.entries:
        entry = _line_entry(source, offset)
    if entry is not None:
        spec = cat.keys.get(entry.key)
        if offset <= entry.key_end:
            if spec is not None:
                parts.append(
                    f"**{spec.name}**{' (required)' if spec.required else ''}\n\n{spec.doc}"
                )
            elif entry.key in cat.extra_keys:
                parts.append(
                    f"**{entry.key}**: declared in agent-ls settings; Claude Code ignores it."
                )
            span = (entry.key_start, entry.key_end)
        elif spec is not None:
            value_type = dialect.value_types.get(spec.type)
            value = value_type.hover(entry, offset, source.text, spec, cat)
            if value:
                parts.append(value[0])
                span = value[1:]
    for finding in findings:
        if finding.start <= offset <= max(finding.end, finding.start + 1):
            text = explain(finding.code)
            if text and text not in parts:
                parts.append(text)
                span = span or (finding.start, finding.end)
    if not parts or span is None:
        return None
    return "\n\n---\n\n".join(parts), span[0], span[1]


_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*([^\r\n]*?)[ \t]*(?:#.*)?$")


def _line_entry(source: MarkdownSource, offset: int) -> Entry | None:
    """The top-level `key: value` on the line at `offset`, read from the text alone: hover keeps
    working while the YAML is broken mid-edit and nothing parses."""
    split, text = source.split, source.text
    if not split.yaml_start <= offset <= split.yaml_end:
        return None
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = _KEY_LINE.match(text, start, len(text) if end == -1 else end)
    if line is None:
        return None
    value = line.group(2)
    node = yaml.ScalarNode("tag:yaml.org,2002:str", value)
    return Entry(line.group(1), start, line.end(1), node, line.start(2), line.end(2), value)
