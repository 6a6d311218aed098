"""Hover text for a position in an agent file: keys, tools, models, colors, values, codes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from agent_ls.core.findings import Finding, explain
from agent_ls.core.frontmatter import Entry, MarkdownSource, editing_source
from agent_ls.dialects.agents.catalogue import Catalogue

if TYPE_CHECKING:
    from agent_ls.dialects.base import FrontmatterDialect


def hover(
    source: MarkdownSource, offset: int, cat: Catalogue, findings: list[Finding]
) -> tuple[str, int, int] | None:
    """Returns (Markdown, start, end) for what lies at `offset`, or None."""
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
        if offset <= entry.key_end:
            spec = cat.keys.get(entry.key)
            if spec is not None:
                parts.append(
                    f"**{spec.name}**{' (required)' if spec.required else ''}\n\n{spec.doc}"
                )
            elif entry.key in cat.extra_keys:
                parts.append(
                    f"**{entry.key}**: declared in agent-ls settings; Claude Code ignores it."
                )
            span = (entry.key_start, entry.key_end)
        else:
            value = _value_hover(entry, offset, source.text, cat)
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


def _value_hover(
    entry: Entry, offset: int, text: str, cat: Catalogue
) -> tuple[str, int, int] | None:
    spec = cat.keys.get(entry.key)
    if spec is None:
        return None
    if spec.type == "tools":
        for match in re.finditer(r"[A-Za-z_*][\w*-]*", text[entry.value_start : entry.value_end]):
            start, end = entry.value_start + match.start(), entry.value_start + match.end()
            if start <= offset <= end:
                return _tool_doc(match.group(), cat), start, end
        return None
    value = entry.value if isinstance(entry.value, str) else None
    if value is None:
        return None
    span = (entry.value_start, entry.value_end)
    if spec.type == "model":
        resolved = cat.resolve_model(value)
        if resolved is None:
            return f"**inherit**: {cat.inherit_doc()}", *span
        alias = cat.model_aliases.get(value.strip().lower())
        if alias:
            return f"**{value}** → `{alias[0]}`\n\n{alias[1]}", *span
        known = cat.model_ids.get(resolved)
        return (
            f"**{resolved}**: {known}" if known else f"`{resolved}` is sent to the API verbatim."
        ), *span
    values = cat.enum_values(entry.key)
    if value in values:
        extra = f" `{cat.colors[value][0]}`" if entry.key == "color" else ""
        return f"**{value}**{extra}: {values[value]}", *span
    return None


def _tool_doc(name: str, cat: Catalogue) -> str:
    if name == "*":
        return "**\\***: every tool."
    if name in cat.tools:
        return f"**{name}** (tool): {cat.tools[name]}"
    if name in cat.gated_tools:
        return f"**{name}** (tool, may be unavailable): {cat.gated_tools[name]}"
    if name in cat.legacy_tools:
        legacy = cat.legacy_tools[name]
        return f"**{name}** (legacy tool): {legacy.doc}"
    if name.startswith("mcp__"):
        return f"**{name}**: an MCP tool (`mcp__server__tool`)."
    return f"**{name}**: not a Claude Code {cat.version} tool."


def hover_frontmatter(
    dialect: FrontmatterDialect, source: MarkdownSource, offset: int, findings: list[Finding]
) -> tuple[str, int, int] | None:
    """The hover of a frontmatter dialect at `offset`."""
    return hover(source, offset, dialect.catalogue, findings)
