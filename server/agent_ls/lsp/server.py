"""The language server: the one protocol layer. Each handler translates LSP ↔ domain, nothing else.

Diagnostics are computed off the event loop (a worker thread) as soon as a change arrives (or after
the configured debounce); changes arriving during a check fold into one more check of the latest
version, and a result for an older version (or older settings) is never published.

The workspace index keeps, per agent file on disk, only the name it declares (for AL208) and the
file's identity (to skip unchanged files on a re-index); it is built in a worker thread.

Persona actions (prompts, the API client) are imported on first use or in the background once the
client is initialized: they are not on the way to the initialize result.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import logging
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import default_converter
from pygls.uris import from_fs_path, to_fs_path

from agent_ls import __version__
from agent_ls.core.findings import Finding
from agent_ls.core.frontmatter import MarkdownSource, read_source
from agent_ls.core.textindex import LineIndex
from agent_ls.dialects.agents.catalogue import Catalogue, load_catalogue
from agent_ls.dialects.base import CheckContext, Dialect
from agent_ls.features.completion import Candidate
from agent_ls.lsp import convert
from agent_ls.lsp.config_diagnostics import config_diagnostics
from agent_ls.lsp.documents import use_lsp_documents
from agent_ls.lsp.protocol import AgentProtocol, LateCancelFilter
from agent_ls.settings import Settings, load_project_settings, load_user_settings
from agent_ls.workspace import (
    AgentName,
    AgentNames,
    UnreadableFile,
    declared_name,
    dialect_of,
    is_agent_path,
    load_mcp_servers,
    read_text,
    walk_markdown,
)

if TYPE_CHECKING:
    from cattrs import Converter

    from agent_ls.personas.lsp import PersonaState

log = logging.getLogger(__name__)
SECTION = "agentLs"
CHECK_WORKSPACE = "agentLs.checkWorkspace"
PERSONAS = "agent_ls.personas.lsp"
TRUST_NOTIFICATION = "agentLs/workspaceTrust"
"""The editor's workspace trust, `{"trusted": bool}` (handled by the persona glue)."""
PERSONA_COMMANDS = (
    "agentLs.persona.run",
    "agentLs.persona.list",
    "agentLs.persona.clearFindings",
    "agentLs.persona.reports",
    "agentLs.persona.choose",
    "agentLs.persona.followUp",
)
"""Advertised at initialize; `personas.register` supplies their handlers on first use."""
CHECK_WORKSPACE_BATCH = 25
"""checkWorkspace reads and checks this many files in a worker thread, publishes them (a few ms
on the event loop), then lets other messages through."""

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
    dialect: Dialect
    """The dialect that checked it (chosen by path, `workspace.dialect_of`)."""


