"""The rules: text of one agent file in, findings out, following what Claude Code really does.

Everything about the format comes from the catalogue; this module only knows how Claude Code
applies it (see docs/claude-code.md).
"""

from __future__ import annotations

import functools
import re
import reprlib
import unicodedata
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import yaml

from agent_ls.core.findings import Edit, Finding, Fix, Severity
from agent_ls.core.frontmatter import (
    Entry,
    Frontmatter,
    MarkdownSource,
    parses,
    to_python,
)
from agent_ls.dialects.agents.catalogue import Catalogue, suggest
from agent_ls.dialects.base import CheckContext


def check_source(source: MarkdownSource, ctx: CheckContext) -> list[Finding]:
    """Returns every finding for an already read agent file, in document order."""
    if not source.split.has_frontmatter:
        return _no_frontmatter(source.text) if ctx.in_globs else []
    fm = source.frontmatter
    assert fm is not None
    if not ctx.in_globs and not (fm.loaded and ctx.catalogue.looks_like_agent(fm.data)):
        return []
    findings = list(_Checker(source, fm, ctx).run())
    findings.sort(key=lambda f: (f.start, f.end, f.code))
    return findings


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    if end > start and text[end - 1] == "\r":
        end -= 1
    return start, end


# An opening fence line as Claude Code's split accepts it (`---`, then blanks up to a newline).
_OPENING_FENCE = re.compile(r"---[^\S\n]*(?:\n|\Z)")


def _no_frontmatter(text: str) -> list[Finding]:
    start = 1 if text.startswith("\ufeff") else 0
    first_end = _line_bounds(text, start)[1]
    stripped = text[start:].lstrip()
    if stripped.startswith("---") and not text.startswith("---", start):
        fence = text.index("---", start)
        line_start = _line_bounds(text, fence)[0]
        what = "indented" if line_start < fence else "preceded by blank lines or text"
        fix = Fix(
            "Move the opening `---` to the start of the file", (Edit(start, fence, ""),), True
        )
        return [
            Finding(
                "AL102",
                f"The opening `---` is {what}: Claude Code only reads frontmatter that starts at "
                "the first byte of the file, so it sees none and drops this agent without a word.",
                fence,
                fence + 3,
                (fix,),
            )
        ]
    if _OPENING_FENCE.match(text, start):
        return [
            Finding(
                "AL103",
                "The frontmatter is never closed: without a second `---` Claude Code reads the "
                "whole file as body, finds no `name`, and drops this agent without a word.",
                start,
                first_end,
                (_close_fence_fix(text, start),),
            )
        ]
    return [
        Finding(
            "AL101",
            "No frontmatter: Claude Code reads an agent's `name` and `description` from a "
            "`---` block at the very start of the file, so it drops this one without a word.",
            start,
            first_end,
            (
                Fix(
                    "Add frontmatter",
                    (
                        Edit(
                            start,
                            start,
                            "---\nname: my-agent\ndescription: Use this agent when …\n---\n\n",
                        ),
                    ),
                ),
            ),
        )
    ]


_KEY_LINE = re.compile(r"[A-Za-z_][\w-]*\s*:")


def _close_fence_fix(text: str, start: int) -> Fix:
    """Inserts `---` after the last `key:`-looking line of the unclosed block."""
    pos = text.find("\n", start) + 1 or len(text)
    insert_at = pos
    while pos < len(text):
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end == -1 else line_end + 1
        line = text[pos:line_end]
        if not line.strip() or not (_KEY_LINE.match(line) or line[:1] in " \t-"):
            break
        insert_at = pos = line_end
    prefix = "" if insert_at == 0 or text[insert_at - 1] == "\n" else "\n"
    return Fix(
        "Close the frontmatter with `---`", (Edit(insert_at, insert_at, prefix + "---\n"),), True
    )


def _change_to(start: int, end: int, text: str | None, preferred: bool = True) -> tuple[Fix, ...]:
    """Returns the one-edit fix replacing text[start:end] with `text`, or none when `text` is None."""
    if not text:
        return ()
    return (Fix(f"Change to `{text}`", (Edit(start, end, text),), preferred),)


_KEY_VALUE_LINE = re.compile(r"([A-Za-z_][\w-]*):[ \t]+(\S.*?)[ \t]*$")
_COMMENT = re.compile(r"[ \t]+#")  # a YAML comment after a value


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


_SHORT_REPR = reprlib.Repr()  # bounded: at most 4 items a level, 2 levels deep
_SHORT_REPR.maxlevel, _SHORT_REPR.maxlist, _SHORT_REPR.maxdict = 2, 4, 4
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 60


def _show(value: Any, limit: int = 60) -> str:
    """Returns a value as the user wrote it in YAML (`true`, not Python's `True`), shortened.

    Bounded work even for an alias bomb (a list that shares itself 9^10 times).
    """
    if isinstance(value, bool) or value is None:
        shown = {True: "true", False: "false", None: ""}[value]
    else:
        shown = value if isinstance(value, str) else _SHORT_REPR.repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def _dropped_value(value: Any) -> str:
    return "the empty value" if value is None else f"`{_show(value)}`"


def _describe_type(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


# Claude Code splits a `tools` string on commas and spaces outside parentheses; a tab or a line
# break stays inside a name (measured by the differential test).
_TOOL_TOKEN = re.compile(r"(?:[^ ,(]|\([^)]*\)?)+")
_TOOL_SHAPE = re.compile(r"([A-Za-z_*][\w.*-]*)(\((.*)\))?")


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


_YAML_TAGS = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(f"!!{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map"))
_CORE_TAG_URIS = frozenset(_YAML_TAGS + t[2:] for t in _CORE_TAGS)


