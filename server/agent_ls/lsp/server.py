"""The language server: the one protocol layer. Each handler translates LSP ↔ domain, nothing else.

`build_server` registers every handler on an `AgentLanguageServer` (its state and shared plumbing
are in `languageserver.py`). The persona glue (`lsp/personas/`) is imported on first use, or in
the background once the client is initialized.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
from collections.abc import Callable
from typing import Any

from lsprotocol import types

from agent_ls.completion import complete
from agent_ls.hover import hover
from agent_ls.lsp import convert
from agent_ls.lsp.documents import use_lsp_documents
from agent_ls.lsp.languageserver import (
    SECTION,
    AgentLanguageServer,
    client_supports,
    client_value,
    uri_of,
)
from agent_ls.lsp.protocol import LateCancelFilter
from agent_ls.outline import color_swatches, symbols

CHECK_WORKSPACE = "agentLs.checkWorkspace"
PERSONAS = "agent_ls.lsp.personas.commands"
TRUST_NOTIFICATION = "agentLs/workspaceTrust"
"""The editor's workspace trust, `{"trusted": bool}` (handled by the persona glue)."""
PERSONA_COMMANDS = (
    "agentLs.persona.run",
    "agentLs.persona.list",
    "agentLs.persona.clearFindings",
    "agentLs.persona.reports",
    "agentLs.persona.choose",
    "agentLs.persona.followUp",
    "agentLs.persona.notOffered",
)
"""Advertised at initialize; `personas.commands.register` supplies their handlers on first use."""
CHECK_WORKSPACE_BATCH = 25
"""checkWorkspace reads and checks this many files in a worker thread, publishes them (a few ms
on the event loop), then lets other messages through."""


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
        ls.use_pull = client_supports(ls, "text_document.diagnostic")
        completion = "text_document.completion"
        ls.shared_edit_range = "editRange" in client_value(
            ls, f"{completion}.completion_list.item_defaults", ()
        )
        ls.resolve_documentation = "documentation" in client_value(
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
            ls.rescan_personas()
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
        candidates = complete(analysis.source, offset, ls.catalogue, ls.mcp_servers)
        snippets = client_supports(ls, "text_document.completion.completion_item.snippet_support")
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
        from agent_ls.lsp.personas.menu import persona_code_actions

        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        actions = convert.quick_fixes(params, document.version if document else None)
        actions += persona_code_actions(ls, params)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: AgentLanguageServer, action: types.CodeAction
    ) -> types.CodeAction:
        if isinstance(action.data, dict) and action.data.get("kind") == "persona":
            from agent_ls.lsp.personas.commands import resolve_persona_action

            return await resolve_persona_action(ls, action)
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
        await ls.reindex()  # the names on disk now (re-reads changed files); re-checks open ones
        paths = [p for p in ls.index if uri_of(p) not in ls.workspace.text_documents]
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
