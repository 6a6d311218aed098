"""Document symbols and folding ranges of a Markdown file (its frontmatter keys, its headings),
and the colour swatches of its values."""

from __future__ import annotations

import re

from agent_ls.core.frontmatter import MarkdownSource
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