class _Token(NamedTuple):  # a tuple: one per tool of every file, built faster than a dataclass
    text: str
    start: int
    end: int
    unit: tuple[int, int] | None = None  # what removing it deletes: a list item with its quotes

    @property
    def span(self) -> tuple[int, int]:
        return self.unit or (self.start, self.end)


_SEPARATOR = re.compile(r"[ \t]*,?[ \t]*")
_TRAILING_COMMENT = re.compile(r"\s*(#.*?)\s*$")


class _Checker:
    """Runs every rule over one parsed file; yields findings."""

    def __init__(self, source: MarkdownSource, fm: Frontmatter, ctx: CheckContext) -> None:
        self.text = source.text
        self.source = source
        self.fm = fm
        self.ctx = ctx
        self.cat = ctx.catalogue
        self.split = source.split

    # -- structure ---------------------------------------------------------------------------
    def run(self) -> Iterator[Finding]:
        bad_byte = self.ctx.invalid_utf8_at
        if bad_byte is not None:
            yield Finding(
                "AL902",
                "This file is not valid UTF-8: Claude Code reads each bad byte as U+FFFD (�). "
                "Save the file as UTF-8.",
                bad_byte,
                bad_byte + 1,
            )
        yield from self._fences()
        fm = self.fm
        if fm.error is not None:
            yield self._yaml_error(fm)
            if not fm.lenient:
                return
        if fm.empty:
            yield Finding(
                "AL113",
                "The frontmatter is empty: Claude Code finds no `name` and drops this agent "
                "without a word.",
                *self._opening(),
            )
            return
        if fm.not_mapping:
            yield Finding(
                "AL112",
                f"The frontmatter is {fm.not_mapping}, not `key: value` pairs: Claude Code finds "
                "no `name` and drops this agent without a word.",
                self.split.yaml_start,
                self.split.yaml_start + len(self.fm.source.rstrip()),
            )
            return
        yield from self._keys()
        yield from self._name()
        yield from self._description()
        by_key = {e.key: e for e in fm.entries}
        for entry in fm.entries:
            if by_key.get(entry.key) is not entry:
                continue  # an earlier duplicate: Claude Code ignores it
            truncated = self._comment_truncation(entry)
            if truncated is not None:
                yield truncated
            spec = self.cat.keys.get(entry.key)
            if spec is not None and (truncated is None or truncated.code != "AL601"):
                yield from self._value(entry, spec.type)
        yield from self._tags()
        yield from self._memory_tools(by_key)
        yield from self._disallowed_all(by_key)
        if fm.loaded and not self.source.has_body:
            yield Finding(
                "AL801",
                "The body is empty: it is the agent's system prompt, so this agent runs with no "
                "instructions of its own.",
                self.split.close_start,
                self.split.close_end,
            )

    def _tags(self) -> Iterator[Finding]:
        for entry in self.fm.entries:
            tag = entry.node.tag or ""
            if tag in _CORE_TAG_URIS:  # what the resolver gives every untagged value
                continue
            if tag.startswith(
                _YAML_TAGS
            ):  # `!!python/object` arrives as tag:yaml.org,2002:python/…
                tag = "!!" + tag[len(_YAML_TAGS) :]
            if tag.startswith("!") and tag not in _CORE_TAGS:
                yield Finding(
                    "AL114",
                    f"The YAML tag `{tag}` constructs nothing: Claude Code ignores it and reads the "
                    "plain value. Remove the tag.",
                    *self._value_range(entry),
                )

    def _memory_tools(self, by_key: dict[str, Entry]) -> Iterator[Finding]:
        memory, tools = by_key.get("memory"), by_key.get("tools")
        if (
            memory is None
            or tools is None
            or not isinstance(memory.value, str)
            or memory.value not in self.cat.enum_values("memory")
        ):
            return
        names = {t.text.split("(")[0] for t in self._tool_tokens(tools)}
        if not names or "*" in names:
            return
        added = [t for t in self.cat.raw.get("memoryTools", []) if t not in names]
        if added:
            yield Finding(
                "AL709",
                f"With `memory`, Claude Code also gives this agent {' and '.join(f'`{t}`' for t in added)}, "
                "which `tools` leaves out.",
                *self._value_range(memory),
            )

    def _disallowed_all(self, by_key: dict[str, Entry]) -> Iterator[Finding]:
        """`disallowedTools` that removes every tool `tools` allows: zero tools (2.1.328)."""
        tools, denied = by_key.get("tools"), by_key.get("disallowedTools")
        if tools is None or denied is None:
            return
        agent = {"Task": "Agent"}

        def names(entry: Entry) -> set[str]:
            return {
                agent.get(n, n) for t in self._tool_tokens(entry) if (n := t.text.split("(")[0])
            }

        allowed, removed = names(tools), names(denied)
        if allowed and "*" not in allowed and allowed <= removed:
            yield Finding(
                "AL405",
                "`disallowedTools` removes every tool that `tools` allows: Claude Code gives this "
                'agent zero tools (its listing says "None").',
                *self._value_range(denied),
            )

    def _opening(self) -> tuple[int, int]:
        start = 1 if self.text.startswith("\ufeff") else 0
        return start, start + 3

    def _fences(self) -> Iterator[Finding]:
        close = self.split.close_start
        line_start, line_end = _line_bounds(self.text, close)
        before = self.text[line_start:close]
        after = self.text[self.split.close_end : line_end]
        if before.strip() or after.strip():
            lost = self._keys_after_early_close()
            lost_note = f" (keys {', '.join(f'`{k}`' for k in lost)} included)" if lost else ""
            yield Finding(
                "AL104",
                "This `---` ends the frontmatter: Claude Code closes it at the first `---` "
                f"anywhere, even inside a value, and reads everything after it{lost_note} as the "
                "system prompt. Quote the value and avoid `---` in it.",
                close,
                self.split.close_end,
            )
        elif before:
            yield Finding(
                "AL105",
                "This indented `---` still closes the frontmatter in Claude Code; put it at "
                "column 0 so other tools agree.",
                close,
                self.split.close_end,
                (Fix("Unindent the closing `---`", (Edit(line_start, close, ""),), True),),
            )

    def _keys_after_early_close(self) -> list[str]:
        keys: list[str] = []
        for line in self.text[self.split.body_start :].splitlines()[:200]:
            if line.strip() == "---":
                break
            match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
            if match:
                keys.append(match.group(1))
        return keys

    def _yaml_error(self, fm: Frontmatter) -> Finding:
        assert fm.error is not None
        offset = fm.error.offset
        _, line_end = _line_bounds(self.text, offset)
        end = max(offset + 1, min(line_end, offset + 1)) if offset < line_end else offset
        if fm.too_large:  # not a YAML error: agent-ls did not parse it, Claude Code will
            return Finding(
                "AL110",
                f"Not checked: {fm.error.message}. Claude Code reads frontmatter of any size (in "
                "files up to 1 MiB), so agent-ls cannot tell whether it loads this agent.",
                offset,
                end,
                severity_override=Severity.INFORMATION,
            )
        fixes = self._quote_fixes(fm) if self.ctx.quote_fixes else ()
        if fm.lenient:
            read = [
                f'`{e.key}` as "{_show(e.value)}"'
                for e in fm.entries
                if self._line_of(e.value_start) in fm.rewritten_lines
            ]
            reads = f"; it reads {', '.join(read)}" if read else ""
            return Finding(
                "AL111",
                f"YAML error: {fm.error.message}. Claude Code's lenient retry still loads this "
                f"file, with values read literally, as written{reads}. Quote the value for other "
                "YAML tools.",
                offset,
                end,
                fixes,
            )
        return Finding(
            "AL110",
            f"YAML error: {fm.error.message}. Claude Code's lenient retry fails too, so it "
            "ignores the frontmatter and drops this agent.",
            offset,
            end,
            fixes,
        )

    def _line_of(self, offset: int) -> int:
        return self.text.count("\n", self.split.yaml_start, offset)

    def _quote_fixes(self, fm: Frontmatter) -> tuple[Fix, ...]:
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
                    candidates.append(Edit(at, at + len(value), _quote(value)))
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

    # -- keys ----------------------------------------------------------------------------------
    def _keys(self) -> Iterator[Finding]:
        last: dict[str, Entry] = {}
        for entry in self.fm.entries:
            last[entry.key] = entry
        for entry in self.fm.entries:
            if last[entry.key] is not entry:
                later = self.text.count("\n", 0, last[entry.key].key_start) + 1
                yield Finding(
                    "AL302",
                    f"`{entry.key}` appears again on line {later}: Claude Code keeps the last "
                    "value and ignores this one.",
                    entry.key_start,
                    entry.key_end,
                    (Fix("Remove this earlier duplicate", (self._delete_entry(entry),), True),),
                )
            if entry.key in self.cat.keys or entry.key in self.cat.extra_keys:
                continue
            if entry.key in self.cat.hook_events:
                yield Finding(
                    "AL303",
                    f"`{entry.key}` is a hook event outside `hooks:`: Claude Code drops this "
                    "agent. Move it under `hooks:`.",
                    entry.key_start,
                    entry.key_end,
                )
                continue
            yield self._unknown_key(entry)

    def _unknown_key(self, entry: Entry) -> Finding:
        hint = self.cat.key_hints.get(entry.key) or suggest(entry.key, self.cat.keys)
        fixes: tuple[Fix, ...] = ()
        if hint and entry.key.lower() == hint.lower():
            message = (
                f"Keys are case-sensitive: Claude Code ignores `{entry.key}`; it reads `{hint}`."
            )
        else:
            message = f"Claude Code does not recognise `{entry.key}` and ignores it"
            message += f": did you mean `{hint}`?" if hint else "."
        if hint and hint not in self.fm.data:
            fixes = _change_to(entry.key_start, entry.key_end, hint)
        elif hint and entry.key.lower() == hint.lower():
            fixes = (
                Fix(f"Remove `{entry.key}` (`{hint}` is set)", (self._delete_entry(entry),), True),
            )
        elif hint == "tools" and (merge := self._merge_tools(entry)) is not None:
            fixes = (merge,)
        if not hint:
            message += " Declare it in `[tool.agent-ls] extra-keys` if another tool reads it."
        return Finding("AL301", message, entry.key_start, entry.key_end, fixes)

    def _merge_tools(self, entry: Entry) -> Fix | None:
        """Moves the tools of `entry` (e.g. `allowedTools`) into the existing `tools`: appended
        to a plain string, a flow list or a block list, and `entry` deleted; None otherwise."""
        tools = self._entry("tools")
        if tools is None or not isinstance(entry.value, (str, list)):
            return None
        have = set(
            split_tool_names(tools.value) if isinstance(tools.value, str) else tools.value or ()
        )
        items = entry.value if isinstance(entry.value, list) else split_tool_names(entry.value)
        new = [t for t in dict.fromkeys(map(str, items)) if t not in have]
        written = self.text[tools.value_start : tools.value_end]
        delete = self._delete_entry(entry)
        if not new:
            edits: tuple[Edit, ...] = (delete,)
        elif isinstance(tools.value, str) and written == tools.value and tools.value.strip():
            edits = (Edit(tools.value_end, tools.value_end, ", " + ", ".join(new)), delete)
        elif isinstance(tools.value, list) and written.startswith("[") and written.endswith("]"):
            joined = ", ".join(new)
            at = tools.value_end - 1
            edits = (Edit(at, at, (", " if tools.value else "") + joined), delete)
        elif isinstance(tools.value, list) and written.startswith("-"):
            line_start, line_end = _line_bounds(self.text, tools.value_start)
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

    def _delete_entry(self, entry: Entry) -> Edit:
        start = _line_bounds(self.text, entry.key_start)[0]
        end = self.text.find("\n", max(entry.value_end - 1, entry.key_end))
        end = self.split.yaml_end if end == -1 else end + 1
        # Take the value's continuation lines (indented or list items) along.
        while end < self.split.yaml_end and self.text[end : end + 1] in (" ", "\t", "-"):
            nxt = self.text.find("\n", end)
            end = self.split.yaml_end if nxt == -1 else nxt + 1
        return Edit(start, min(end, self.split.yaml_end), "")

    def _entry(self, key: str) -> Entry | None:
        found = None
        for entry in self.fm.entries:
            if entry.key == key:
                found = entry
        return found

    def _insert_key_fix(self, title: str, line: str) -> Fix:
        at = self.split.yaml_start
        name = self._entry("name")
        if name is not None and line.startswith("description"):
            nl = self.text.find("\n", name.value_end)
            at = self.split.yaml_end if nl == -1 else min(nl + 1, self.split.yaml_end)
        return Fix(title, (Edit(at, at, line + "\n"),), True)

    # -- name and description ------------------------------------------------------------------
    def _name(self) -> Iterator[Finding]:
        entry = self._entry("name")
        if entry is None:
            wrong_case = next((e for e in self.fm.entries if e.key.lower() == "name"), None)
            where = (wrong_case.key_start, wrong_case.key_end) if wrong_case else self._opening()
            stem = self.ctx.file_stem or "my-agent"
            yield Finding(
                "AL201",
                "No `name`: Claude Code identifies agents by their frontmatter `name` (never the "
                "file name), so it drops this agent without a word.",
                *where,
                (
                    self._insert_key_fix(
                        f"Add `name: {normalise_name(stem)}`", f"name: {normalise_name(stem)}"
                    ),
                ),
            )
            return
        value = entry.value
        if not isinstance(value, str) or not value:
            what = "empty" if value in (None, "") else f"{_describe_type(value)}, not text"
            yield Finding(
                "AL202",
                f"`name` is {what}: Claude Code drops this agent.",
                entry.value_start if value is not None else entry.key_start,
                entry.value_end if value is not None else entry.key_end,
            )
            return
        if not value.strip():  # observed in 2.1.328: loaded, listed under a blank name
            yield Finding(
                "AL209",
                "`name` is only spaces: Claude Code loads this agent under a blank name that "
                "nobody can ask for. Give it a real name.",
                entry.value_start,
                entry.value_end,
            )
            return
        normal = unicodedata.normalize("NFKC", value)
        if ":" in normal:
            yield self._name_finding(
                entry, "AL203", "contains `:` (reserved for plugin namespaces)"
            )
        if value.startswith("-"):
            yield self._name_finding(entry, "AL204", "starts with `-`")
        if len(value) > self.cat.name_max_length:
            yield self._name_finding(
                entry,
                "AL205",
                f"is {len(value)} characters long (at most {self.cat.name_max_length})",
            )
        suggestion = normalise_name(value)
        if suggestion != value:
            yield Finding(
                "AL206",
                "Claude Code loads this name, but agent names should be lowercase letters, "
                "digits and hyphens" + (f": `{suggestion}`." if suggestion else "."),
                entry.value_start,
                entry.value_end,
                _change_to(entry.value_start, entry.value_end, suggestion),
            )
        file_stem = self.ctx.file_stem
        if file_stem and file_stem != value and suggestion == value:
            yield Finding(
                "AL207",
                f"The name `{value}` differs from the file name `{file_stem}.md`. Claude Code goes by "
                "the name; keep them equal so the agent is easy to find.",
                entry.value_start,
                entry.value_end,
                _change_to(entry.value_start, entry.value_end, file_stem, preferred=False)
                if normalise_name(file_stem) == file_stem
                else (),
            )

    def _name_finding(self, entry: Entry, code: str, what: str) -> Finding:
        fixes: tuple[Fix, ...] = ()
        suggestion = normalise_name(str(entry.value))[: self.cat.name_max_length].strip("-")
        if suggestion:
            fixes = _change_to(entry.value_start, entry.value_end, suggestion)
        return Finding(
            code,
            f"The name {what}: Claude Code logs an error and drops this agent.",
            entry.value_start,
            entry.value_end,
            fixes,
        )

    def _description(self) -> Iterator[Finding]:
        entry = self._entry("description")
        if entry is None:
            yield Finding(
                "AL211",
                "No `description`: Claude Code logs an error and drops this agent. Say when "
                "Claude should use it.",
                *self._opening(),
                (
                    self._insert_key_fix(
                        "Add `description`", 'description: "Use this agent when …"'
                    ),
                ),
            )
            return
        value = entry.value
        if isinstance(value, str) and value and not value.strip():  # loaded (2.1.328)
            yield Finding(
                "AL215",
                "`description` is only spaces: Claude Code loads this agent, but the main model "
                "sees no description, so it never knows when to use it.",
                entry.value_start,
                entry.value_end,
            )
            return
        if not isinstance(value, str) or not value.strip():
            what = (
                "empty"
                if value in (None, "") or isinstance(value, str)
                else f"{_describe_type(value)}, not text"
            )
            start, end = (
                (entry.value_start, entry.value_end)
                if value is not None
                else (entry.key_start, entry.key_end)
            )
            yield Finding(
                "AL212",
                f"`description` is {what}: Claude Code logs an error and drops this agent.",
                start,
                end,
            )
            return
        if "\\n" in value and isinstance(entry.node, yaml.ScalarNode) and entry.node.style != '"':
            yield Finding(
                "AL214",
                "Claude Code turns the literal `\\n` here into a newline.",
                entry.value_start,
                entry.value_end,
            )

    def _comment_truncation(self, entry: Entry) -> Finding | None:
        """AL601 or AL213 when a ` #` on the value's line starts a YAML comment that cuts it."""
        if not isinstance(entry.node, yaml.ScalarNode) or entry.node.style not in (None, ""):
            return None
        anchor = entry.value_end if entry.value_end > entry.value_start else entry.key_end + 1
        _, line_end = _line_bounds(self.text, anchor)
        rest = self.text[anchor:line_end]
        if "#" not in rest:
            return None
        match = _TRAILING_COMMENT.match(rest)
        if not match or (entry.value_end > entry.value_start and not rest[:1].isspace()):
            return None
        comment_start = anchor + match.start(1)
        comment = match.group(1)
        if entry.key == "color" and entry.value in (None, ""):
            nearest = self.cat.nearest_color(comment)
            fixes = _change_to(comment_start, comment_start + len(comment), nearest)
            return Finding(
                "AL601",
                f"`{comment}` starts a YAML comment, so `color` is empty and Claude Code shows no "
                f"color. It accepts {self._color_list()}"
                + (f"; the nearest is `{nearest}`." if nearest else "."),
                comment_start,
                comment_start + len(comment),
                fixes,
            )
        value_text = self.text[entry.value_start : comment_start].rstrip()
        whole = (value_text + " " + comment).strip() if value_text else comment
        reads = (
            f'reads `{entry.key}` as "{_show(entry.value)}"'
            if entry.value not in (None, "")
            else f"reads `{entry.key}` as empty"
        )
        return Finding(
            "AL213",
            f"`{comment}` starts a YAML comment: Claude Code {reads}. Quote the value to keep it.",
            comment_start,
            comment_start + len(comment),
            (
                Fix(
                    "Quote the value",
                    (
                        Edit(
                            anchor if not value_text else entry.value_start,
                            comment_start + len(comment),
                            (" " if not value_text and not rest[:1].isspace() else "")
                            + _quote(whole),
                        ),
                    ),
                    True,
                ),
            ),
        )

    def _color_list(self) -> str:
        return ", ".join(self.cat.colors)

    # -- values --------------------------------------------------------------------------------
    def _value(self, entry: Entry, kind: str) -> Iterator[Finding]:
        handler = getattr(self, f"_value_{kind}", None)
        if handler is not None:
            yield from handler(entry)

    def _bad_type(self, entry: Entry, expected: str, code: str = "AL707") -> Finding:
        start, end = (
            (entry.value_start, entry.value_end)
            if entry.value is not None
            else (entry.key_start, entry.key_end)
        )
        return Finding(
            code,
            f"`{entry.key}` is {_describe_type(entry.value)}, not {expected}: Claude Code ignores it.",
            start,
            end,
        )

    def _value_string(self, entry: Entry) -> Iterator[Finding]:
        if entry.key in ("name", "description"):
            return
        if entry.value is not None and not isinstance(entry.value, str):
            yield self._bad_type(entry, "text")

    def _value_enum(self, entry: Entry) -> Iterator[Finding]:
        allowed = self.cat.enum_values(entry.key)
        value = entry.value
        if isinstance(value, str) and value in allowed:
            return
        shown = ", ".join(allowed)
        if entry.key == "color":
            nearest = self.cat.nearest_color(_show(value)) if value is not None else None
            fixes = _change_to(
                entry.value_start, entry.value_end, nearest if value is not None else None
            )
            yield Finding(
                "AL601",
                f"Claude Code drops this color: it accepts {shown} (case-sensitive)"
                + (f"; the nearest is `{nearest}`." if nearest else "."),
                *self._value_range(entry),
                fixes,
            )
            return
        yield self._dropped(
            entry,
            shown,
            suggest(str(value), allowed, cutoff=0)
            if isinstance(value, (str, int, float))
            else None,
        )

    _value_colors = _value_enum

    def _value_range(self, entry: Entry) -> tuple[int, int]:
        if entry.value_end > entry.value_start:
            return entry.value_start, entry.value_end
        return entry.key_start, entry.key_end

    def _dropped(
        self, entry: Entry, allowed: str, hint: str | None, code: str = "AL701"
    ) -> Finding:
        fixes = _change_to(
            entry.value_start, entry.value_end, hint if entry.value is not None else None
        )
        return Finding(
            code,
            f"Claude Code drops `{entry.key}: {_show(entry.value) if entry.value is not None else ''}`"
            f" and uses the default: it accepts {allowed}"
            + (f". Did you mean `{hint}`?" if hint else "."),
            *self._value_range(entry),
            fixes,
        )

    def _value_effort(self, entry: Entry) -> Iterator[Finding]:
        value = entry.value
        if isinstance(value, int) and not isinstance(value, bool):
            return
        if isinstance(value, str) and (
            value in self.cat.enum_values("effort") or value.strip().isdigit()
        ):
            return
        allowed = ", ".join(self.cat.enum_values("effort")) + " or an integer"
        yield self._dropped(
            entry,
            allowed,
            suggest(value, self.cat.enum_values("effort"), cutoff=0)
            if isinstance(value, str)
            else None,
        )

    def _value_positiveInteger(self, entry: Entry) -> Iterator[Finding]:  # noqa: N802 - catalogue type name
        value = entry.value
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        minimum = self.cat.raw["keys"].get(entry.key, {}).get("minimum", 1)
        if number is not None and number >= max(minimum, 1):
            return
        need = "a positive integer" if minimum <= 1 else f"an integer of at least {minimum}"
        yield Finding(
            "AL703",
            f"`{entry.key}` must be {need}; Claude Code drops {_dropped_value(value)}.",
            *self._value_range(entry),
        )

    def _value_boolean(self, entry: Entry) -> Iterator[Finding]:
        value = entry.value
        if isinstance(value, bool) or value in ("true", "false"):
            return
        as_bool = {
            "yes": "true",
            "on": "true",
            "no": "false",
            "off": "false",
            "y": "true",
            "n": "false",
        }
        hint = as_bool.get(str(value).lower()) if isinstance(value, str) else None
        fixes = _change_to(entry.value_start, entry.value_end, hint)
        yield Finding(
            "AL702",
            f"`{entry.key}` takes true or false; Claude Code drops {_dropped_value(value)}"
            + (" (in YAML 1.2 it is a string, not a boolean)." if hint else "."),
            *self._value_range(entry),
            fixes,
        )

    def _value_model(self, entry: Entry) -> Iterator[Finding]:
        value = entry.value
        if value is None or (isinstance(value, str) and not value.strip()):
            yield Finding(
                "AL504",
                "An empty `model` means `inherit`: say `inherit` explicitly.",
                *self._value_range(entry),
                (
                    Fix(
                        "Change to `inherit`",
                        (
                            Edit(
                                entry.value_start,
                                entry.value_end,
                                "inherit" if entry.value_end > entry.value_start else " inherit",
                            ),
                        ),
                        True,
                    ),
                ),
            )
            return
        if not isinstance(value, str):
            yield self._bad_type(entry, "a model name", "AL503")
            return
        model = value.strip()
        kind = self.cat.model_kind(model)  # full IDs in any case count: Claude Code lowers them
        if kind in ("inherit", "known"):
            return
        names = [*self.cat.model_aliases, *self.cat.model_ids, "inherit"]
        if kind == "claude":
            yield Finding(
                "AL502",
                f"Claude Code sends `{model}` to the API verbatim; it is not a current model ID "
                f"that agent-ls knows ({', '.join(self.cat.model_ids)}), and retired models are refused.",
                *self._value_range(entry),
            )
            return
        hint = suggest(model, names)
        fixes = _change_to(entry.value_start, entry.value_end, hint or "inherit")
        yield Finding(
            "AL501",
            f"Claude Code sends `{model}` to the API verbatim, which refuses it: the agent fails "
            f"when spawned. Use an alias ({', '.join(self.cat.model_aliases)}), a model ID, or `inherit`"
            + (f"; did you mean `{hint}`?" if hint else "."),
            *self._value_range(entry),
            fixes,
        )

    def _value_skills(self, entry: Entry) -> Iterator[Finding]:
        value = entry.value
        if value is None or isinstance(value, str):
            return
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return
        what = (
            "a list with non-text items"
            if isinstance(value, list)
            else f"{_describe_type(value)}, not a skill name or a list of names"
        )
        yield Finding(
            "AL704", f"`skills` is {what}: Claude Code gives no skills.", *self._value_range(entry)
        )

    def _value_mcpServers(self, entry: Entry) -> Iterator[Finding]:  # noqa: N802
        value = entry.value
        if value is None:
            return
        if isinstance(value, dict):
            yield Finding(
                "AL705",
                "`mcpServers` is a mapping: Claude Code ignores it. Write a list (`- name` or "
                "`- name: {config}`).",
                *self._value_range(entry),
            )
            return
        if not isinstance(value, list):
            yield Finding(
                "AL705",
                f"`mcpServers` is {_describe_type(value)}, not a list: Claude Code ignores it.",
                *self._value_range(entry),
            )
            return
        assert isinstance(entry.node, yaml.SequenceNode)
        for item_node, item in zip(entry.node.value, value, strict=False):
            if isinstance(item, str) or (
                isinstance(item, dict)
                and len(item) == 1
                and isinstance(next(iter(item.values())), dict)
            ):
                continue
            start, end = self._node_range(item_node)
            yield Finding(
                "AL705",
                "Claude Code drops this `mcpServers` item: use a server name or a one-key mapping of name → config.",
                start,
                end,
            )

    def _node_range(self, node: yaml.Node) -> tuple[int, int]:
        """Offsets of a nested node (line/column marks relative to the frontmatter)."""
        return self.fm.span(node)

    def _value_hooks(self, entry: Entry) -> Iterator[Finding]:
        if isinstance(entry.value, dict) and isinstance(entry.node, yaml.MappingNode):
            for key_node, _ in entry.node.value:
                event = to_python(key_node)
                if not isinstance(event, str) or event not in self.cat.hook_events:
                    hint = suggest(_show(event), self.cat.hook_events)
                    yield Finding(
                        "AL708",
                        f"`{event}` is not a hook event: Claude Code loads the agent but this hook "
                        "never runs" + (f". Did you mean `{hint}`?" if hint else "."),
                        *self._node_range(key_node),
                        _change_to(*self._node_range(key_node), hint),
                    )
        problem = hooks_problem(entry.value, self.cat)
        if problem:
            yield Finding(
                "AL706",
                f"Invalid hooks ({problem}): Claude Code drops this whole agent.",
                *self._value_range(entry),
            )

    # -- tools ---------------------------------------------------------------------------------
    def _value_tools(self, entry: Entry) -> Iterator[Finding]:
        allow = entry.key == "tools"
        value = entry.value
        tokens = list(self._tool_tokens(entry))
        if value is None or value == "" or value == [] or (isinstance(value, str) and not tokens):
            if allow:
                yield Finding(
                    "AL405",
                    "Empty `tools` gives this agent zero tools (the agent listing even says "
                    '"All tools"): it loads but cannot do anything.',
                    *self._value_range(entry),
                    (
                        Fix(
                            "Remove `tools:` (inherit every tool)",
                            (self._delete_entry(entry),),
                            True,
                        ),
                        Fix(
                            "Allow read-only tools",
                            (
                                Edit(
                                    entry.value_start,
                                    entry.value_end,
                                    ("" if entry.value_end > entry.value_start else " ")
                                    + "Read, Grep, Glob",
                                ),
                            ),
                        ),
                        Fix(
                            "Allow every tool (`*`)",
                            (
                                Edit(
                                    entry.value_start,
                                    entry.value_end,
                                    ("" if entry.value_end > entry.value_start else " ") + '"*"',
                                ),
                            ),
                        ),
                    ),
                )
            return
        if not isinstance(value, (str, list)):
            if allow:
                yield Finding(
                    "AL405",
                    f"`tools` is {_describe_type(value)}, not tool names: Claude Code gives this "
                    'agent zero tools (the agent listing says "All tools").',
                    *self._value_range(entry),
                    (
                        Fix(
                            "Remove `tools:` (inherit every tool)",
                            (self._delete_entry(entry),),
                            True,
                        ),
                    ),
                )
                return
            yield self._bad_type(entry, "a string or list of tool names", "AL408")
            return
        kept = 0
        names = {t.text.split("(")[0] for t in tokens}
        seen: set[str] = set()
        for index, token in enumerate(tokens):
            if token.text in seen:
                removal = self._remove_tool(tokens, index)
                yield Finding(
                    "AL412",
                    f"`{token.text}` is already listed: Claude Code reads it once.",
                    token.start,
                    token.end,
                    (Fix(f"Remove this `{token.text}`", (removal,), True),) if removal else (),
                )
                continue
            seen.add(token.text)
            # The removal edit is worked out only for a tool that gets a finding (few do).
            removal_of = functools.partial(self._remove_tool, tokens, index)
            finding, survives = self._tool(token, allow, names, removal_of)
            kept += survives
            if finding:
                yield finding
        if allow and tokens and kept == 0:
            yield Finding(
                "AL406",
                "None of these tools exists in Claude Code, so nothing remains: it lists the agent "
                'but refuses to spawn it ("would be spawned with zero tools").',
                *self._value_range(entry),
            )

    def _tool_tokens(self, entry: Entry) -> Iterator[_Token]:
        value = entry.value
        if isinstance(value, str):
            yield from self._split_tools(value, entry.node, entry.value_start, entry.value_end)
        elif isinstance(value, list) and isinstance(entry.node, yaml.SequenceNode):
            for node, item in zip(entry.node.value, value, strict=False):
                start, end = self._node_range(node)
                pieces = list(
                    self._split_tools(item, node, start, end) if isinstance(item, str) else ()
                )
                if len(pieces) == 1:
                    yield _Token(pieces[0].text, pieces[0].start, pieces[0].end, (start, end))
                elif isinstance(item, str):
                    yield from pieces
                else:
                    yield _Token(_show(item), start, end, (start, end))

    def _split_tools(self, value: str, node: yaml.Node, start: int, end: int) -> Iterator[_Token]:
        raw = self.text[start:end]
        base = raw.find(value)
        for token_start, token_end in tool_name_spans(value):
            token = value[token_start:token_end]
            if base >= 0:
                yield _Token(token, start + base + token_start, start + base + token_end)
            else:
                yield _Token(token, start, end)

    def _remove_tool(self, tokens: list[_Token], index: int) -> Edit | None:
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
        line_start, line_end = _line_bounds(text, start)
        item = text[line_start:line_end].strip()
        if item.startswith("-") and item[1:].strip() == text[start:end]:
            newline = text.find("\n", line_end)
            return Edit(line_start, len(text) if newline == -1 else newline + 1, "")
        return None

    def _tool(
        self,
        token: _Token,
        allow: bool,
        names: set[str],
        removal_of: Callable[[], Edit | None],
    ) -> tuple[Finding | None, bool]:
        """Returns the finding for one tool name, and whether Claude Code keeps the tool."""
        has_bash, has_star = "Bash" in names, "*" in names
        cat = self.cat
        text = token.text
        span = (token.start, token.end)
        effect = "drops it" if allow else "ignores it here, so it is not removed"
        if text == "*":
            return None, True
        shape = _TOOL_SHAPE.fullmatch(text)
        if shape is None or (text.count("(") != text.count(")")):
            return Finding(
                "AL410",
                f"`{text}` is not a tool name or a well-formed rule like `Bash(git diff:*)`: Claude Code {effect}.",
                *span,
            ), False
        name = shape.group(1)
        name_span = (token.start, token.start + len(name))
        if has_star and allow:
            return Finding(
                "AL411", f"`{name}` is redundant: `*` already gives every tool.", *span
            ), True
        if name.startswith("mcp__"):
            server = name.split("__")[1] if name.count("__") >= 1 else ""
            known = self.ctx.mcp_servers
            if known is not None and server not in known:
                listed = ", ".join(sorted(known)) or "none"
                return Finding(
                    "AL407",
                    f"The MCP server `{server}` is not in this workspace's .mcp.json (servers: {listed}): Claude Code {effect}.",
                    *span,
                ), False
            return None, True
        if name in cat.tools:
            if name in ("Glob", "Grep") and has_bash and allow:
                return Finding(
                    "AL409",
                    f"Claude Code gives an agent that has Bash no `{name}`: it searches through "
                    "Bash instead, so nothing is lost (nothing to change here).",
                    *name_span,
                ), True
            return None, True
        if name in cat.legacy_tools:
            legacy = cat.legacy_tools[name]
            repl = legacy.replacement
            fixes = self._tool_fixes(name_span, repl, names, removal_of())
            if legacy.works:
                return Finding(
                    "AL403",
                    f"`{name}` is the legacy name of `{repl}`; it still works.",
                    *name_span,
                    fixes,
                ), True
            instead = f"; use `{repl}`" if repl else ""
            return Finding(
                "AL402",
                f"`{name}` no longer exists in Claude Code {cat.version}, which {effect}{instead}. {legacy.doc}",
                *name_span,
                fixes,
            ), False
        if name in cat.gated_tools:
            return Finding(
                "AL404",
                f"`{name}` may be unavailable: {cat.gated_tools[name]} When it is off, Claude Code {effect}.",
                *name_span,
            ), True
        hint = suggest(name, cat.all_tool_names(), cutoff=0.7)
        fixes = self._tool_fixes(name_span, hint, names, removal_of())
        case = hint is not None and hint.lower() == name.lower()
        why = "tool names are case-sensitive, " if case else ""
        return Finding(
            "AL401",
            f"Claude Code has no tool `{name}` ({why}it {effect})"
            + (f": did you mean `{hint}`?" if hint else "."),
            *name_span,
            fixes,
        ), False

    @staticmethod
    def _tool_fixes(
        span: tuple[int, int], hint: str | None, names: set[str], removal: Edit | None
    ) -> tuple[Fix, ...]:
        """Change to `hint` unless it is listed already (that would be a duplicate), and removal."""
        change = _change_to(*span, hint) if hint not in names else ()
        remove = (Fix("Remove this tool", (removal,), not change),) if removal else ()
        return change + remove


