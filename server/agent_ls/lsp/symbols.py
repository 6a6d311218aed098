"""textDocument/documentSymbol and textDocument/foldingRange: the outline of an agent file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from agent_ls.lsp import convert
from agent_ls.lsp.languageserver import AgentLanguageServer

if TYPE_CHECKING:
    from agent_ls.core.textindex import LineIndex
    from agent_ls.features.results import Symbol


def register(server: AgentLanguageServer) -> None:
    """Registers document symbols and folding ranges on `server`."""

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def document_symbols(
        ls: AgentLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        found = outline(ls, params.text_document.uri)
        return [convert.symbol(s, found[1]) for s in found[0]] if found else None

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(
        ls: AgentLanguageServer, params: types.FoldingRangeParams
    ) -> list[types.FoldingRange] | None:
        found = outline(ls, params.text_document.uri)
        return convert.folding_ranges(*found) if found else None


def outline(ls: AgentLanguageServer, uri: str) -> tuple[list[Symbol], LineIndex] | None:
    """Returns the symbols of an open agent file and its line index; None for anything else."""
    analysis = ls.agent_analysis(uri)
    return (analysis.dialect.symbols(analysis.source), analysis.index) if analysis else None
