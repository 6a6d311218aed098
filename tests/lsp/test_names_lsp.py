"""Names across files through the real server: a style hidden by another file of its name gets
OS204 (workspace `names`), and the Warning follows the other file as it is opened, changed,
closed, written to disk and deleted."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import diagnostics_for, diagnostics_settle, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

STYLE = "---\nname: {}\ndescription: A copy\n---\nBe brief.\n"


def change(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def on_disk(client: LanguageClient, path: Path, kind: types.FileChangeType) -> None:
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=path.as_uri(), type=kind)])
    )


@pytest.mark.root("names")
async def test_a_hidden_style_is_told_as_the_other_file_comes_and_goes(
    client: LanguageClient,
) -> None:
    folder: Path = client.root / ".claude/output-styles"  # type: ignore[attr-defined]
    terse = open_document(client, folder / "terse.md")
    assert await diagnostics_for(client, terse, 1) == []

    copy_path = folder / "copy.md"  # not on disk: only the editor has it
    copy = open_document(client, copy_path, STYLE.format("Terse"))
    (found,) = await diagnostics_settle(client, terse, ["OS204"])
    assert found.severity == types.DiagnosticSeverity.Warning
    assert "copy.md`" in found.message and "scan order" in found.message
    assert (found.range.start.line, found.range.start.character) == (1, 6)  # the name

    change(client, copy, 2, STYLE.format("Other"))  # renamed: nothing hidden any more
    await diagnostics_for(client, copy, 2)  # (a pulling editor asks for the edited document)
    await diagnostics_settle(client, terse, [])
    change(client, copy, 3, STYLE.format("Terse"))
    assert [str(d.code) for d in await diagnostics_for(client, copy, 3)] == ["OS204"]
    await diagnostics_settle(client, terse, ["OS204"])
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=copy))
    )
    await diagnostics_settle(client, terse, [])  # closed, never saved: it is gone

    try:
        copy_path.write_text(STYLE.format("Terse"))  # written by another program
        on_disk(client, copy_path, types.FileChangeType.Created)
        await diagnostics_settle(client, terse, ["OS204"])
    finally:
        copy_path.unlink(missing_ok=True)
    on_disk(client, copy_path, types.FileChangeType.Deleted)
    await diagnostics_settle(client, terse, [])