def hooks_problem(value: Any, cat: Catalogue) -> str | None:
    """Returns why `hooks` fails Claude Code's schema, or None when it is valid."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return f"`hooks` is {_describe_type(value)}, not a mapping of events"
    for event, matchers in value.items():
        # Claude Code's schema strips an unknown event without looking at its value: the agent
        # loads (measured on 2.1.332; AL708 says the hook never runs).
        if event not in cat.hook_events:
            continue
        if not isinstance(matchers, list):
            return f"`{event}` must be a list of matchers"
        for matcher in matchers:
            if not isinstance(matcher, dict):
                return f"each item of `{event}` must be a mapping with `hooks`"
            if "matcher" in matcher and not isinstance(matcher["matcher"], str):
                return f"`matcher` under `{event}` must be text"
            hooks = matcher.get("hooks")
            if not isinstance(hooks, list) or not hooks:
                return f"each item of `{event}` needs a `hooks:` list"
            for hook in hooks:
                if (
                    not isinstance(hook, dict)
                    or not isinstance(hook.get("type"), str)
                    or hook["type"] not in cat.hook_types
                ):
                    return f"each hook needs `type` ({', '.join(cat.hook_types)})"
                required = cat.hook_types[hook["type"]][0]
                if not isinstance(hook.get(required), str) or not hook[required]:
                    return f"a `{hook['type']}` hook needs `{required}`"
                if "timeout" in hook and not (
                    isinstance(hook["timeout"], (int, float))
                    and not isinstance(hook["timeout"], bool)
                ):
                    return "`timeout` must be a number of seconds"
    return None


_NORMAL_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CAMEL_HUMP = re.compile(r"([a-z0-9])([A-Z])")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def normalise_name(value: str) -> str:
    """Returns `value` as lowercase letters, digits and single hyphens."""
    if _NORMAL_NAME.fullmatch(value):  # most names: already so
        return value
    return _NOT_NAME.sub("-", _CAMEL_HUMP.sub(r"\1-\2", value).lower()).strip("-")
