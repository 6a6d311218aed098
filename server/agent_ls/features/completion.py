"""Completion candidates for a position in an agent file: keys, tools, models, colors, values.

Pure: text and an offset in, candidates with replace spans out. The server turns them into LSP
items (snippets only when the client supports them).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from agent_ls.core.frontmatter import MarkdownSource, editing_source
from agent_ls.dialects.agents.catalogue import Catalogue

if TYPE_CHECKING:
    from agent_ls.dialects.base import FrontmatterDialect


class Candidate(NamedTuple):
    """One completion: what to show and what replaces text[start:end] (a tuple: tens are built
    per keystroke, and a tuple builds several times faster than a frozen dataclass)."""

    label: str
    kind: str  # "key", "tool", "value"
    detail: str
    documentation: str
    insert_text: str
    snippet: str | None  # the same insertion as an LSP snippet, when there is one
    start: int  # replace text[start:end]
    end: int
    sort: str = ""


_KEY_PREFIX = re.compile(r"[A-Za-z_-]*")
_VALUE_LINE = re.compile(r"([A-Za-z_][\w-]*)\s*:\s*")
_WORD_BACK = re.compile(r"[\w*().:\[\]-]*$")


def complete(
    source: MarkdownSource, offset: int, cat: Catalogue, mcp_servers: frozenset[str] | None
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
    if _KEY_PREFIX.fullmatch(before):
        if ":" in rest:
            return []  # the line already has its key
        tail = _KEY_PREFIX.match(rest)
        return _keys(source, cat, line_start, offset + (len(tail.group()) if tail else 0))
    value_line = _VALUE_LINE.match(before)
    if value_line and not before.startswith((" ", "\t")):
        return _values(
            value_line.group(1), before[value_line.end() :], offset, source, cat, mcp_servers
        )
    item = re.match(r"\s+-\s*", before)
    if item:
        parent = _parent_key(text, line_start, split.yaml_start)
        if parent:
            return _values(
                parent, before[item.end() :], offset, source, cat, mcp_servers, in_list=True
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


def _keys(source: MarkdownSource, cat: Catalogue, start: int, end: int) -> list[Candidate]:
    # Read the keys from the text: they count even while the YAML is broken mid-edit.
    yaml_text = source.text[source.split.yaml_start : source.split.yaml_end]
    present = set(re.findall(r"^([A-Za-z_][\w-]*)[ \t]*:", yaml_text, re.MULTILINE))
    out = []
    for spec in sorted(cat.keys.values(), key=lambda s: s.order):
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
    key: str,
    typed: str,
    offset: int,
    source: MarkdownSource,
    cat: Catalogue,
    mcp_servers: frozenset[str] | None,
    in_list: bool = False,
) -> list[Candidate]:
    spec = cat.keys.get(key)
    if spec is None:
        return []
    word = _WORD_BACK.search(typed)
    start = offset - (len(word.group()) if word else 0)
    options: list[tuple[str, str, str]] = []  # label, detail, doc
    if spec.type == "tools":
        listed = set(re.findall(r"[\w*]+", typed[: len(typed) - (offset - start)]))
        if not in_list:
            listed |= set(
                re.findall(r"[\w*]+", source.text[offset : source.text.find("\n", offset)])
            )
        options += [(n, "tool", d) for n, d in cat.tools.items() if n not in listed]
        options += [
            (n, "tool · may be unavailable", d)
            for n, d in cat.gated_tools.items()
            if n not in listed
        ]
        options += [
            (f"mcp__{s}", "MCP server (.mcp.json)", f"Every tool of the MCP server `{s}`.")
            for s in sorted(mcp_servers or ())
        ]
        if not listed and not in_list:
            options.append(("*", "all tools", "Every tool."))
    elif spec.type == "model":
        options += [
            (a, f"alias → {model_id}", doc) for a, (model_id, doc) in cat.model_aliases.items()
        ]
        options += [(i, "model ID", doc) for i, doc in cat.model_ids.items()]
        options.append(("inherit", "default", cat.inherit_doc()))
    elif spec.type == "boolean":
        options += [("true", "boolean", ""), ("false", "boolean", "")]
    elif spec.values or spec.type == "effort":
        options += [(v, key, d) for v, d in cat.enum_values(key).items() if v != "manual"]
    return [
        Candidate(
            label,
            "tool" if spec.type == "tools" else "value",
            detail,
            doc,
            label,
            None,
            start,
            offset,
            f"{i:03d}",
        )
        for i, (label, detail, doc) in enumerate(options)
    ]


def complete_frontmatter(
    dialect: FrontmatterDialect, source: MarkdownSource, offset: int, mcp: frozenset[str] | None
) -> list[Candidate]:
    """The candidates of a frontmatter dialect at `offset`."""
    return complete(source, offset, dialect.catalogue, mcp)
