"""A review's findings on the reviewed lines: kept, republished, cleared, and their quick fix
("Ask <agent> to fix this")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from agent_ls.lsp.convert import range_to_json
from agent_ls.lsp.personas.editor import state_of, supports
from agent_ls.lsp.personas.snapshot import Snapshot
from agent_ls.lsp.personas.state import (
    FINDING_DATA,
    FIX_ACTION,
    RUN_COMMAND,
    KeptFinding,
)
from agent_ls.personas.session import LineFinding, PreparedAction
from agent_ls.textindex import LineIndex

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


def finding_fixes(
    server: AgentLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Returns "Ask <agent> to fix this" for each review finding among the context's diagnostics:
    a rewrite of the finding's lines with the finding as the task (run by the command, so it
    goes through the same confirmation as any rewrite)."""
    uri = params.text_document.uri
    document = server.workspace.text_documents.get(uri)
    fixes = []
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data
        if not isinstance(data, dict) or data.get("kind") != FINDING_DATA:
            continue
        agent, task = str(data.get("agent", "")), str(data.get("task", ""))
        args = {
            "uri": uri,
            "range": range_to_json(  # whole lines
                types.Range(types.Position(diagnostic.range.start.line, 0), diagnostic.range.end)
            ),
            "agent": agent,
            "action": FIX_ACTION,
            "task": task,
            "version": document.version if document else None,
        }
        title = f"Ask {agent} to fix this"
        fixes.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title=title, command=RUN_COMMAND, arguments=[args]),
            )
        )
    return fixes


def keep_findings(
    server: AgentLanguageServer,
    snapshot: Snapshot,
    prepared: PreparedAction,
    found: list[LineFinding],
    report_uri: str | None,
) -> None:
    """Shows a review's findings on the open document's lines (replacing that agent's earlier
    ones there), and has the editor fetch the document's diagnostics again."""
    if snapshot.document is None:
        return
    index = LineIndex(snapshot.text, server.encoding())
    agent = prepared.persona.name
    state = state_of(server)
    kept = [k for k in state.findings.get(snapshot.uri, []) if k.agent != agent]
    for finding in found:
        first, last = finding.first_line - 1, finding.last_line - 1
        lines = snapshot.text[index.line_start(first) : index.line_end(last)]
        kept.append(KeptFinding(agent, finding, first, last, lines, report_uri))
    state.findings[snapshot.uri] = kept
    _republish(server, snapshot.uri)


def clear_findings(server: AgentLanguageServer, uri: str | None = None) -> int:
    """Forgets the review findings of `uri` (of every document when None); returns how many."""
    findings = state_of(server).findings
    uris = [uri] if uri is not None else list(findings)
    cleared = 0
    for each in uris:
        cleared += len(findings.pop(each, []))
        _republish(server, each)
    return cleared


def _republish(server: AgentLanguageServer, uri: str) -> None:
    """Has the editor show the document's diagnostics anew: published again (push clients), or
    a workspace/diagnostic/refresh (pull clients)."""
    if not server.use_pull:
        if uri in server.workspace.text_documents:
            server.schedule(uri, 0)
        else:
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
    elif supports(server, "workspace.diagnostics.refresh_support"):
        server.workspace_diagnostic_refresh(None)
