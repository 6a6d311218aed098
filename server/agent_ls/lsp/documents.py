"""Open documents whose lines end where LSP says they do: at \\n, \\r\\n or \\r, nowhere else.

pygls's `TextDocument.lines` uses `str.splitlines`, which also breaks at \\v \\f \\x1c-\\x1e \\x85
\\u2028 \\u2029. Incremental edits are applied line by line, so on a text containing one of those
an edit landed on the wrong line and the server's copy silently diverged from the editor's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pygls.workspace import TextDocument, Workspace

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


class LspTextDocument(TextDocument):
    """A text document split into lines as the LSP specification does."""

    @property
    def lines(self) -> Sequence[str]:
        """Returns the lines with their line breaks, like `splitlines(True)` but LSP's breaks only."""
        return tuple(_LINE.findall(self.source))


class LspWorkspace(Workspace):
    """A workspace whose open documents are `LspTextDocument`s."""

    def _create_text_document(
        self, doc_uri: str, source: str | None = None, version: int | None = None,
        language_id: str | None = None,
    ) -> TextDocument:
        return LspTextDocument(
            doc_uri, source=source, version=version, language_id=language_id,
            sync_kind=self._sync_kind, position_codec=self._position_codec,
        )


def use_lsp_lines(workspace: Workspace) -> None:
    """Makes documents opened from now on in `workspace` split lines as LSP does.

    pygls builds the workspace itself during `initialize` and offers no hook for the document
    class, so the initialize handler converts the instance (no state is added or lost).
    """
    workspace.__class__ = LspWorkspace
