"""The agent's own read-only tools, run by agent-ls inside the workspace during a persona call.

An agent that has `Read`, `Grep` or `Glob` (declared in `tools`, or every tool inherited; Bash
gives Grep and Glob, as Claude Code gives an agent with Bash its search) may look at the rest of
the workspace before it answers. The tools have Claude Code's names and input shapes. Every path
is confined to the workspace root (resolved, so neither `..` nor a symlink leads out), files the
`.gitignore` files ignore (the root's and every folder's on the way) are invisible, binary files
are refused, a file over `MAX_FILE_BYTES` is read only as a window of lines (`offset`/`limit`, as
Claude Code's Read does) and skipped by Grep, and every result passes through the secrets guard
(credentials redacted). A call to any
other tool of the agent (Edit, Write, Bash, WebFetch, MCP tools…) gets an error result.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_ls.personas.secrets import find_secrets, redact

READ_TOOLS = ("Read", "Grep", "Glob")
MAX_FILE_BYTES = 256 * 1024
"""Claude Code's Read limit: a larger file is read only with `offset` or `limit` (a window of
lines), and Grep skips it."""
DEFAULT_READ_LINES = 2000
BINARY_SNIFF_BYTES = 8192
"""A NUL byte in a file's first bytes makes it binary (as git decides)."""
MAX_LINE_CHARS = 2000
DEFAULT_HEAD_LIMIT = 250
MAX_GLOB_RESULTS = 100
MAX_SEARCHED_FILES = 5_000
"""Grep and Glob look at no more files than this per call (a huge workspace stays quick)."""
DEFAULT_MAX_TURNS = 8
DEFAULT_BUDGET_BYTES = 200_000
"""Total bytes of tool results one call may send back to the model."""
SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "__pycache__"})

DEFINITIONS: dict[str, dict[str, Any]] = {
    "Read": {
        "name": "Read",
        "description": "Reads a file of the workspace. Lines are numbered from 1 (cat -n "
        "format). Read-only; files ignored by git and binary files are refused, and a file "
        "over 256 KB is read only in parts (offset and limit).",
        "input_schema": {
            "type": "object",
            "properties": {
                "file_path": {
                    "type": "string",
                    "description": "The path of the file to read (absolute, or relative to the "
                    "workspace root)",
                },
                "offset": {
                    "type": "number",
                    "description": "The line number to start reading from. Only provide if the "
                    "file is too large to read at once",
                },
                "limit": {
                    "type": "number",
                    "description": "The number of lines to read. Only provide if the file is "
                    "too large to read at once.",
                },
            },
            "required": ["file_path"],
        },
    },
    "Grep": {
        "name": "Grep",
        "description": "Searches file contents of the workspace with a regular expression "
        "(Python syntax, close to ripgrep's).",
        "input_schema": {
            "type": "object",
            "properties": {
                "pattern": {"type": "string", "description": "The regular expression"},
                "path": {
                    "type": "string",
                    "description": "File or directory to search in. Defaults to the workspace "
                    "root.",
                },
                "glob": {"type": "string", "description": 'Glob to filter files (e.g. "*.js")'},
                "output_mode": {
                    "type": "string",
                    "enum": ["content", "files_with_matches", "count"],
                    "description": 'Defaults to "files_with_matches".',
                },
                "-B": {"type": "number", "description": "Lines before each match (content)."},
                "-A": {"type": "number", "description": "Lines after each match (content)."},
                "-C": {"type": "number", "description": "Lines around each match (content)."},
                "-n": {"type": "boolean", "description": "Line numbers (content; default on)."},
                "-i": {"type": "boolean", "description": "Case insensitive search"},
                "head_limit": {
                    "type": "number",
                    "description": "First N lines or entries (default 250; 0: unlimited).",
                },
            },
            "required": ["pattern"],
        },
    },
    "Glob": {
        "name": "Glob",
        "description": 'Finds files of the workspace by glob pattern (e.g. "**/*.py"), most '
        "recently modified first.",
        "input_schema": {
            "type": "object",
            "properties": {
                "pattern": {
                    "type": "string",
                    "description": "The glob pattern to match files against",
                },
                "path": {
                    "type": "string",
                    "description": "The directory to search in (default: the workspace root).",
                },
            },
            "required": ["pattern"],
        },
    },
}
"""The read-only tools as offered to the model: Claude Code's names and input shapes."""


class ToolRefused(Exception):
    """A tool call that cannot be run; the message goes back to the model as an error."""


def tool_names(value: Any) -> list[str] | None:
    """Returns the tool names of a `tools`/`disallowedTools` value (None: absent or `*`, i.e.
    every tool), each without its `(…)` argument."""
    from agent_ls.dialects.agents.tools import split_tool_names

    if value is None:
        return None
    if isinstance(value, str):
        names = split_tool_names(value)
    elif isinstance(value, list):
        names = [n for item in value if isinstance(item, str) for n in split_tool_names(item)]
    else:
        return []
    names = [n.split("(", 1)[0] for n in names]
    return None if "*" in names else names


