"""textDocument/completion and completionItem/resolve.

One edit range is usually shared by every candidate: a client that takes a list's default edit
range gets items without ranges of their own, each encoded as JSON once per catalogue and the
list sent as that text (`protocol.EncodedJson`); a client that resolves documentation gets it on
resolve (smaller lists).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from lsprotocol import types

from agent_ls.lsp import convert
from agent_ls.lsp.languageserver import AgentLanguageServer
from agent_ls.lsp.protocol import EncodedJson

if TYPE_CHECKING:
    from agent_ls.core.textindex import LineIndex
    from agent_ls.features.results import Candidate

OPTIONS = types.CompletionOptions(
    trigger_characters=[":", " ", ",", "-", "["], resolve_provider=True
)


def register(server: AgentLanguageServer) -> None:
    """Registers completion and its resolve on `server`."""

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, OPTIONS)
    def completion(ls: AgentLanguageServer, params: types.CompletionParams) -> EncodedJson | None:
        analysis = ls.agent_analysis(params.text_document.uri)
        if analysis is None:
            return None
        offset = analysis.index.offset(params.position.line, params.position.character)
        candidates = analysis.dialect.complete(analysis.source, offset, ls.mcp_servers)
        snippets = ls.client.snippets
        spans = {(c.start, c.end) for c in candidates}
        shared = ls.client.completion_edit_range and len(spans) == 1  # the usual: one for all
        index = None if shared else analysis.index
        defaults = ""
        if shared:
            ((start, end),) = spans
            edit_range = convert.range_of(analysis.index, start, end)
            defaults = f'"itemDefaults": {{"editRange": {_encode(ls, edit_range)}}}, '
        items = ", ".join(item_json(ls, c, index, snippets) for c in candidates)
        return EncodedJson(f'{{"isIncomplete": false, {defaults}"items": [{items}]}}')

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


def item_json(
    ls: AgentLanguageServer, candidate: Candidate, index: LineIndex | None, snippets: bool
) -> str:
    """Returns the candidate's item as JSON text: with `index`, with its own text edit; without,
    for a list with a default edit range, encoded once. Documentation is held back for
    completionItem/resolve when the client fetches it that way (smaller lists)."""
    c = candidate
    deferred = ls.client.completion_resolves_documentation
    # label, kind, detail, documentation, insert_text, snippet: all but the range
    key = (*c[:6], c.sort, snippets)
    text = None if index is not None else ls.completion_items.get(key)
    if text is not None:
        return text  # its documentation was kept when it was built
    if deferred and c.documentation:
        ls.completion_docs[convert.completion_key(c)] = c.documentation
    text = _encode(ls, convert.completion_item(c, index, snippets, deferred))
    if index is None:
        ls.completion_items[key] = text
    return text


def _encode(ls: AgentLanguageServer, value: object) -> str:
    """JSON text of an LSP value, as pygls would send it (ASCII)."""
    return json.dumps(ls.protocol._converter.unstructure(value))
