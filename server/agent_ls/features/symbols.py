"""Document symbols and folding ranges of a Markdown file (its frontmatter keys, its headings)
or a JSON file (its keys, nested), and the colour swatches of a Markdown file's values."""

from __future__ import annotations

import re

from agent_ls.core.frontmatter import MarkdownSource
from agent_ls.core.jsondoc import (
    JsonArray,
    JsonBool,
    JsonDocument,
    JsonNode,
    JsonNumber,
    JsonObject,
    JsonString,
    json_type,
)
from agent_ls.dialects.base import FrontmatterFeatures
from agent_ls.features.results import Swatch, Symbol

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def markdown_symbols(source: MarkdownSource) -> list[Symbol]:
    """Returns the frontmatter (with its keys) and the body's headings, nested by level."""
    out: list[Symbol] = []
    split = source.split
    if split.has_frontmatter:
        fm = Symbol("frontmatter", "frontmatter", 0, split.close_end)
        for entry in source.frontmatter.entries if source.frontmatter else []:
            detail = entry.value if isinstance(entry.value, str) else ""
            fm.children.append(
                Symbol(
                    entry.key,
                    "key",
                    entry.key_start,
                    max(entry.value_end, entry.key_end),
                    detail[:80],
                )
            )
        out.append(fm)
    stack: list[tuple[int, Symbol]] = []
    text = source.text
    body_start = split.body_start
    fences = [m.start() for m in _FENCE.finditer(text, body_start)]
    for match in _HEADING.finditer(text, body_start):
        if sum(1 for f in fences if f < match.start()) % 2:
            continue  # inside a code block
        level = len(match.group(1))
        heading = Symbol(match.group(2), "heading", match.start(), match.end())
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1].children if stack else out).append(heading)
        stack.append((level, heading))
    _close_sections(out, len(text.rstrip()))
    return out


def _close_sections(items: list[Symbol], end: int) -> None:
    """Extends each heading to just before the next sibling, so outlines and folds nest."""
    for i, item in enumerate(items):
        if item.kind == "heading":
            nxt = items[i + 1].start - 1 if i + 1 < len(items) else end
            item.end = max(item.end, nxt)
            _close_sections(item.children, item.end)


JSON_DEPTH = 8
"""How deep a JSON outline goes (hooks: event → matcher group → hook → its fields)."""
_ITEM_NAMES = ("name", "matcher", "type")
"""The member that names an array item in the outline (a plugin's name, a matcher group's
matcher, a hook's type); else the item is named by its index."""


def json_symbols(doc: JsonDocument) -> list[Symbol]:
    """Returns the outline of a JSON file: each key of the top-level object, its members nested
    (hooks by event, servers by name, array items by their `name`, `matcher` or `type`)."""
    root = doc.root
    if not isinstance(root, (JsonObject, JsonArray)):
        return []
    return _json_children(root, JSON_DEPTH)


def _json_children(node: JsonObject | JsonArray, depth: int) -> list[Symbol]:
    if isinstance(node, JsonObject):
        named: list[tuple[str, int, JsonNode | None]] = [
            (m.key.value, m.key.start, m.value) for m in node.members
        ]
    else:
        named = [(_item_name(item, i), item.start, item) for i, item in enumerate(node.items)]
    out = []
    for name, start, value in named:
        symbol = Symbol(name, json_type(value), start, value.end if value else start)
        if isinstance(value, (JsonObject, JsonArray)):
            if depth > 1:
                symbol.children = _json_children(value, depth - 1)
            if isinstance(value, JsonArray):
                count = len(value.items)
                symbol.detail = f"{count} item" + ("" if count == 1 else "s")
        elif isinstance(value, JsonString):
            symbol.detail = value.value[:80]
        elif isinstance(value, (JsonNumber, JsonBool)):
            symbol.detail = str(value.value).lower() if isinstance(value, JsonBool) else value.raw
        out.append(symbol)
    return out


def _item_name(item: JsonNode, index: int) -> str:
    if isinstance(item, JsonObject):
        for key in _ITEM_NAMES:
            value = item.get(key)
            if isinstance(value, JsonString) and value.value:
                return value.value
    return f"[{index}]"


def value_swatches(dialect: FrontmatterFeatures, source: MarkdownSource) -> list[Swatch]:
    """Returns a swatch for each value its value type shows as a colour (a valid `color`)."""
    fm = source.frontmatter
    keys, cat = dialect.catalogue.keys, dialect.catalogue
    out = []
    for entry in fm.entries if fm else []:
        spec = keys.get(entry.key)
        if spec is None:
            continue
        shown = dialect.value_types.get(spec.type).swatch(entry.value, cat)
        if shown is not None:
            out.append(Swatch(entry.value_start, entry.value_end, shown))
    return out