class AgentLanguageServer(LanguageServer):
    """agent-ls's server state; every attribute is owned by the event loop thread."""

    def __init__(self) -> None:
        super().__init__(
            "agent-ls", __version__, protocol_cls=AgentProtocol, converter_factory=self._converter
        )
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
        self.completion_json: dict[int, tuple[types.CompletionItem, Any]] = {}
        """The JSON form of each item in `completion_items`, by the item's id: turning 41 tool
        items into JSON afresh was half of what answering a completion cost."""
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
        from agent_ls.personas import lsp as personas

        return personas.PersonaState()

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
        dialect, _ = dialect_of(self.path_of(uri), self.workspace_root, self.settings)
        return self.analysis_of(uri, dialect.read(text), version)

    def analysis_of(self, uri: str, source: MarkdownSource, version: int | None) -> Analysis:
        """Returns the analysis of an already read file (pure work, like `analyze`)."""
        path = self.path_of(uri)
        dialect, in_globs = dialect_of(path, self.workspace_root, self.settings)
        ctx = CheckContext(
            dialect.catalogue, in_globs, path.stem if path else None, self.mcp_servers, path=path
        )
        findings = dialect.check(source, ctx)
        is_agent = in_globs or bool(findings)
        index = LineIndex(source.text, self.encoding())
        return Analysis(version, source, findings, index, is_agent, dialect)

    def remember(self, uri: str, analysis: Analysis) -> None:
        """Keeps `analysis` as the document's latest, and its agent name for AL208."""
        self.analyses[uri] = analysis
        path = self.path_of(uri)
        if path is not None and analysis.is_agent and isinstance(analysis.source, MarkdownSource):
            self.names.update(path, analysis.source)  # agent names: Markdown files only

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
            from agent_ls.personas import lsp as personas

            diagnostics += personas.finding_diagnostics(self, uri, text)
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
        # label, kind, detail, documentation, insert_text, snippet: all but the range
        key = (*c[:6], c.sort, snippets)
        item = None if index is not None else self.completion_items.get(key)
        if item is not None:
            return item  # its documentation was kept when it was built
        if deferred and c.documentation:
            self.completion_docs[convert.completion_key(c)] = c.documentation
        if index is not None:
            return convert.completion_item(c, index, snippets, deferred)
        item = convert.completion_item(c, None, snippets, deferred)
        self.completion_items[key] = item
        self.completion_json[id(item)] = (item, self._item_to_json(item))
        return item

    def _converter(self) -> Converter:
        """pygls's converter, taking the JSON of a cached completion item from `completion_json`."""
        converter: Converter = default_converter()  # type: ignore[no-untyped-call]
        self._item_to_json = converter.get_unstructure_hook(types.CompletionItem)

        def item_json(item: types.CompletionItem) -> Any:
            cached = self.completion_json.get(id(item))
            return (
                cached[1] if cached is not None and cached[0] is item else self._item_to_json(item)
            )

        converter.register_unstructure_hook(types.CompletionItem, item_json)
        return converter

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
        self.completion_json.clear()
        self.mcp_servers = load_mcp_servers(self.workspace_root)
        for message in messages:
            shown = f"agent-ls: {message}"
            warning = types.MessageType.Warning
            self.window_show_message(types.ShowMessageParams(type=warning, message=shown))
            self.window_log_message(types.LogMessageParams(type=warning, message=shown))
            log.warning(message)

    async def pull_settings(self) -> None:
        if not _client_supports(self, "workspace.configuration"):
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
                uri = _uri_of(path)
                out.append((uri, self.analysis_of(uri, source, None)))
        return out

    def source_on_disk(self, path: Path) -> MarkdownSource | None:
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
            personas = await asyncio.to_thread(importlib.import_module, PERSONAS)
            await asyncio.to_thread(personas.on_workspace_agents_changed, self)
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
            if _client_supports(self, "workspace.diagnostics.refresh_support"):
                self.workspace_diagnostic_refresh(None)
            return
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)


@functools.lru_cache(maxsize=4096)
def _path_of(uri: str) -> Path | None:
    """Returns the file path of a `file:` URI (cached: asked on every keystroke)."""
    path = to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def _uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def _client_supports(server: LanguageServer, dotted: str) -> bool:
    return _client_value(server, dotted, False) is not False


def _client_value(server: LanguageServer, dotted: str, default: Any) -> Any:
    """Returns the client capability at `dotted` (snake_case), or `default` when not given."""
    node: Any = server.client_capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None or node is False:
            return default
    return node


