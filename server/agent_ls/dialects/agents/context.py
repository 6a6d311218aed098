"""The agents dialect's registries (`RULES`, `VALUE_TYPES`) and its per-file context
(`AgentFile`): the file and the helpers its rules and value types share (fixes that insert,
delete or quote, the tools of a `tools` value)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import NamedTuple

import yaml

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.frontmatter import Entry, parses
from agent_ls.core.yamltext import describe_type, quote, show
from agent_ls.dialects.agents.catalogue import Catalogue
from agent_ls.dialects.base import FileContext, Rules, ValueTypes, change_to, line_bounds

RULES: Rules[AgentFile] = Rules()
"""Every rule of the agents dialect (registered by `structure`, `keys` and `tools`)."""
VALUE_TYPES = ValueTypes()
"""Every value type of the agents dialect (registered by `values` and `tools`)."""


# Claude Code splits a `tools` string on commas and spaces outside parentheses; a tab or a line
# break stays inside a name (measured by the differential test).
_TOOL_TOKEN = re.compile(r"(?:[^ ,(]|\([^)]*\)?)+")


def tool_name_spans(value: str) -> tuple[tuple[int, int], ...]:
    """Returns where each tool name of a `tools` string lies, as Claude Code splits it: at commas
    and spaces outside parentheses, each piece trimmed (a tab inside a piece stays)."""
    if len(value) <= 256:  # the same short values recur from file to file: split each once
        return _short_tool_name_spans(value)
    return _tool_name_spans(value)


def _tool_name_spans(value: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for match in _TOOL_TOKEN.finditer(value):
        piece = match.group()
        start = match.start() + len(piece) - len(piece.lstrip())
        end = match.end() - (len(piece) - len(piece.rstrip()))
        if end > start:
            spans.append((start, end))
    return tuple(spans)


_short_tool_name_spans = functools.lru_cache(maxsize=4096)(_tool_name_spans)


def split_tool_names(value: str) -> list[str]:
    """Returns the tool names of a `tools` string as Claude Code reads them."""
    return [value[start:end] for start, end in tool_name_spans(value)]


class ToolToken(NamedTuple):
    """One tool of a `tools` value, where it is written (a tuple: one per tool of every file,
    built faster than a dataclass)."""

    text: str
    start: int
    end: int
    unit: tuple[int, int] | None = None  # what removing it deletes: a list item with its quotes

    @property
    def span(self) -> tuple[int, int]:
        return self.unit or (self.start, self.end)


_KEY_VALUE_LINE = re.compile(r"([A-Za-z_][\w-]*):[ \t]+(\S.*?)[ \t]*$")
_COMMENT = re.compile(r"[ \t]+#")  # a YAML comment after a value
_SEPARATOR = re.compile(r"[ \t]*,?[ \t]*")


class AgentFile(FileContext):
    """One agent file being checked."""

    cat: Catalogue

    def line_of(self, offset: int) -> int:
        """The frontmatter line (0-based) of a text offset."""
        return self.text.count("\n", self.split.yaml_start, offset)

    def bad_type(self, entry: Entry, expected: str, code: str = "AL707") -> Finding:
        """`key` is <type>, not <expected>: Claude Code ignores it."""
        start, end = (
            (entry.value_start, entry.value_end)
            if entry.value is not None
            else (entry.key_start, entry.key_end)
        )
        return Finding(
            code,
            f"`{entry.key}` is {describe_type(entry.value)}, not {expected}: Claude Code ignores it.",
            start,
            end,
        )

    def dropped(self, entry: Entry, allowed: str, hint: str | None, code: str = "AL701") -> Finding:
        """Claude Code drops the value and uses the default; the fix changes it to `hint`."""
        fixes = change_to(
            entry.value_start, entry.value_end, hint if entry.value is not None else None
        )
        return Finding(
            code,
            f"Claude Code drops `{entry.key}: {show(entry.value) if entry.value is not None else ''}`"
            f" and uses the default: it accepts {allowed}"
            + (f". Did you mean `{hint}`?" if hint else "."),
            *self.value_range(entry),
            fixes,
        )

    def insert_key_fix(self, title: str, line: str) -> Fix:
        """Inserts a `key: value` line at the frontmatter's start (`description` after `name`)."""
        at = self.split.yaml_start
        name = self.entry("name")
        if name is not None and line.startswith("description"):
            nl = self.text.find("\n", name.value_end)
            at = self.split.yaml_end if nl == -1 else min(nl + 1, self.split.yaml_end)
        return Fix(title, (Edit(at, at, line + "\n"),), True)

    def quote_fixes(self) -> tuple[Fix, ...]:
        """Quotes the fewest `key: value` values that make the frontmatter parse, comments kept
        outside the quotes; none when quoting cannot make it parse."""
        start, end = self.split.yaml_start, self.split.yaml_end
        source = self.text[start:end]
        candidates: list[Edit] = []
        offset = 0
        for line in source.split("\n"):
            match = _KEY_VALUE_LINE.match(line.removesuffix("\r"))
            if match:
                value = _COMMENT.split(match.group(2), 1)[0]
                # A value that breaks YAML on its own; a `[`/`{` one is meant as a collection,
                # which quoting would turn into text (`tools: "[Read"` is no tool at all).
                if value and value[0] not in "[{" and not parses(f"k: {value}"):
                    at = start + offset + match.start(2)
                    candidates.append(Edit(at, at + len(value), quote(value)))
            offset += len(line) + 1

        def fixed(edits: list[Edit]) -> bool:
            text = source
            for edit in reversed(edits):
                text = text[: edit.start - start] + edit.text + text[edit.end - start :]
            return parses(text)

        if not candidates or not fixed(candidates):
            return ()
        needed = list(candidates)
        for edit in candidates:  # drop each quote the document parses without
            fewer = [e for e in needed if e is not edit]
            if fewer and fixed(fewer):
                needed = fewer
        return (Fix("Quote the values that break YAML", tuple(needed), True),)

    # -- tools -----------------------------------------------------------------------------------
    def tool_tokens(self, entry: Entry) -> Iterator[ToolToken]:
        """Yields the tools of a `tools`-typed value as Claude Code reads them, where written."""
        value = entry.value
        if isinstance(value, str):
            yield from self._split_tools(value, entry.value_start, entry.value_end)
        elif isinstance(value, list) and isinstance(entry.node, yaml.SequenceNode):
            for node, item in zip(entry.node.value, value, strict=False):
                start, end = self.node_range(node)
                pieces = list(self._split_tools(item, start, end) if isinstance(item, str) else ())
                if len(pieces) == 1:
                    yield ToolToken(pieces[0].text, pieces[0].start, pieces[0].end, (start, end))
                elif isinstance(item, str):
                    yield from pieces
                else:
                    yield ToolToken(show(item), start, end, (start, end))

    def tool_names(self, entry: Entry) -> set[str]:
        """The tool names of `entry` without their rules (`Bash(git:*)` → `Bash`), legacy names
        that still work read as the tool they give (`Task` → `Agent`)."""
        renamed = self.cat.working_legacy_names
        return {renamed.get(n, n) for t in self.tool_tokens(entry) if (n := t.text.split("(")[0])}

    def _split_tools(self, value: str, start: int, end: int) -> Iterator[ToolToken]:
        raw = self.text[start:end]
        base = raw.find(value)
        for token_start, token_end in tool_name_spans(value):
            token = value[token_start:token_end]
            if base >= 0:
                yield ToolToken(token, start + base + token_start, start + base + token_end)
            else:
                yield ToolToken(token, start, end)

    def remove_tool(self, tokens: list[ToolToken], index: int) -> Edit | None:
        """The edit that removes tokens[index] with one separator beside it, or None when it is
        the only tool (removing it would leave zero tools)."""
        if len(tokens) < 2:
            return None
        start, end = tokens[index].span
        text = self.text
        if index + 1 < len(tokens):
            after = _SEPARATOR.match(text, end)
            if after and after.end() == tokens[index + 1].span[0] and after.end() > end:
                return Edit(start, after.end(), "")
        if index > 0:
            before = tokens[index - 1].span[1]
            if _SEPARATOR.fullmatch(text, before, start) and start > before:
                return Edit(before, end, "")
        line_start, line_end = line_bounds(text, start)
        item = text[line_start:line_end].strip()
        if item.startswith("-") and item[1:].strip() == text[start:end]:
            newline = text.find("\n", line_end)
            return Edit(line_start, len(text) if newline == -1 else newline + 1, "")
        return None

    def merge_tools(self, entry: Entry) -> Fix | None:
        """Moves the tools of `entry` (e.g. `allowedTools`) into the existing `tools`: appended
        to a plain string, a flow list or a block list, and `entry` deleted; None otherwise."""
        tools = self.entry("tools")
        if tools is None or not isinstance(entry.value, (str, list)):
            return None
        have = set(
            split_tool_names(tools.value) if isinstance(tools.value, str) else tools.value or ()
        )
        items = entry.value if isinstance(entry.value, list) else split_tool_names(entry.value)
        new = [t for t in dict.fromkeys(map(str, items)) if t not in have]
        written = self.text[tools.value_start : tools.value_end]
        delete = self.delete_entry(entry)
        if not new:
            edits: tuple[Edit, ...] = (delete,)
        elif isinstance(tools.value, str) and written == tools.value and tools.value.strip():
            edits = (Edit(tools.value_end, tools.value_end, ", " + ", ".join(new)), delete)
        elif isinstance(tools.value, list) and written.startswith("[") and written.endswith("]"):
            joined = ", ".join(new)
            at = tools.value_end - 1
            edits = (Edit(at, at, (", " if tools.value else "") + joined), delete)
        elif isinstance(tools.value, list) and written.startswith("-"):
            line_start, line_end = line_bounds(self.text, tools.value_start)
            indent = self.text[line_start : tools.value_start]
            newline = "\r\n" if self.text.startswith("\r", line_end) else "\n"
            lines = "".join(f"{newline}{indent}- {name}" for name in new)
            edits = (Edit(tools.value_end, tools.value_end, lines), delete)
        else:
            return None
        if any(delete.start < e.end and e.start < delete.end for e in edits[:-1]):
            return None
        return Fix(
            f"Move into `tools` and remove `{entry.key}`",
            tuple(sorted(edits, key=lambda e: e.start)),
            True,
        )
