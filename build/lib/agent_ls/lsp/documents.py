"""Open documents as the client sees them: under the URI it sent, split into lines as LSP does.

pygls 2.1 behaviours that made the server's copy of a document differ from the editor's, or lag:

- `TextDocument.lines` uses `str.splitlines`, which also breaks at \\v \\f \\x1c-\\x1e \\x85
  \\u2028 \\u2029, while LSP breaks only at \\n, \\r\\n and \\r. Incremental edits are applied
  line by line, so on a text containing one of those an edit landed on the wrong line.
- A position past the end of a line (the specification: it means the line's end) was taken as
  one past the line break, or one short of the end on the last line: the edit went astray, and
  could even split a \\r\\n.
- Each edit split the whole text into lines and joined it again: 45 ms per keystroke in a 2 MB
  file, on the event loop. Here an edit finds its two offsets and splices the string.
- The workspace files documents under the percent-decoded URI (`my agent.md` for the
  `my%20agent.md` the client sent), so every lookup with the client's URI missed: a file whose
  path holds a space, `#` or any non-ASCII letter got no diagnostics, hover or completion.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from itertools import islice

from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument, Workspace
from pygls.workspace.position_codec import ServerTextPosition

log = logging.getLogger(__name__)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_BREAK = re.compile(r"\r\n|\r|\n")
_NEWLINE = re.compile("\n")


class LspPositionCodec(PositionCodec):
    """Client positions → code point positions, a character past a line's end meaning its end."""

    def index_in_line(self, content: str, character: int) -> int:
        """Returns the code point index in `content` (a line without its break) of `character`
        client units, clamped to the line's end."""
        if content.isascii() or self.encoding == types.PositionEncodingKind.Utf32:
            return max(0, min(character, len(content)))
        units = 0
        for index, char in enumerate(content):
            if units >= character:
                return index
            units += self.impl.code_units_for_char(char)
        return len(content)

    def position_from_client_units(
        self, lines: Sequence[str], position: types.Position
    ) -> ServerTextPosition:
        if not lines:
            return ServerTextPosition(0, 0)
        if position.line >= len(lines):  # past the last line: the end of the document
            return ServerTextPosition(len(lines) - 1, len(lines[-1]))
        content = lines[position.line].rstrip("\r\n")
        return ServerTextPosition(position.line, self.index_in_line(content, position.character))


class LspTextDocument(TextDocument):
    """A text document split into lines as the LSP specification does."""

    @property
    def lines(self) -> Sequence[str]:
        """Returns the lines with their breaks, like `splitlines(True)` but at LSP's breaks only."""
        return tuple(_LINE.findall(self.source))

    def offset_of(self, source: str, position: types.Position) -> int:
        """Returns the string offset in `source` of a client position (clamped as LSP says)."""
        line_start = 0
        if position.line > 0:
            breaks = _BREAK if "\r" in source else _NEWLINE  # a literal \n is searched 5x faster
            before = next(islice(breaks.finditer(source), position.line - 1, None), None)
            if before is None:  # past the last line: the end of the document
                return len(source)
            line_start = before.end()
        after = _BREAK.search(source, line_start)
        content = source[line_start : after.start() if after else len(source)]
        codec = self.position_codec
        if not isinstance(codec, LspPositionCodec):
            codec = LspPositionCodec(codec.encoding)
        return line_start + codec.index_in_line(content, position.character)

    def _apply_incremental_change(self, change: types.TextDocumentContentChangePartial) -> None:
        source = self.source
        start = self.offset_of(source, change.range.start)
        end = max(start, self.offset_of(source, change.range.end))  # a reversed range inserts
        self._source = source[:start] + change.text + source[end:]


class LspWorkspace(Workspace):
    """A workspace of `LspTextDocument`s, each filed under the URI exactly as the client sent it."""

    @property
    def position_codec(self) -> PositionCodec:
        if not isinstance(self._position_codec, LspPositionCodec):
            self._position_codec = LspPositionCodec(self._position_codec.encoding)
        return self._position_codec

    def _create_text_document(
        self,
        doc_uri: str,
        source: str | None = None,
        version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri,
            source=source,
            version=version,
            language_id=language_id,
            sync_kind=self._sync_kind,
            position_codec=self.position_codec,
        )

    def put_text_document(
        self, text_document: types.TextDocumentItem, notebook_uri: str | None = None
    ) -> None:
        if notebook_uri is not None:
            super().put_text_document(text_document, notebook_uri)
            return
        self._text_documents[text_document.uri] = self._create_text_document(
            text_document.uri,
            source=text_document.text,
            version=text_document.version,
            language_id=text_document.language_id,
        )

    def get_text_document(self, doc_uri: str) -> TextDocument:
        return self._text_documents.get(doc_uri) or super().get_text_document(doc_uri)

    def update_text_document(
        self,
        text_doc: types.VersionedTextDocumentIdentifier,
        change: types.TextDocumentContentChangeEvent,
    ) -> None:
        document = self._text_documents.get(text_doc.uri)
        if document is None:
            log.warning("didChange for a document that is not open, ignored: %s", text_doc.uri)
            return
        document.apply_change(change)
        document.version = text_doc.version

    def remove_text_document(self, doc_uri: str) -> None:
        self._text_documents.pop(doc_uri, None)
        super().remove_text_document(doc_uri)


def use_lsp_documents(workspace: Workspace) -> None:
    """Makes `workspace` file and split documents as LSP does, from now on.

    pygls builds the workspace itself during `initialize` and offers no hook for the document
    class, so the initialize handler converts the instance (before any document is opened; its
    position codec becomes an `LspPositionCodec` on first use).
    """
    workspace.__class__ = LspWorkspace