def build_server() -> AgentLanguageServer:
    """Returns a server with every feature registered."""
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message body at INFO
    logging.getLogger("pygls.protocol.json_rpc").addFilter(LateCancelFilter())
    server = AgentLanguageServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: AgentLanguageServer, params: types.InitializeParams) -> None:
        use_lsp_documents(ls.workspace)  # documents kept exactly as the client has them
        root = params.root_uri or (
            params.workspace_folders[0].uri if params.workspace_folders else None
        )
        path = ls.path_of(root) if root else None
        ls.workspace_root = path
        options = params.initialization_options
        if isinstance(options, dict):
            ls.initialization_settings = options.get(SECTION, options)
        ls.use_pull = _client_supports(ls, "text_document.diagnostic")
        completion = "text_document.completion"
        ls.shared_edit_range = "editRange" in _client_value(
            ls, f"{completion}.completion_list.item_defaults", ()
        )
        ls.resolve_documentation = "documentation" in _client_value(
            ls, f"{completion}.completion_item.resolve_support.properties", ()
        )
        ls.apply_settings()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AgentLanguageServer, _: types.InitializedParams) -> None:
        ls.run_task(asyncio.to_thread(importlib.import_module, PERSONAS))  # warm, off the loop
        await ls.pull_settings()
        ls.request_reindex()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: AgentLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get(SECTION), dict):
            ls.client_settings = settings[SECTION]
            ls.apply_settings()
        else:
            await ls.pull_settings()
        ls.request_reindex()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: AgentLanguageServer, _: types.DidChangeWatchedFilesParams
    ) -> None:
        ls.apply_settings()
        ls.personas_stale = True  # re-read by the re-index, once per storm of events
        ls.request_reindex(quiet_s=0.2)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AgentLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        if not ls.use_pull:
            ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AgentLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if not ls.use_pull:
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AgentLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if ls.is_agent_document(params.text_document.uri):
            from agent_ls.personas import lsp as personas

            personas.on_workspace_agents_changed(ls)
            ls.refresh_all()  # a saved name can change duplicates in other files

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AgentLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.analyses.pop(uri, None)
        if not ls.use_pull:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        path = ls.path_of(uri)
        if (
            path is not None and path in ls.names.by_path
        ):  # its name is now the saved file's, if any
            ls.names.update(path, ls.source_on_disk(path))
            ls.refresh_all()

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(
            identifier="agent-ls", inter_file_dependencies=True, workspace_diagnostics=False
        ),
    )
    async def pull_diagnostics(
        ls: AgentLanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        if document is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        analysis = await asyncio.to_thread(ls.analyze, uri, document.source, document.version)
        ls.remember(uri, analysis)
        findings = ls.with_workspace_findings(uri, analysis)
        return types.RelatedFullDocumentDiagnosticReport(
            items=[convert.diagnostic(f, analysis.index, uri, analysis.version) for f in findings]
            + ls.settings_file_diagnostics(uri, analysis)
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(
            trigger_characters=[":", " ", ",", "-", "["], resolve_provider=True
        ),
    )
    def completion(
        ls: AgentLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        offset = analysis.index.offset(params.position.line, params.position.character)
        candidates = analysis.dialect.complete(analysis.source, offset, ls.mcp_servers)
        snippets = _client_supports(ls, "text_document.completion.completion_item.snippet_support")
        spans = {(c.start, c.end) for c in candidates}
        shared = ls.shared_edit_range and len(spans) == 1  # the usual case: one range for all
        index = None if shared else analysis.index
        defaults = None
        if shared:
            ((start, end),) = spans
            defaults = types.CompletionItemDefaults(
                edit_range=convert.range_of(analysis.index, start, end)
            )
        return types.CompletionList(
            is_incomplete=False,
            items=[ls.completion_item(c, index, snippets) for c in candidates],
            item_defaults=defaults,
        )

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    def completion_resolve(
        ls: AgentLanguageServer, item: types.CompletionItem
    ) -> types.CompletionItem:
        """Adds the documentation a completion list held back (clients that resolve it)."""
        key = tuple(item.data) if isinstance(item.data, list) else None
        documentation = ls.completion_docs.get(key) if key else None
        if documentation and item.documentation is None:
            item.documentation = convert.markdown(documentation)
        return item

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: AgentLanguageServer, params: types.HoverParams) -> types.Hover | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        offset = analysis.index.offset(params.position.line, params.position.character)
        found = analysis.dialect.hover(
            analysis.source, offset, ls.with_workspace_findings(params.text_document.uri, analysis)
        )
        if found is None:
            return None
        text, start, end = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
            range=convert.range_of(analysis.index, start, end),
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[
                types.CodeActionKind.QuickFix,
                types.CodeActionKind.RefactorRewrite,
                types.CodeActionKind.Empty,
            ],
            resolve_provider=True,
        ),
    )
    def code_action(
        ls: AgentLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        from agent_ls.personas import lsp as personas

        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        actions = convert.quick_fixes(params, document.version if document else None)
        actions += personas.persona_code_actions(ls, params)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: AgentLanguageServer, action: types.CodeAction
    ) -> types.CodeAction:
        if isinstance(action.data, dict) and action.data.get("kind") == "persona":
            from agent_ls.personas import lsp as personas

            return await personas.resolve_persona_action(ls, action)
        return action

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: AgentLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        return [
            convert.symbol(s, analysis.index) for s in analysis.dialect.symbols(analysis.source)
        ]

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(
        ls: AgentLanguageServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        return convert.folding_ranges(analysis.dialect.symbols(analysis.source), analysis.index)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_COLOR)
    def document_color(
        ls: AgentLanguageServer, params: types.DocumentColorParams
    ) -> list[types.ColorInformation]:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [
            convert.color_information(s, analysis.index)
            for s in analysis.dialect.swatches(analysis.source)
        ]

    @server.feature(types.TEXT_DOCUMENT_COLOR_PRESENTATION)
    def color_presentation(
        ls: AgentLanguageServer, params: types.ColorPresentationParams
    ) -> list[types.ColorPresentation]:
        return convert.color_presentations(params, ls.catalogue)

    @server.command(CHECK_WORKSPACE)
    async def check_workspace(ls: AgentLanguageServer, *_: Any) -> dict[str, int]:
        """Publishes diagnostics for every agent file of the workspace; returns counts."""
        await ls.reindex()  # the names on disk now (re-reads changed files); re-checks open ones
        paths = [p for p in ls.index if _uri_of(p) not in ls.workspace.text_documents]
        counts = {"files": 0, "errors": 0, "warnings": 0}
        for start in range(0, len(paths), CHECK_WORKSPACE_BATCH):  # read and checked off the loop
            batch = paths[start : start + CHECK_WORKSPACE_BATCH]
            for uri, analysis in await asyncio.to_thread(ls.analyze_files, batch):
                findings = ls.publish(uri, analysis)
                counts["files"] += 1
                counts["errors"] += sum(f.severity == 1 for f in findings)
                counts["warnings"] += sum(f.severity == 2 for f in findings)
        ls.show_log(
            f"agent-ls: checked {counts['files']} agent files: {counts['errors']} errors, {counts['warnings']} warnings",
            types.MessageType.Info,
        )
        return counts

    async def persona_command(ls: AgentLanguageServer, command: str, args: tuple[Any, ...]) -> Any:
        if not ls.persona_handlers:
            importlib.import_module(PERSONAS).register(_PersonaCommandRecorder(ls))
        result = ls.persona_handlers[command](ls, *args)
        return await result if inspect.isawaitable(result) else result

    @server.feature(TRUST_NOTIFICATION)
    def workspace_trust(ls: AgentLanguageServer, params: Any) -> None:
        importlib.import_module(PERSONAS).on_workspace_trust(ls, params)

    def persona_entry(command: str) -> Callable[..., Any]:
        async def entry(ls: AgentLanguageServer, *args: Any) -> Any:
            return await persona_command(ls, command, args)

        return entry

    for command in PERSONA_COMMANDS:
        server.command(command)(persona_entry(command))

    return server


class _PersonaCommandRecorder:
    """Stands in for the server while `personas.register` runs: keeps the handlers it declares
    for the commands the server advertised at initialize, and passes anything else through."""

    def __init__(self, server: AgentLanguageServer) -> None:
        self._server = server

    def command(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def keep(handler: Callable[..., Any]) -> Callable[..., Any]:
            self._server.persona_handlers[name] = handler
            return handler

        return keep

    def __getattr__(self, name: str) -> Any:
        return getattr(self._server, name)
