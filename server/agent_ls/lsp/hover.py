"""textDocument/hover: what a key, a value or a finding means, in Markdown."""

from __future__ import annotations

from lsprotocol import types

from agent_ls.lsp import convert
from agent_ls.lsp.languageserver import AgentLanguageServer


def register(server: AgentLanguageServer) -> None:
    """Registers hover on `server`."""

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
