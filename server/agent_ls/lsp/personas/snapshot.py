"""The document a run works on (the editor's copy, else the saved file read off the loop), and
whether an edit computed on it may still go out."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agent_ls.agentfile import MAX_FILE_BYTES
from agent_ls.lsp.personas.editor import state_of
from agent_ls.lsp.personas.state import Outcome
from agent_ls.personas.failures import PersonaError
from agent_ls.workspace import UnreadableFile, read_text

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


READ_LIMIT = MAX_FILE_BYTES * 8
"""Largest file, in bytes, a persona action reads from disk (one that is not open)."""


@dataclass(frozen=True)
class Snapshot:
    """The document a run works on: the open instance (None when read from disk), its version
    and its text. An edit is applied only while all three are unchanged."""

    uri: str
    document: Any
    version: int | None
    text: str

    def is_current(self, server: AgentLanguageServer) -> bool:
        """Returns whether the editor's document is still the very one the run was computed on:
        the same open instance (a close and reopen makes a new one, even at the same version),
        the same version and the same text."""
        current = server.workspace.text_documents.get(self.uri)
        if self.document is None:  # read from disk: it must not have been opened meanwhile
            return current is None
        return (
            current is self.document
            and current.version == self.version
            and current.source == self.text
            and not _edit_sent(server, self.uri, current)
        )


async def read_document(server: AgentLanguageServer, uri: str) -> Snapshot:
    """Returns the editor's copy of `uri`, else the saved file read in a worker thread (a bounded,
    non-blocking read: FIFOs, devices and files over READ_LIMIT are refused with PersonaError)."""
    document = server.workspace.text_documents.get(uri)
    if document is not None:
        return Snapshot(uri, document, document.version, document.source)
    path = server.path_of(uri)
    if path is None:
        raise PersonaError(f"Cannot read {uri}: open it in the editor first.", "usage")
    try:
        text = await asyncio.to_thread(_read_saved, path)
    except UnreadableFile as err:
        raise PersonaError(f"Cannot read {path.name}: {err}. Nothing was sent.", "usage") from None
    return Snapshot(uri, None, None, text)


def _read_saved(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise UnreadableFile(f"cannot read: {err.strerror or err}") from err
    if size > READ_LIMIT:
        raise UnreadableFile(f"{size:,} bytes, over the {READ_LIMIT:,}-byte limit")
    return read_text(path)  # refuses what is not a regular file, without blocking on it


def _edit_sent(server: AgentLanguageServer, uri: str, document: Any) -> bool:
    """Returns whether an edit computed on `document` as it is now was already sent to the editor
    (its didChange not seen yet); forgets the record once the document has moved on."""
    sent = state_of(server).edits_sent
    record = sent.get(uri)
    if record is None:
        return False
    if record[0] is document and record[1] == document.version:
        return True
    del sent[uri]
    return False


async def still_current(server: AgentLanguageServer, snapshot: Snapshot) -> bool:
    """Returns whether an edit computed on `snapshot` may go out now: the open document is the
    very same (`Snapshot.is_current`); a file read from disk still holds the same text there and
    is still not open (checked last, with no await after it)."""
    if snapshot.document is None:
        try:
            if (await read_document(server, snapshot.uri)).text != snapshot.text:
                return False
        except PersonaError:
            return False
    return snapshot.is_current(server)


def stale_outcome() -> Outcome:
    return Outcome(
        "stale",
        "The document changed while the agent was working (or was closed and reopened): "
        "nothing was applied. Run the action again.",
    )
