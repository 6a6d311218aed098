"""The language server's state and the plumbing its handlers share (`build_server` registers them).

Diagnostics are computed off the event loop (a worker thread) as soon as a change arrives (or after
the configured debounce); changes arriving during a check fold into one more check of the latest
version, and a result for an older version (or older settings) is never published.

The workspace index keeps, per agent file on disk, only the name it declares (for AL208) and the
file's identity (to skip unchanged files on a re-index); it is built in a worker thread.

Persona actions (prompts, the API client: `lsp/personas/`) are imported on first use or in the
background once the client is initialized: they are not on the way to the initialize result. This
module never imports them; it keeps their state (`persona_state`, created on first use).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from agent_ls import __version__
from agent_ls.agentfile import AgentSource, read_source
from agent_ls.catalogue import Catalogue, load_catalogue
from agent_ls.completion import Candidate
from agent_ls.diagnostics.findings import Finding
from agent_ls.diagnostics.rules import CheckContext, check_source
from agent_ls.lsp import convert
from agent_ls.lsp.config_diagnostics import config_diagnostics
from agent_ls.lsp.protocol import AgentProtocol
from agent_ls.settings import Settings, load_project_settings, load_user_settings
from agent_ls.textindex import LineIndex
from agent_ls.workspace import (
    AgentName,
    AgentNames,
    UnreadableFile,
    declared_name,
    is_agent_path,
    load_mcp_servers,
    read_text,
    walk_markdown,
)

if TYPE_CHECKING:
    from agent_ls.lsp.personas.state import PersonaState

log = logging.getLogger(__name__)
SECTION = "agentLs"
FileIdentity = tuple[int, int, int, int]
"""(device, inode, size, mtime in ns): a file whose identity is unchanged need not be re-read."""


@dataclass(frozen=True)
class Analysis:
    """One document version, read and checked."""

    version: int | None
    source: AgentSource
    findings: list[Finding]
    index: LineIndex
    is_agent: bool


class AgentLanguageServer(LanguageServer):
    """agent-ls's server state; every attribute is owned by the event loop thread."""

    def __init__(self) -> None:
        super().__init__("agent-ls", __version__, protocol_cls=AgentProtocol)
        self.settings = Settings()
        """Project settings from disk, overlaid with the client's."""
        self.catalogue: Catalogue = load_catalogue()
        """The built-in catalogue extended by the settings."""
        self.workspace_root: Path | None = None
        self.mcp_servers: frozenset[str] | None = None
        self.names = AgentNames()
        """Agent names across the workspace (files on disk and open documents)."""
        self.analyses: dict[str, Analysis] = {}
        """The latest analysis of each open document."""
        self.index: dict[Path, tuple[FileIdentity, AgentName | None]] = {}
        """Agent files on disk: each one's identity and the name it declares."""
        self.pending: dict[str, asyncio.Task[None]] = {}
        """Diagnostics runs, by URI: each one checks until it has published the latest version."""
        self.epoch = 0
        """Bumped when settings or workspace names change: a check of an older epoch is stale."""
        self.tasks: set[asyncio.Task[Any]] = set()
        self.use_pull = False
        """The client pulls diagnostics (textDocument/diagnostic) instead of receiving them."""
        self.shared_edit_range = False
        """The client takes a completion list's default edit range (`itemDefaults.editRange`)."""
        self.resolve_documentation = False
        """The client asks for an item's documentation with completionItem/resolve."""
        self.completion_items: dict[tuple[Any, ...], types.CompletionItem] = {}
        """Completion items without a range of their own, built once per catalogue."""
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
        """The persona commands' handlers, by command, once `personas.register` gave them."""

    @functools.cached_property
    def persona_state(self) -> PersonaState:
        """Personas, the API client and running actions (created on first use)."""
        from agent_ls.lsp.personas.state import PersonaState

        return PersonaState()

    def rescan_personas(self) -> None:
        """Re-reads the workspace's agent files as personas now (blocking: when they changed)."""
        self.persona_state.scan(self.workspace_root, tuple(self.settings.agent_globs))

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
        path = self.path_of(uri)
        return path is not None and is_agent_path(path, self.workspace_root, self.settings)

    def analyze(self, uri: str, text: str, version: int | None) -> Analysis:
        """Returns the analysis of `text` (pure work: safe to run in a worker thread)."""
        return self.analysis_of(uri, read_source(text), version)

    def analysis_of(self, uri: str, source: AgentSource, version: int | None) -> Analysis:
        """Returns the analysis of an already read file (pure work, like `analyze`)."""
        path = self.path_of(uri)
        agent_path = self.is_agent_document(uri)
        ctx = CheckContext(
            self.catalogue, agent_path, path.stem if path else None, self.mcp_servers
        )
        findings = check_source(source, ctx)
        is_agent = agent_path or bool(findings)
        index = LineIndex(source.text, self.encoding())
        return Analysis(version, source, findings, index, is_agent)

    def remember(self, uri: str, analysis: Analysis) -> None:
        """Keeps `analysis` as the document's latest, and its agent name for AL208."""
        self.analyses[uri] = analysis
        path = self.path_of(uri)
        if path is not None and analysis.is_agent:
            self.names.update(path, analysis.source)

    def with_workspace_findings(self, uri: str, analysis: Analysis) -> list[Finding]:
        """Returns the analysis's findings plus those only the workspace knows (AL208)."""
        path = self.path_of(uri)
        if path is None or not analysis.is_agent:
            return analysis.findings
        duplicate = self.names.duplicates(path)
        return [*analysis.findings, duplicate] if duplicate else analysis.findings

    async def refresh(self, uri: str, delay: int) -> None:
        """Checks an open document after `delay` ms, then publishes (push mode); when it changed
        (or the settings did) during the check, checks the latest version instead of publishing."""
        if delay:
            await asyncio.sleep(delay / 1000)
        while (document := self.workspace.text_documents.get(uri)) is not None:
            version, epoch = document.version, self.epoch
            analysis = await asyncio.to_thread(self.analyze, uri, document.source, version)
            current = self.workspace.text_documents.get(uri)
            if current is document and current.version == version and self.epoch == epoch:
                self.remember(uri, analysis)
                if not self.use_pull:
                    self.publish(uri, analysis)
                return

    def publish(self, uri: str, analysis: Analysis) -> list[Finding]:
        """Pushes the document's diagnostics; returns the findings it published."""
        findings = self.with_workspace_findings(uri, analysis)
        diagnostics = [
            convert.diagnostic(f, analysis.index, uri, analysis.version) for f in findings
        ] + self.settings_file_diagnostics(uri, analysis)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=analysis.version, diagnostics=diagnostics
            )
        )
        return findings

    def settings_file_diagnostics(self, uri: str, analysis: Analysis) -> list[types.Diagnostic]:
        """Returns the warnings of a repository settings file (none for any other document), and
        the findings of persona reviews shown on the document."""
        text = analysis.source.text
        diagnostics = config_diagnostics(
            self.workspace_root, self.path_of(uri), text, self.encoding()
        )
        if "persona_state" in self.__dict__:  # personas have been used
            diagnostics += self.persona_state.finding_diagnostics(uri, text, self.encoding())
        return diagnostics

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        """Has the document checked and published: at once when no debounce applies (a check
        already running takes in the change), else after the delay (restarted by each change)."""
        delay = self.settings.debounce_ms if delay_ms is None else delay_ms
        running = self.pending.get(uri)
        if running is not None and not running.done():
            if not delay:
                return
            running.cancel()
        self.pending[uri] = self.run_task(self.refresh(uri, delay))

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

    def completion_item(
        self, candidate: Candidate, index: LineIndex | None, snippets: bool
    ) -> types.CompletionItem:
        """Returns the candidate's item: with `index`, with its own text edit; without, for a list
        with a default edit range, built once. Documentation is held back for completionItem/
        resolve when the client fetches it that way (smaller lists)."""
        c = candidate
        deferred = self.resolve_documentation
        if deferred and c.documentation:
            self.completion_docs[convert.completion_key(c)] = c.documentation
        if index is not None:
            return convert.completion_item(c, index, snippets, deferred)
        key = (c.label, c.kind, c.detail, c.documentation, c.insert_text, c.snippet, c.sort)
        item = self.completion_items.get((*key, snippets))
        if item is None:
            item = convert.completion_item(c, None, snippets, deferred)
            self.completion_items[(*key, snippets)] = item
        return item

    # -- settings and workspace ----------------------------------------------------------------
    def apply_settings(self) -> None:
        """Layers the settings: defaults → user config file → workspace files (local settings
        only) → the client's; every problem is shown and logged."""
        base, messages = load_user_settings()
        if self.workspace_root is not None:
            base, problems = load_project_settings(self.workspace_root, base)
            messages += problems
        for raw in (self.initialization_settings, self.client_settings):
            base, problems = base.merged(raw, camel=True)
            messages += problems
        self.settings = base
        self.catalogue = load_catalogue().with_settings(base)
        self.completion_items.clear()
        self.mcp_servers = load_mcp_servers(self.workspace_root)
        for message in messages:
            shown = f"agent-ls: {message}"
            warning = types.MessageType.Warning
            self.window_show_message(types.ShowMessageParams(type=warning, message=shown))
            self.window_log_message(types.LogMessageParams(type=warning, message=shown))
            log.warning(message)

    async def pull_settings(self) -> None:
        if not client_supports(self, "workspace.configuration"):
            return
        try:
            result = await self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            )
        except Exception as err:  # noqa: BLE001 - a client may refuse; defaults still work
            log.warning("workspace/configuration failed: %s", err)
            return
        if result and isinstance(result[0], dict):
            self.client_settings = result[0]
            self.apply_settings()

    def analyze_files(self, paths: list[Path]) -> list[tuple[str, Analysis]]:
        """Returns the analyses of saved files by URI, leaving out unreadable ones (worker thread)."""
        out = []
        for path in paths:
            source = self.source_on_disk(path)
            if source is not None:
                uri = uri_of(path)
                out.append((uri, self.analysis_of(uri, source, None)))
        return out

    def source_on_disk(self, path: Path) -> AgentSource | None:
        """Returns the saved file's source, or None when it cannot be read (or was never saved)."""
        try:
            return read_source(read_text(path))
        except UnreadableFile:
            return None

    def agent_files(self) -> list[Path]:
        """Returns the workspace's agent files on disk (walks the folders: worker thread)."""
        root = self.workspace_root
        if root is None:
            return []
        return [p for p in walk_markdown(root) if is_agent_path(p, root, self.settings)]

    def index_workspace(
        self, known: dict[Path, tuple[FileIdentity, AgentName | None]]
    ) -> dict[Path, tuple[FileIdentity, AgentName | None]]:
        """Returns the name each agent file on disk declares, with its identity (worker thread);
        files whose identity is as in `known` are not read again."""
        index: dict[Path, tuple[FileIdentity, AgentName | None]] = {}
        for path in self.agent_files():
            try:
                info = os.stat(path)
            except OSError:
                continue
            identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
            previous = known.get(path)
            if previous is not None and previous[0] == identity:
                index[path] = previous
                continue
            index[path] = (identity, declared_name(path, self.source_on_disk(path)))
        return index

    def request_reindex(self, quiet_s: float = 0.0) -> None:
        """Re-indexes the workspace once no request came for `quiet_s`; requests made meanwhile
        or during a run fold into one more run (a checkout's storm of watched-file events costs
        one or two runs, not one per event, and messages are not read behind a busy index)."""
        self.reindex_quiet_s = max(self.reindex_quiet_s, quiet_s)
        self.reindex_wanted = True
        if self.reindexing is None or self.reindexing.done():
            self.reindexing = self.run_task(self.reindex_until_settled())

    async def reindex_until_settled(self) -> None:
        while self.reindex_wanted:
            self.reindex_wanted = False
            if self.reindex_quiet_s:
                await asyncio.sleep(self.reindex_quiet_s)
                if self.reindex_wanted:
                    continue  # still storming
            self.reindex_quiet_s = 0.0
            await self.reindex()

    async def reindex(self) -> None:
        if self.personas_stale:
            self.personas_stale = False
            await asyncio.to_thread(self.rescan_personas)
        open_paths = frozenset(self.path_of(uri) for uri in self.workspace.text_documents)
        self.index, names = await asyncio.to_thread(self.build_index, self.index, open_paths)
        for uri, analysis in self.analyses.items():  # open documents count as the editor has them
            open_path = self.path_of(uri)
            if open_path is not None and analysis.is_agent:
                names.update(open_path, analysis.source)
        self.names = names
        self.refresh_all()

    def build_index(
        self,
        known: dict[Path, tuple[FileIdentity, AgentName | None]],
        open_paths: frozenset[Path | None],
    ) -> tuple[dict[Path, tuple[FileIdentity, AgentName | None]], AgentNames]:
        """Returns the index of the files on disk and their name table, without the names of
        `open_paths` (worker thread: 10,000 files must not stall the event loop)."""
        index = self.index_workspace(known)
        names = AgentNames()
        for path, (_, name) in index.items():
            if path not in open_paths:
                names.record(path, name)
        return index, names

    def refresh_all(self) -> None:
        self.epoch += 1
        self.analyses.clear()
        if self.use_pull:
            if client_supports(self, "workspace.diagnostics.refresh_support"):
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)


@functools.lru_cache(maxsize=4096)
def _path_of(uri: str) -> Path | None:
    """Returns the file path of a `file:` URI (cached: asked on every keystroke)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def client_supports(server: LanguageServer, dotted: str) -> bool:
    return client_value(server, dotted, False) is not False


def client_value(server: LanguageServer, dotted: str, default: Any) -> Any:
    """Returns the client capability at `dotted` (snake_case), or `default` when not given."""
    node: Any = server.client_capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None or node is False:
            return default
    return node
