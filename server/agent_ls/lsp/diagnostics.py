"""Text sync and diagnostics: didOpen/didChange/didSave/didClose, pushed diagnostics (coalesced) and
pulled ones (textDocument/diagnostic).

Diagnostics are computed off the event loop (a worker thread) as soon as a change arrives (or after
the configured debounce); changes arriving during a check fold into one more check of the latest
version, and a result for an older version (or older settings) is never published.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from agent_ls.lsp import convert
from agent_ls.lsp.config_diagnostics import config_diagnostics
from agent_ls.lsp.languageserver import AgentLanguageServer, Analysis, uri_of
from agent_ls.lsp.mcp_servers import layer_changed

if TYPE_CHECKING:
    from agent_ls.core.findings import Finding

PULL_OPTIONS = types.DiagnosticOptions(
    identifier="agent-ls", inter_file_dependencies=True, workspace_diagnostics=False
)


def register(server: AgentLanguageServer) -> None:
    """Registers text sync and both ways of diagnostics on `server`."""

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: AgentLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        if not ls.client.pull_diagnostics:
            schedule(ls, params.text_document.uri, 0)
        else:  # its name counts for the other documents before the client pulls this one
            ls.run_task(note_name(ls, params.text_document.uri))
        layer_changed(ls, params.text_document.uri, refresh_all)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: AgentLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        if not ls.client.pull_diagnostics:
            schedule(ls, params.text_document.uri)
        layer_changed(ls, params.text_document.uri, refresh_all)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: AgentLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if ls.is_agent_document(params.text_document.uri):
            ls.rescan_personas()
            refresh_all(ls)  # a saved agent can change the persona menu

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: AgentLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.analyses.pop(uri, None)
        layer_changed(ls, uri, refresh_all)  # the saved file counts again
        if not ls.client.pull_diagnostics:
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
        path = ls.path_of(uri)
        if path is not None and path in ls.names.by_path:  # its name is now the saved file's
            ls.names.record(path, ls.declared_on_disk(path))
            refresh_all(ls)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, PULL_OPTIONS)
    async def pull_diagnostics(
        ls: AgentLanguageServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        if document is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        analysis = await asyncio.to_thread(ls.analyze, uri, document.source, document.version)
        remember(ls, uri, analysis)
        _, diagnostics = document_diagnostics(ls, uri, analysis)
        return types.RelatedFullDocumentDiagnosticReport(items=diagnostics)


async def note_name(ls: AgentLanguageServer, uri: str) -> None:
    """Checks a just opened document (pull mode) so that its name is in the workspace's table."""
    document = ls.workspace.text_documents.get(uri)
    if document is None:
        return
    version = document.version
    analysis = await asyncio.to_thread(ls.analyze, uri, document.source, version)
    current = ls.workspace.text_documents.get(uri)
    if current is document and current.version == version and uri not in ls.analyses:
        remember(ls, uri, analysis)


def schedule(ls: AgentLanguageServer, uri: str, delay_ms: int | None = None) -> None:
    """Has the document checked and published: at once when no debounce applies (a check
    already running takes in the change), else after the delay (restarted by each change)."""
    delay = ls.settings.debounce_ms if delay_ms is None else delay_ms
    running = ls.pending.get(uri)
    if running is not None and not running.done():
        if not delay:
            return
        running.cancel()
    ls.pending[uri] = ls.run_task(refresh(ls, uri, delay))


async def refresh(ls: AgentLanguageServer, uri: str, delay: int) -> None:
    """Checks an open document after `delay` ms, then publishes (push mode); when it changed
    (or the settings did) during the check, checks the latest version instead of publishing."""
    if delay:
        await asyncio.sleep(delay / 1000)
    while (document := ls.workspace.text_documents.get(uri)) is not None:
        version, epoch = document.version, ls.epoch
        analysis = await asyncio.to_thread(ls.analyze, uri, document.source, version)
        current = ls.workspace.text_documents.get(uri)
        if current is document and current.version == version and ls.epoch == epoch:
            remember(ls, uri, analysis)
            if not ls.client.pull_diagnostics:
                publish(ls, uri, analysis)
            return


def remember(ls: AgentLanguageServer, uri: str, analysis: Analysis) -> None:
    """Keeps the analysis; when the name it declares changed, the open documents that share
    its old or new name are checked again (a duplicate appears or goes away there)."""
    touched = ls.remember(uri, analysis)
    others = {uri_of(p) for p in touched} & set(ls.workspace.text_documents)
    if not others:
        return
    if ls.client.pull_diagnostics:
        if ls.client.diagnostic_refresh:
            ls.workspace_diagnostic_refresh(None)
        return
    for other in sorted(others):
        schedule(ls, other, 0)


def publish(ls: AgentLanguageServer, uri: str, analysis: Analysis) -> list[Finding]:
    """Pushes the document's diagnostics; returns the findings it published."""
    findings, diagnostics = document_diagnostics(ls, uri, analysis)
    ls.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, version=analysis.version, diagnostics=diagnostics)
    )
    return findings


def document_diagnostics(
    ls: AgentLanguageServer, uri: str, analysis: Analysis
) -> tuple[list[Finding], list[types.Diagnostic]]:
    """Returns the document's findings (with those only the workspace knows: names across
    files) and all its
    diagnostics: the findings', a repository settings file's warnings, and the findings of
    persona reviews shown on the document."""
    findings = ls.with_workspace_findings(uri, analysis)
    diagnostics = [convert.diagnostic(f, analysis.index, uri, analysis.version) for f in findings]
    text = analysis.source.text
    diagnostics += config_diagnostics(ls.workspace_root, ls.path_of(uri), text, ls.encoding())
    if "persona_state" in ls.__dict__:  # personas have been used
        diagnostics += ls.persona_state.finding_diagnostics(uri, text, ls.encoding())
    return findings, diagnostics


def refresh_all(ls: AgentLanguageServer) -> None:
    """Has every open document checked again (settings or workspace names changed): published
    again, or the client asked to pull again."""
    ls.epoch += 1
    ls.analyses.clear()
    if ls.client.pull_diagnostics:
        if ls.client.diagnostic_refresh:
            ls.workspace_diagnostic_refresh(None)
        return
    for uri in list(ls.workspace.text_documents):
        schedule(ls, uri, 0)