@dataclass(frozen=True)
class WorkspaceTools:
    """The read-only tools one persona call may use, and its limits."""

    root: Path
    available: tuple[str, ...]
    """Of READ_TOOLS, the ones the agent has (in that order)."""
    unavailable: tuple[str, ...]
    """The agent's other tools, not run here."""
    max_turns: int = DEFAULT_MAX_TURNS
    budget_bytes: int = DEFAULT_BUDGET_BYTES
    _ignores: dict[str, GitIgnore] = field(default_factory=dict, repr=False, compare=False)
    """The `.gitignore` of each folder looked at (by workspace-relative path), read once per
    call."""

    def definitions(self) -> list[dict[str, Any]]:
        return [DEFINITIONS[name] for name in self.available]

    def notice(self) -> str:
        """Returns what the model is told about its tools in this mode."""
        tools = ", ".join(self.available)
        sentence = (
            f"Before answering you may use {tools} to look at the rest of the workspace "
            f"(read-only, at most {self.max_turns} turns in all)."
        )
        if self.unavailable:
            sentence += f" Your other tools ({', '.join(self.unavailable)}) are not available here."
        return sentence

    def describe(self, name: str, data: dict[str, Any]) -> str:
        """Returns a progress line for a call, e.g. "Reading app/models.py"."""
        if name == "Read":
            return f"Reading {data.get('file_path', '?')}"
        if name == "Grep":
            where = f" in {data['path']}" if data.get("path") else ""
            return f"Searching for `{data.get('pattern', '')}`{where}"
        if name == "Glob":
            return f"Finding files {data.get('pattern', '')}"
        return f"Refusing {name} (not available here)"

    def run(self, name: str, data: dict[str, Any]) -> str:
        """Returns the result of a call, secrets redacted; raises ToolRefused."""
        if name not in self.available:
            raise ToolRefused(
                f"{name} is not available here: only {', '.join(self.available)} can be used."
            )
        if not isinstance(data, dict):
            raise ToolRefused("the input must be an object")
        result = {"Read": self._read, "Grep": self._grep, "Glob": self._glob}[name](data)
        return redact(result, find_secrets(result))

    # -- confinement ---------------------------------------------------------------------------

    def _path(self, value: Any, *, default_root: bool = False) -> Path:
        if value is None and default_root:
            return self.root
        if not isinstance(value, str) or not value.strip():
            raise ToolRefused("a path is required")
        candidate = Path(value)
        joined = candidate if candidate.is_absolute() else self.root / candidate
        resolved = joined.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise ToolRefused(f"{value} is outside the workspace")
        if not resolved.exists():
            raise ToolRefused(f"{value} does not exist")
        if self._ignored(resolved):
            raise ToolRefused(f"{value} is ignored by .gitignore")
        return resolved

    def _relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _ignored(self, path: Path) -> bool:
        if path == self.root:
            return False
        return self._ignored_relative(self._relative(path), path.is_dir())

    def _ignored_relative(self, relative: str, is_dir: bool, *, walking: bool = False) -> bool:
        """Whether the workspace-relative path is skipped or ignored by a `.gitignore` on the
        way to it (each folder's, matched relative to that folder); `walking`: its folder was
        found not ignored on the way down."""
        parts = relative.split("/")
        if parts[-1] in SKIP_DIRS or (not walking and any(p in SKIP_DIRS for p in parts)):
            return True
        folder = ""
        for depth in range(len(parts)):
            rules = self._ignores.get(folder)
            if rules is None:
                rules = self._ignores[folder] = GitIgnore.of(self.root / folder)
            tail = "/".join(parts[depth:])
            if rules.rules and rules.matches(tail, is_dir, parents_checked=walking):
                return True
            folder = f"{folder}/{parts[depth]}" if folder else parts[depth]
        return False

    def _files(self, folder: Path) -> Iterator[tuple[str, str]]:
        """Yields the visible files under `folder` and their workspace-relative paths, sorted
        (a folder's files, then its folders), without leaving the workspace (at most
        MAX_SEARCHED_FILES; symlinked folders are not followed)."""
        if folder.is_file():
            yield str(folder), self._relative(folder)
            return
        count = 0
        stack = [self._relative(folder) if folder != self.root else ""]
        while stack:
            current = stack.pop()
            try:
                with os.scandir(self.root / current) as scan:
                    entries = sorted(scan, key=lambda e: e.name)
            except OSError:
                continue
            folders = []
            for entry in entries:
                relative = f"{current}/{entry.name}" if current else entry.name
                if entry.is_symlink():
                    if entry.is_dir() or self.root not in Path(entry.path).resolve().parents:
                        continue
                elif entry.is_dir():
                    if not self._ignored_relative(relative, True, walking=True):
                        folders.append(relative)
                    continue
                if not self._ignored_relative(relative, False, walking=True):
                    count += 1
                    if count > MAX_SEARCHED_FILES:
                        return
                    yield entry.path, relative
            stack.extend(reversed(folders))

    # -- the tools -----------------------------------------------------------------------------

    def _read(self, data: dict[str, Any]) -> str:
        path = self._path(data.get("file_path"))
        if path.is_dir():
            raise ToolRefused(f"{data['file_path']} is a directory (use Glob to list it)")
        offset = max(_number(data.get("offset"), 1), 1)
        limit = max(_number(data.get("limit"), DEFAULT_READ_LINES), 1)
        windowed = data.get("offset") is not None or data.get("limit") is not None
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and not windowed:
            raise ToolRefused(
                f"File content ({size / 1024:.1f}KB) exceeds maximum allowed size "
                f"({MAX_FILE_BYTES // 1024}KB). Use offset and limit parameters to read specific "
                "portions of the file, or search for specific content (Grep) instead of reading "
                "the whole file."
            )
        chosen, count = _lines_of(path, offset, limit)
        if not chosen:
            return f"(no lines at {offset}: the file has {count})"
        return "\n".join(f"{n}\t{line[:MAX_LINE_CHARS]}" for n, line in enumerate(chosen, offset))

    def _grep(self, data: dict[str, Any]) -> str:
        flags = re.IGNORECASE if data.get("-i") else 0
        try:
            pattern = re.compile(str(data.get("pattern", "")), flags)
        except re.error as err:
            raise ToolRefused(f"invalid regular expression: {err}") from None
        base = self._path(data.get("path"), default_root=True)
        wanted = data.get("glob")
        mode = data.get("output_mode") or "files_with_matches"
        if mode not in ("content", "files_with_matches", "count"):
            raise ToolRefused(f"unknown output_mode {mode!r}")
        around = _number(data.get("-C", data.get("context")), 0)
        before, after = _number(data.get("-B"), around), _number(data.get("-A"), around)
        numbers = data.get("-n", True) is not False
        # A file with no match in its whole text (lines as MULTILINE sees them) has no matching
        # line: most files are skipped without splitting them. \A and \Z mean the line's start
        # and end only per line, so such a pattern is not prefiltered.
        whole = None
        if "\\A" not in pattern.pattern and "\\Z" not in pattern.pattern:
            whole = re.compile(pattern.pattern, flags | re.MULTILINE)
        out: list[str] = []
        for path, name in self._files(base):
            if isinstance(wanted, str) and not _glob_matches(wanted, name):
                continue
            try:
                text = _text_of(path)
            except ToolRefused:
                continue
            if whole is not None and whole.search(text) is None:
                continue
            lines = text.split("\n")
            hits = [n for n, line in enumerate(lines) if pattern.search(line)]
            if not hits:
                continue
            if mode == "files_with_matches":
                out.append(name)
            elif mode == "count":
                out.append(f"{name}:{len(hits)}")
            else:
                shown = sorted(
                    {
                        i
                        for n in hits
                        for i in range(n - before, n + after + 1)
                        if 0 <= i < len(lines)
                    }
                )
                for i in shown:
                    mark = ":" if i in hits else "-"
                    number = f"{i + 1}{mark}" if numbers else ""
                    out.append(f"{name}:{number}{lines[i][:MAX_LINE_CHARS]}")
        limit = _number(data.get("head_limit"), DEFAULT_HEAD_LIMIT)
        if limit > 0 and len(out) > limit:
            out = [*out[:limit], f"(… {len(out) - limit} more; head_limit {limit})"]
        return "\n".join(out) if out else "No matches found"

    def _glob(self, data: dict[str, Any]) -> str:
        pattern = data.get("pattern")
        if not isinstance(pattern, str) or not pattern.strip():
            raise ToolRefused("a pattern is required")
        base = self._path(data.get("path"), default_root=True)
        prefix = len(self._relative(base)) + 1 if base != self.root else 0
        found = [
            (p, name) for p, name in self._files(base) if _glob_matches(pattern, name[prefix:])
        ]
        found.sort(key=lambda item: os.stat(item[0]).st_mtime, reverse=True)
        names = [name for _, name in found[:MAX_GLOB_RESULTS]]
        if len(found) > MAX_GLOB_RESULTS:
            names.append(f"(… {len(found) - MAX_GLOB_RESULTS} more: narrow the pattern)")
        return "\n".join(names) if names else "No files found"


