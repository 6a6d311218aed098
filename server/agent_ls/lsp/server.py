"""The language server: the one protocol layer. Each handler translates LSP ↔ domain, nothing else.

Diagnostics are computed off the event loop (a worker thread), debounced per document, and
published with the version they were computed for; a result for an older version is dropped.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from agent_ls import __version__
from agent_ls.agentfile import AgentSource, read_source
from agent_ls.catalogue import Catalogue, load_catalogue
from agent_ls.completion import complete
from agent_ls.diagnostics.findings import Finding
from agent_ls.diagnostics.rules import CheckContext, check_source
from agent_ls.hover import hover
from agent_ls.lsp import convert
from agent_ls.lsp.config_diagnostics import config_diagnostics
from agent_ls.lsp.documents import use_lsp_documents
from agent_ls.lsp.protocol import AgentProtocol
from agent_ls.outline import color_swatches, symbols
from agent_ls.personas import lsp as personas  # imports the anthropic SDK only when first used
from agent_ls.settings import Settings, load_project_settings, load_user_settings
from agent_ls.textindex import LineIndex
from agent_ls.workspace import (
    AgentNames,
    UnreadableFile,
    is_agent_path,
    load_mcp_servers,
    read_text,
    walk_markdown,
)

log = logging.getLogger(__name__)
SECTION = "agentLs"
CHECK_WORKSPACE = "agentLs.checkWorkspace"


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
        self.pending: dict[str, asyncio.Task[None]] = {}
        """Debounced diagnostics runs, by URI."""
        self.tasks: set[asyncio.Task[Any]] = set()
        self.use_pull = False
        """The client pulls diagnostics (textDocument/diagnostic) instead of receiving them."""
        self.client_settings: dict[str, Any] = {}
        self.initialization_settings: dict[str, Any] = {}
        self.reindexing: asyncio.Task[None] | None = None
        self.reindex_wanted = False
        """A re-index was asked for while one ran: run once more when it ends."""
        self.reindex_quiet_s = 0.0
        """How long the pending re-index waits for a pause in requests."""
        self.personas_stale = False
        """Agent files changed on disk: the next re-index re-reads the personas too."""
        self.persona_state = personas.PersonaState()
        """Personas, the API client and running actions."""

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

    async def refresh(self, uri: str, delay_ms: int | None = None) -> None:
        """Re-checks an open document after the debounce delay, then publishes (push mode)."""
        delay = self.settings.debounce_ms if delay_ms is None else delay_ms
        if delay:
            await asyncio.sleep(delay / 1000)
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return
        version, text = document.version, document.source
        analysis = await asyncio.to_thread(self.analyze, uri, text, version)
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != version:
            return  # superseded by a newer edit, whose own run will publish
        self.remember(uri, analysis)
        if not self.use_pull:
            self.publish(uri, analysis)

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
        """Returns the warnings of a repository settings file (none for any other document)."""
        return config_diagnostics(
            self.workspace_root, self.path_of(uri), analysis.source.text, self.encoding()
        )

    def schedule(self, uri: str, delay_ms: int | None = None) -> None:
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = self.run_task(self.refresh(uri, delay_ms))

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

    def source_on_disk(self, path: Path) -> AgentSource | None:
        """Returns the saved file's source, or None when it cannot be read (or was never saved)."""
        try:
            return read_source(read_text(path))
        except UnreadableFile:
            return None

    def index_workspace(self) -> dict[Path, AgentSource]:
        """Reads every agent file of the workspace (worker thread); returns sources by path."""
        sources: dict[Path, AgentSource] = {}
        if self.workspace_root is None:
            return sources
        for path in walk_markdown(self.workspace_root):
            if not is_agent_path(path, self.workspace_root, self.settings):
                continue
            try:
                sources[path] = read_source(read_text(path))
            except UnreadableFile:
                continue
        return sources

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
            await asyncio.to_thread(personas.on_workspace_agents_changed, self)
        sources = await asyncio.to_thread(self.index_workspace)
        open_paths = {self.path_of(uri) for uri in self.workspace.text_documents}
        names = AgentNames()
        for path, source in sources.items():
            if path not in open_paths:
                names.update(path, source)
        for uri, analysis in self.analyses.items():
            open_path = self.path_of(uri)
            if open_path is not None and analysis.is_agent:
                names.update(open_path, analysis.source)
        self.names = names
        self.refresh_all()

    def refresh_all(self) -> None:
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


def _client_supports(server: LanguageServer, dotted: str) -> bool:
    node: Any = server.client_capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None or node is False:
            return False
    return True


def build_server() -> AgentLanguageServer:
    """Returns a server with every feature registered."""
    logging.getLogger("pygls").setLevel(logging.WARNING)  # it logs every message body at INFO
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
        ls.apply_settings()

    @server.feature(types.INITIALIZED)
    async def initialized(ls: AgentLanguageServer, _: types.InitializedParams) -> None:
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
            trigger_characters=[":", " ", ",", "-", "["], resolve_provider=False
        ),
    )
    def completion(
        ls: AgentLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        offset = analysis.index.offset(params.position.line, params.position.character)
        candidates = complete(analysis.source, offset, ls.catalogue, ls.mcp_servers)
        snippets = _client_supports(ls, "text_document.completion.completion_item.snippet_support")
        return types.CompletionList(
            is_incomplete=False,
            items=[convert.completion_item(c, analysis.index, snippets) for c in candidates],
        )

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: AgentLanguageServer, params: types.HoverParams) -> types.Hover | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        offset = analysis.index.offset(params.position.line, params.position.character)
        found = hover(
            analysis.source,
            offset,
            ls.catalogue,
            ls.with_workspace_findings(params.text_document.uri, analysis),
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
            return await personas.resolve_persona_action(ls, action)
        return action

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: AgentLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        return [convert.symbol(s, analysis.index) for s in symbols(analysis.source)]

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(
        ls: AgentLanguageServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        return convert.folding_ranges(symbols(analysis.source), analysis.index)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_COLOR)
    def document_color(
        ls: AgentLanguageServer, params: types.DocumentColorParams
    ) -> list[types.ColorInformation]:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return []
        return [
            convert.color_information(s, analysis.index)
            for s in color_swatches(analysis.source, ls.catalogue)
        ]

    @server.feature(types.TEXT_DOCUMENT_COLOR_PRESENTATION)
    def color_presentation(
        ls: AgentLanguageServer, params: types.ColorPresentationParams
    ) -> list[types.ColorPresentation]:
        return convert.color_presentations(params, ls.catalogue)

    @server.command(CHECK_WORKSPACE)
    async def check_workspace(ls: AgentLanguageServer, *_: Any) -> dict[str, int]:
        """Publishes diagnostics for every agent file of the workspace; returns counts."""
        sources = await asyncio.to_thread(ls.index_workspace)
        for path, source in sources.items():
            ls.names.update(path, source)
        counts = {"files": 0, "errors": 0, "warnings": 0}
        for path, source in sources.items():
            uri = from_fs_path(str(path)) or path.as_uri()
            if uri in ls.workspace.text_documents:
                continue
            findings = ls.publish(uri, ls.analysis_of(uri, source, None))
            counts["files"] += 1
            counts["errors"] += sum(f.severity == 1 for f in findings)
            counts["warnings"] += sum(f.severity == 2 for f in findings)
        for uri in list(ls.workspace.text_documents):
            ls.schedule(uri, 0)
        ls.show_log(
            f"agent-ls: checked {counts['files']} agent files: {counts['errors']} errors, {counts['warnings']} warnings",
            types.MessageType.Info,
        )
        return counts

    personas.register(server)
    return server
