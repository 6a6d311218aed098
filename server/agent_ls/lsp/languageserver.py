"""The language server's state and the plumbing its capabilities share: documents read and checked
(`Analysis`), the workspace's names across files, background tasks. `server.build_server` registers the
capabilities (one module each) on it.

Nothing but pygls and this layer is on the way to the initialize result. The engine (dialects,
settings, the workspace) is imported on first use, inside the methods that call it: the first is
`initialized`, which layers the settings. Persona actions (prompts, the API client:
`lsp/personas/`) are imported on first use or in the background once the client is initialized;
this module never imports them, it keeps their state (`persona_state`, created on first use).
`tests/lsp/test_startup.py` holds the line.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from agent_ls import __version__
from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.capabilities import ClientFeatures
from agent_ls.lsp.protocol import AgentProtocol

if TYPE_CHECKING:
    from agent_ls.core.findings import Finding
    from agent_ls.core.frontmatter import MarkdownSource
    from agent_ls.core.names import DeclaredName, NameTable
    from agent_ls.dialects.agents.catalogue import Catalogue
    from agent_ls.dialects.base import Dialect
    from agent_ls.lsp.personas.state import PersonaState
    from agent_ls.settings import Settings

log = logging.getLogger(__name__)
SECTION = "agentLs"
FileIdentity = tuple[int, int, int, int]
"""(device, inode, size, mtime in ns): a file whose identity is unchanged need not be re-read."""


@dataclass(frozen=True)
class Analysis:
    """One document version, read and checked."""

    version: int | None
    source: MarkdownSource
    findings: list[Finding]
    index: LineIndex
    is_agent: bool
    dialect: Dialect[Any]
    """The dialect that checked it (chosen by path, `workspace.dialect_of`)."""


class AgentLanguageServer(LanguageServer):
    """agent-ls's server state; every attribute is owned by the event loop thread."""

    def __init__(self) -> None:
        super().__init__("agent-ls", __version__, protocol_cls=AgentProtocol)
        self.workspace_root: Path | None = None
        self.mcp_servers: frozenset[str] | None = None
        """The MCP servers Claude Code knows for the workspace (None: unknown, not judged)."""
        self.mcp_refreshing: asyncio.Task[None] | None = None
        self.mcp_refresh_wanted = False
        """An open layer changed while the servers were being read: read them once more."""
        self.analyses: dict[str, Analysis] = {}
        """The latest analysis of each open document."""
        self.index: dict[Path, tuple[FileIdentity, DeclaredName | None]] = {}
        """Dialect files on disk: each one's identity and the name it declares."""
        self.pending: dict[str, asyncio.Task[None]] = {}
        """Diagnostics runs, by URI: each one checks until it has published the latest version."""
        self.epoch = 0
        """Bumped when settings or workspace names change: a check of an older epoch is stale."""
        self.tasks: set[asyncio.Task[Any]] = set()
        self.client = ClientFeatures()
        """What the client can do, resolved at initialize (every handler reads it)."""
        self.completion_items: dict[tuple[Any, ...], str] = {}
        """Completion items without a range of their own, as JSON text, encoded once per
        catalogue: encoding 41 tool items afresh was most of what answering a completion cost."""
        self.completion_docs: dict[tuple[str, ...], str] = {}
        """Documentation held back from completion items (by `convert.completion_key`), for
        resolve; kept across settings changes, as a resolve may come after one."""
        self.client_settings: dict[str, Any] = {}
        self.initialization_settings: dict[str, Any] = {}
        self.reindexing: asyncio.Task[None] | None = None
        self.reindex_wanted = False
        """A re-index was asked for while one ran: run once more when it ends."""
        self.reindex_quiet_s = 0.0
        """How long the pending re-index waits for a pause in requests."""
        self.personas_stale = False
        """Agent files changed on disk: the next re-index re-reads the personas too."""
        self.persona_handlers: dict[str, Callable[..., Any]] = {}
        """The persona commands' handlers, by command, once the glue's `register` gave them."""

    @functools.cached_property
    def settings(self) -> Settings:
        """Project settings from disk, overlaid with the client's (`configuration.apply_settings`
        sets them at `initialized`; the defaults until then)."""
        from agent_ls.settings import Settings

        return Settings()

    @functools.cached_property
    def catalogue(self) -> Catalogue:
        """The built-in catalogue extended by the settings (set with them)."""
        from agent_ls.dialects.agents.catalogue import load_catalogue

        return load_catalogue()

    @functools.cached_property
    def names(self) -> NameTable:
        """Names across the workspace, every Markdown dialect's (files on disk and open
        documents); the workspace index replaces it."""
        from agent_ls.workspace import name_table

        return name_table()

    @functools.cached_property
    def persona_state(self) -> PersonaState:
        """Personas, the API client and running actions (created on first use)."""
        from agent_ls.lsp.personas.state import PersonaState

        return PersonaState()

    def rescan_personas(self) -> None:
        """Re-reads the workspace's agent files as personas now (blocking: when they changed)."""
        from agent_ls.workspace import agent_globs

        self.persona_state.scan(self.workspace_root, agent_globs(self.settings))

    # -- plumbing ------------------------------------------------------------------------------
    @property
    def exit_code(self) -> int:
        """The process's exit code once the server stops: 0 after `shutdown`, else 1."""
        return self.protocol.exit_code if isinstance(self.protocol, AgentProtocol) else 1

    def run_task(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Runs `coro` in the background, keeping a reference and logging its failure."""
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self.tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                log.error("background task failed", exc_info=t.exception())

        task.add_done_callback(done)
        return task

    def show_log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        log.info(message)
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    # -- analysis ------------------------------------------------------------------------------
    def path_of(self, uri: str) -> Path | None:
        return _path_of(uri)

    def is_agent_document(self, uri: str) -> bool:
        from agent_ls.workspace import is_agent_path

        path = self.path_of(uri)
        return path is not None and is_agent_path(path, self.workspace_root, self.settings)

    def analyze(self, uri: str, text: str, version: int | None) -> Analysis:
        """Returns the analysis of `text` (pure work: safe to run in a worker thread)."""
        from agent_ls.workspace import dialect_of

        dialect, _ = dialect_of(self.path_of(uri), self.workspace_root, self.settings)
        return self.analysis_of(uri, dialect.read(text), version)

    def analysis_of(self, uri: str, source: MarkdownSource, version: int | None) -> Analysis:
        """Returns the analysis of an already read file (pure work, like `analyze`)."""
        from agent_ls.dialects.base import CheckContext
        from agent_ls.workspace import dialect_of

        path = self.path_of(uri)
        dialect, in_globs = dialect_of(path, self.workspace_root, self.settings)
        ctx = CheckContext(
            dialect.catalogue, in_globs, path.stem if path else None, self.mcp_servers, path=path
        )
        findings = dialect.check(source, ctx)
        is_agent = in_globs or bool(findings)
        index = LineIndex(source.text, self.encoding())
        return Analysis(version, source, findings, index, is_agent, dialect)

    def remember(self, uri: str, analysis: Analysis) -> list[Path]:
        """Keeps `analysis` as the document's latest, and the name it declares; returns the
        other files whose duplicates this changed (its old or new name's)."""
        from agent_ls.core.frontmatter import MarkdownSource
        from agent_ls.dialects import declared_name

        self.analyses[uri] = analysis
        path = self.path_of(uri)
        if path is None:
            return []
        name = None
        if analysis.is_agent and isinstance(analysis.source, MarkdownSource):
            name = declared_name(analysis.dialect, path, analysis.source)
        old = self.names.by_path.get(path)
        if _key(old) == _key(name):
            if name is not None:
                self.names.record(path, name)  # the same name, perhaps at another range
            return []
        self.names.record(path, name)
        touched: set[Path] = set()
        for key in (_key(old), _key(name)):
            if key is not None:
                touched |= self.names.by_key.get(key, set())
        return sorted(touched - {path}, key=str)

    def with_workspace_findings(self, uri: str, analysis: Analysis) -> list[Finding]:
        """Returns the analysis's findings plus those only the workspace knows (a name another
        file declares too)."""
        path = self.path_of(uri)
        if path is None or not analysis.is_agent:
            return analysis.findings
        duplicate = self.names.duplicates(path)
        return [*analysis.findings, duplicate] if duplicate else analysis.findings

    def current(self, uri: str) -> Analysis | None:
        """Returns an analysis of the document as it is now (computed here if stale)."""
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return None
        analysis = self.analyses.get(uri)
        if analysis is None or analysis.version != document.version:
            analysis = self.analyze(uri, document.source, document.version)
            self.remember(uri, analysis)
        return analysis

    def agent_analysis(self, uri: str) -> Analysis | None:
        """Returns the current analysis of an open agent file; None for anything else."""
        analysis = self.current(uri)
        return analysis if analysis is not None and analysis.is_agent else None

    def declared_on_disk(self, path: Path) -> DeclaredName | None:
        """Returns the name the saved file declares, as its dialect reads it (None: none, or
        it cannot be read)."""
        from agent_ls.dialects import declared_name
        from agent_ls.workspace import dialect_of

        dialect, in_globs = dialect_of(path, self.workspace_root, self.settings)
        source = self.source_on_disk(path) if in_globs else None
        return None if source is None else declared_name(dialect, path, source)

    def source_on_disk(self, path: Path) -> MarkdownSource | None:
        """Returns the saved file's source, or None when it cannot be read (or was never saved)."""
        from agent_ls.core.frontmatter import read_source
        from agent_ls.workspace import UnreadableFile, read_text

        try:
            return read_source(read_text(path))
        except UnreadableFile:
            return None


def _key(name: DeclaredName | None) -> tuple[str, str] | None:
    return None if name is None else (name.namespace, name.name)


@functools.lru_cache(maxsize=4096)
def _path_of(uri: str) -> Path | None:
    """Returns the file path of a `file:` URI (cached: asked on every keystroke)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()