def _number(value: Any, default: int) -> int:
    return (
        int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else default
    )


def _text_of(path: str | Path) -> str:
    size = os.stat(path).st_size
    if size > MAX_FILE_BYTES:
        raise ToolRefused(
            f"the file has {size:,} bytes, over the {MAX_FILE_BYTES:,} this mode reads"
        )
    with open(path, "rb") as handle:
        raw = handle.read()
    _check_text(raw[:BINARY_SNIFF_BYTES])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ToolRefused("it is not UTF-8 text") from None


def _check_text(head: bytes) -> None:
    if b"\0" in head:
        raise ToolRefused("it is a binary file")


def _lines_of(path: Path, offset: int, limit: int) -> tuple[list[str], int]:
    """Returns lines `offset`.. (1-based, at most `limit`) of a text file, read line by line so
    that a big file costs only the window, and how many lines were looked at (the whole count
    when the window runs past the end); raises ToolRefused for binary or non-UTF-8 files."""
    chosen: list[str] = []
    count = 0
    with path.open("rb") as handle:
        _check_text(handle.read(BINARY_SNIFF_BYTES))
        handle.seek(0)
        for count, raw in enumerate(handle, 1):
            if count >= offset:
                try:
                    chosen.append(raw.decode("utf-8").rstrip("\r\n"))
                except UnicodeDecodeError:
                    raise ToolRefused("it is not UTF-8 text") from None
                if len(chosen) == limit:
                    break
    return chosen, count


