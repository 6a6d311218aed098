"""Which agents can act as personas: the shipped ones, and every agent file of the workspace that
Claude Code would load. A workspace agent overrides a shipped one of the same name.

Files are read through the agents loader (so an agent Claude Code drops is no persona; a
plugin's, through the plugin's lenient loader) and cached by modification time; the editor's unsaved text of an open agent file wins over the disk.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_ls.core.frontmatter import MAX_FILE_BYTES, read_source
from agent_ls.core.globs import matches_globs
from agent_ls.dialects.agents import DIALECT as AGENTS
from agent_ls.dialects.plugins import load_plugin_agent, plugin_agent_name
from agent_ls.workspace import UnreadableFile, read_text, walk_files

_HERE = Path(__file__).resolve().parent
SHIPPED_DIR = _HERE / "shipped" if (_HERE / "shipped").is_dir() else _HERE.parents[2] / "agents"
"""The shipped agents: the repository's `agents/*.md`, through the `shipped` link in a source tree
(or the repository folder itself where links are not checked out), copied into the wheel."""


MARKDOWN_SUFFIXES = (".md", ".MD", ".Md", ".mD")
"""A plugin's agents are `.md` files in any case (`Upper.MD` loads); other agents only `.md`
(the globs say so)."""


@dataclass(frozen=True)
class Persona:
    """An agent usable on selected code."""

    name: str
    description: str
    model: str | None
    """The raw `model` value of the file (an alias, an ID, `inherit`), None when absent."""
    body: str
    """The system prompt: the file's body, trimmed."""
    path: Path | None
    shipped: bool
    tools: Any = None
    """The raw `tools` value (None: absent, every tool inherited)."""
    disallowed_tools: Any = None
    max_turns: Any = None
    """The raw `maxTurns` value."""


def persona_from_text(text: str, path: Path | None, *, shipped: bool = False) -> Persona | None:
    """Returns the persona an agent file defines, or None when Claude Code would drop the file.
    A plugin's agent is loaded as the plugin's lenient loader does (under its prefixed name,
    nameless or broken ones too)."""
    source = read_source(text)
    agent = None if path is None or shipped else load_plugin_agent(path, source)
    agent = agent or AGENTS.load(source)
    if agent is None:
        return None
    return Persona(
        agent.name,
        agent.description,
        agent.model,
        agent.body,
        path,
        shipped,
        agent.data.get("tools"),
        agent.data.get("disallowedTools"),
        agent.data.get("maxTurns"),
    )


def merge_personas(*layers: Iterable[Persona]) -> dict[str, Persona]:
    """Returns personas by name: later layers override earlier ones; in a layer the first wins."""
    merged: dict[str, Persona] = {}
    for layer in layers:
        seen: set[str] = set()
        for persona in layer:
            if persona.name not in seen:
                merged[persona.name] = persona
                seen.add(persona.name)
    return merged


_WORD = re.compile(r"[a-z][a-z0-9]{2,}")


def rank_personas(personas: Iterable[Persona], context: str) -> list[Persona]:
    """Returns the personas best suited to `context` (the language, file name and code) first:
    by how many words of their description it holds, then by name."""
    words = set(_WORD.findall(context.lower()))

    def overlap(persona: Persona) -> int:
        return len(set(_WORD.findall(persona.description.lower())) & words)

    return sorted(personas, key=lambda p: (-overlap(p), p.name))


class PersonaDirectory:
    """The personas of one workspace, rescanned on demand and cached by file modification time.

    Thread-safe: a rescan may run in a worker thread while the event loop reads `personas()`.
    """

    def __init__(self, shipped_dir: Path = SHIPPED_DIR) -> None:
        self._shipped_dir = shipped_dir
        self._files: dict[Path, tuple[tuple[int, int, str | None], Persona | None]] = {}
        self._overlays: dict[Path, tuple[str, Persona | None]] = {}
        self._workspace: list[Persona] = []
        self._dropped: list[Path] = []
        self._shipped: list[Persona] | None = None
        self._scanned_at: float | None = None
        self._lock = threading.Lock()

    @property
    def scanned_at(self) -> float | None:
        """Returns the monotonic time of the last workspace scan, None before the first."""
        return self._scanned_at

    def shipped(self) -> list[Persona]:
        """Returns the shipped personas (read once)."""
        if self._shipped is None:
            paths = sorted(self._shipped_dir.glob("*.md")) if self._shipped_dir.is_dir() else []
            self._shipped = [
                p for path in paths if (p := self._read(path, shipped=True)) is not None
            ]
        return self._shipped

    def scan(self, root: Path | None, globs: Iterable[str]) -> None:
        """Re-reads the agent files matching `globs` (unchanged files come from the cache)."""
        # The same discovery as diagnostics: one walk (no .git, node_modules; symlink loops cut),
        # the agent globs matched as the language server matches them.
        patterns = tuple(dict.fromkeys(globs))
        # A plugin's agents too, under the prefixed name Claude Code gives them.
        found = walk_files(root, MARKDOWN_SUFFIXES) if root else ()
        paths = [p for p in found if matches_globs(p, root, patterns) or plugin_agent_name(p)]
        read = [(path, self._read(path)) for path in paths]
        with self._lock:
            self._workspace = [p for _, p in read if p is not None]
            self._dropped = [path for path, p in read if p is None]
            self._scanned_at = time.monotonic()

    def personas(self, open_documents: Mapping[Path, str] | None = None) -> dict[str, Persona]:
        """Returns every persona by name; `open_documents` (path → text) win over the disk."""
        with self._lock:
            workspace = list(self._workspace)
        if open_documents:
            workspace = [p for p in workspace if p.path not in open_documents]
            overlays = (self._overlay(path, text) for path, text in open_documents.items())
            workspace = [*(p for p in overlays if p is not None), *workspace]
        return merge_personas(self.shipped(), workspace)

    def dropped(self, open_documents: Mapping[Path, str] | None = None) -> list[Path]:
        """Returns the workspace's agent files that are no persona because Claude Code would not
        load them (or they cannot be read); `open_documents` (path → text) win over the disk."""
        with self._lock:
            dropped = list(self._dropped)
        if not open_documents:
            return dropped
        kept = [p for p in dropped if p not in open_documents]
        opened = [p for p, text in open_documents.items() if self._overlay(p, text) is None]
        return sorted({*kept, *opened})

    def _overlay(self, path: Path, text: str) -> Persona | None:
        cached = self._overlays.get(path)
        if cached is not None and cached[0] == text:
            return cached[1]
        persona = persona_from_text(text, path)
        self._overlays[path] = (text, persona)
        return persona

    def _read(self, path: Path, *, shipped: bool = False) -> Persona | None:
        try:
            stat = path.stat()
            # A plugin.json that came, went or renamed the plugin changes the persona too.
            in_plugin = None if shipped else plugin_agent_name(path)
            stamp = (stat.st_mtime_ns, stat.st_size, in_plugin)
            cached = self._files.get(path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            too_big = stat.st_size > MAX_FILE_BYTES  # Claude Code skips these
            persona = None if too_big else persona_from_text(read_text(path), path, shipped=shipped)
        except (OSError, UnreadableFile):
            return None
        self._files[path] = (stamp, persona)
        return persona
