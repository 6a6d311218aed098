"""textDocument/documentColor and textDocument/colorPresentation: the swatch of a `color` value
and the names an editor's colour picker may write."""

from __future__ import annotations

from lsprotocol import types

from agent_ls.lsp import convert
from agent_ls.lsp.languageserver import AgentLanguageServer


def register(server: AgentLanguageServer) -> None:
    """Registers document colours and their presentations on `server`."""

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