def _glob_matches(pattern: str, relative: str) -> bool:
    """Whether a workspace-relative path matches a glob (`**` spans folders; a pattern without
    `/` matches the file name, as ripgrep's --glob does)."""
    if "/" not in pattern:
        return fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern) or any(
            fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], p) for p in _braces(pattern)
        )
    return any(_glob_regex(p).fullmatch(relative) for p in _braces(pattern))


def _braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*)\}", pattern)
    if match is None:
        return [pattern]
    return [
        v
        for option in match.group(1).split(",")
        for v in _braces(pattern[: match.start()] + option + pattern[match.end() :])
    ]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


@dataclass(frozen=True)
class GitIgnore:
    """The patterns of one folder's `.gitignore`, matched as git does (last match wins, `!` negates,
    a `/` inside anchors to its folder, a trailing `/` matches folders only)."""

    rules: tuple[tuple[re.Pattern[str], bool, bool], ...]
    """(pattern, negated, folders only)."""

    @classmethod
    def of(cls, root: Path) -> GitIgnore:
        try:
            text = (root / ".gitignore").read_text("utf-8", "replace")
        except OSError:
            return cls(())
        rules = []
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            line = line[1:] if negated else line
            folders = line.endswith("/")
            line = line.rstrip("/")
            anchored = "/" in line
            body = _glob_regex(line.lstrip("/")).pattern
            regex = body if anchored else f"(?:.*/)?{body}"
            rules.append((re.compile(regex + "(?:/.*)?"), negated, folders))
        return cls(tuple(rules))

    def matches(self, relative: str, is_dir: bool, *, parents_checked: bool = False) -> bool:
        """Whether the path (relative to this file's folder), or a folder above it, is ignored
        (`parents_checked`: the folders above were found not ignored, so only the path itself is
        matched)."""
        ignored = False
        parts = relative.split("/")
        for pattern, negated, folders in self.rules:
            for depth in range(len(parts) if parents_checked else 1, len(parts) + 1):
                prefix = "/".join(parts[:depth])
                prefix_is_dir = depth < len(parts) or is_dir
                if folders and not prefix_is_dir:
                    continue
                if pattern.fullmatch(prefix):
                    ignored = not negated
                    break
        return ignored


def workspace_tools(
    root: Path | None, tools: Any, disallowed: Any, max_turns: Any, default_max_turns: int
) -> WorkspaceTools | None:
    """Returns the read-only tools of an agent (its `tools`, `disallowedTools` and `maxTurns`
    values) in the workspace `root`; None when it has none or there is no workspace."""
    if root is None:
        return None
    declared = tool_names(tools)
    removed = set(tool_names(disallowed) or [])
    if declared is None:
        has = set(READ_TOOLS)
        others = ["Edit", "Write", "Bash", "WebFetch", "WebSearch", "MCP tools"]
    else:
        has = {n for n in declared if n in READ_TOOLS}
        if "Bash" in declared:
            has |= {"Grep", "Glob"}
        others = [n for n in dict.fromkeys(declared) if n not in READ_TOOLS]
    available = tuple(n for n in READ_TOOLS if n in has and n not in removed)
    if not available:
        return None
    turns = max_turns if isinstance(max_turns, int) and not isinstance(max_turns, bool) else 0
    resolved = root.resolve()
    return WorkspaceTools(
        resolved,
        available,
        tuple(n for n in others if n not in removed),
        turns if turns > 0 else default_max_turns,
    )
