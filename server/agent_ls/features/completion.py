"""Completion candidates for a position in a frontmatter file: the dialect's keys, and the
values its value types offer (tools, models, colors, enumerated values…).

Pure: text and an offset in, candidates with replace spans out. The server turns them into LSP
items (snippets only when the client supports them).
"""

from __future__ import annotations

import re

from agent_ls.core.frontmatter import MarkdownSource, editing_source
from agent_ls.dialects.base import FrontmatterFeatures, KeySpec, ValueSite
from agent_ls.features.results import Candidate

_KEY_PREFIX = re.compile(r"[A-Za-z_-]*")
_VALUE_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*")
_WORD_BACK = re.compile(r"[\w*().:\[\]-]*$")


def complete_frontmatter(
    dialect: FrontmatterFeatures,
    source: MarkdownSource,
    offset: int,
    mcp_servers: frozenset[str] | None,
) -> list[Candidate]:
    """Returns the candidates at `offset`, or [] outside the frontmatter (an unclosed one counts)."""
    source = editing_source(source)
    split = source.split
    text = source.text
    if not split.has_frontmatter or not (split.yaml_start <= offset <= split.yaml_end):
        return []
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    line_end = text.find("\n", offset)
    rest = text[offset : len(text) if line_end == -1 else line_end].rstrip("\r")
    cat = dialect.catalogue
    if _KEY_PREFIX.fullmatch(before):
        if ":" in rest:
            return []  # the line already has its key
        tail = _KEY_PREFIX.match(rest)
        return _keys(source, cat.keys, line_start, offset + (len(tail.group()) if tail else 0))
    value_line = _VALUE_LINE.match(before)
    if value_line and not before.startswith((" ", "\t")):
        return _values(
            dialect, value_line.group(1), before[value_line.end() :], offset, text, mcp_servers
        )
    item = re.match(r"\s+-\s*", before)
    if item:
        parent = _parent_key(text, line_start, split.yaml_start)
        if parent:
            return _values(
                dialect, parent, before[item.end() :], offset, text, mcp_servers, in_list=True
            )
    return []


def _parent_key(text: str, line_start: int, yaml_start: int) -> str | None:
    """Returns the top-level key that owns the indented line starting at `line_start`."""
    for line in reversed(text[yaml_start:line_start].splitlines()):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match:
            return match.group(1)
        if line.strip() and not line.startswith((" ", "\t", "-")):
            return None
    return None


def _keys(
    source: MarkdownSource, keys: dict[str, KeySpec], start: int, end: int
) -> list[Candidate]:
    # Read the keys from the text: they count even while the YAML is broken mid-edit.
    yaml_text = source.text[source.split.yaml_start : source.split.yaml_end]
    present = set(re.findall(r"^([A-Za-z_][\w-]*)[ \t]*:", yaml_text, re.MULTILINE))
    out = []
    for spec in sorted(keys.values(), key=lambda s: s.order):
        if spec.name in present:
            continue
        out.append(
            Candidate(
                label=spec.name,
                kind="key",
                detail=("required · " if spec.required else "") + spec.type,
                documentation=spec.doc,
                insert_text=f"{spec.name}: ",
                snippet=spec.snippet,
                start=start,
                end=end,
                sort=f"{0 if spec.required else 1}{spec.order:03d}",
            )
        )
    return out


def _values(
    dialect: FrontmatterFeatures,
    key: str,
    typed: str,
    offset: int,
    text: str,
    mcp_servers: frozenset[str] | None,
    in_list: bool = False,
) -> list[Candidate]:
    spec = dialect.catalogue.keys.get(key)
    if spec is None:
        return []
    word = _WORD_BACK.search(typed)
    start = offset - (len(word.group()) if word else 0)
    value_type = dialect.value_types.get(spec.type)
    site = ValueSite(
        spec,
        typed[: len(typed) - (offset - start)],
        "" if in_list else text[offset : text.find("\n", offset)],
        in_list,
        dialect.catalogue,
        mcp_servers,
    )
    kind = value_type.completion_kind
    return [
        Candidate(label, kind, detail, doc, label, None, start, offset, f"{i:03d}")
        for i, (label, detail, doc) in enumerate(value_type.candidates(site))
    ]
