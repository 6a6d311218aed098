"""Random incremental edits leave the server with the text, and the diagnostics, of a fresh open.

Two layers: the server's open-document class against the test's model of an LSP client (many
examples, in process), then the real server over stdio (fewer examples, one process per client).
"""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from edits import BREAK, edit_session, replay, units
from hypothesis import HealthCheck, given, settings
from lsp_helpers import open_document
from lsprotocol import types
from published import Publishes, diagnostics
from pygls.workspace import TextDocument
from pytest_lsp import LanguageClient

from agent_ls.lsp.documents import LspWorkspace

ENCODINGS = ["utf-16", "utf-8", "utf-32"]


def document(text: str, encoding: str) -> TextDocument:
    """An open document as the server creates it."""
    workspace = LspWorkspace(None, position_encoding=encoding)
    workspace.put_text_document(
        types.TextDocumentItem(uri="file:///a.md", language_id="markdown", version=0, text=text)
    )
    return workspace.get_text_document("file:///a.md")


@pytest.mark.parametrize("encoding", ENCODINGS)
@settings(max_examples=300, deadline=None, database=None)
@given(session=edit_session())
def test_document_text_follows_incremental_edits(encoding: str, session: Any) -> None:
    seed, notifications, final = session
    doc = document(seed, encoding)
    for changes in replay(seed, notifications, encoding):
        for change in changes:
            doc.apply_change(change)
    assert doc.source == final


def test_form_feed_regression() -> None:
    """`str.splitlines` breaks at \\f; LSP does not: the edit belongs on the line after \\n."""
    doc = document("ab\x0ccd\nef\n", "utf-16")
    doc.apply_change(
        types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=1, character=0), end=types.Position(line=1, character=2)
            ),
            text="XY",
        )
    )
    assert doc.source == "ab\x0ccd\nXY\n"


def comparable(diagnostics: list[types.Diagnostic]) -> list[tuple[Any, ...]]:
    # AL208 (duplicate names) depends on which other documents are open, not on the text.
    return sorted(
        (
            str(d.code),
            d.severity,
            d.message,
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
        )
        for d in diagnostics
        if d.code != "AL208"
    )


def inside(text: str, span: types.Range, encoding: str) -> bool:
    """Whether a range lies inside `text`: real lines, characters within each line's length."""
    lines = BREAK.split(text)

    def valid(at: types.Position) -> bool:
        return at.line < len(lines) and at.character <= units(lines[at.line], encoding)

    start, end = span.start, span.end
    return (
        valid(start) and valid(end) and (start.line, start.character) <= (end.line, end.character)
    )


async def test_server_diagnostics_after_random_edits_match_fresh_open(
    client: LanguageClient, publishes: Publishes
) -> None:
    root = client.root  # type: ignore[attr-defined]
    encoding = client.encoding  # type: ignore[attr-defined]
    loop = asyncio.get_running_loop()
    counter = itertools.count()

    async def run(seed: str, notifications: Any, final: str) -> None:
        n = next(counter)
        edited = open_document(client, root / f"fuzz/{n}/.claude/agents/fuzz.md", seed)
        version = 1
        for changes in replay(seed, notifications, encoding):
            version += 1
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(
                        uri=edited, version=version
                    ),
                    content_changes=changes,
                )
            )
        after_edits = await diagnostics(client, publishes, edited, version)
        fresh = open_document(client, root / f"fresh/{n}/.claude/agents/fuzz.md", final)
        from_scratch = await diagnostics(client, publishes, fresh, 1)
        for uri in (edited, fresh):
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=uri)
                )
            )
        assert comparable(after_edits) == comparable(from_scratch), (seed, final)
        for found in after_edits:
            assert inside(final, found.range, encoding), (found, final)

    # Hypothesis drives the examples from a worker thread; each one runs on the client's loop.
    @settings(
        max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(session=edit_session())
    def examples(session: Any) -> None:
        asyncio.run_coroutine_threadsafe(run(*session), loop).result(timeout=30)

    await asyncio.to_thread(examples)
