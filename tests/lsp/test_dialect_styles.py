"""Output styles and plugin files through the real server: each file gets its dialect's
diagnostics, hover and completion (workspace `styles`: a project output style and a plugin)."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@pytest.mark.root("styles")
async def test_output_style_diagnostics_hover_and_completion(client: LanguageClient) -> None:
    path = client.root / ".claude/output-styles/terse.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    assert [str(d.code) for d in found] == ["OS402"]
    forced = found[0]
    assert (forced.range.start.line, forced.range.start.character, forced.range.end.character) == (
        3,
        0,
        16,
    )
    assert forced.severity == types.DiagnosticSeverity.Warning
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=at(3, 4))
    )
    assert hover is not None and "plugin's output style only" in hover.contents.value
    draft = "---\nname: Terse\nkee\n---\nBody\n"
    uri = open_document(client, path.with_name("draft.md"), draft)
    keys = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=at(2, 3))
    )
    labels = [item.label for item in keys.items]
    assert "keep-coding-instructions" in labels and "description" in labels
    assert "name" not in labels and "tools" not in labels  # an output style has no tools


@pytest.mark.root("styles")
async def test_plugin_files_are_checked_as_claude_code_reads_them(client: LanguageClient) -> None:
    root = client.root / "tools-plugin"  # type: ignore[attr-defined]
    listed = open_document(client, root / "agents/reviewer.md")
    assert await diagnostics_for(client, listed, 1) == []
    shadowed = open_document(client, root / "agents/helper.md")
    found = await diagnostics_for(client, shadowed, 1)
    assert [str(d.code) for d in found] == ["PL102"]
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert "only the paths it lists load" in found[0].message
    # An agent typed into a plugin agent file is checked as an agent (`Reed` is no tool).
    typo = "---\nname: reviewer\ndescription: Reviews\ntools: Reed\n---\nBody\n"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=listed, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=typo)],
        )
    )
    assert "AL401" in [str(d.code) for d in await diagnostics_for(client, listed, 2)]
    style = open_document(client, root / "output-styles/house.md")
    assert await diagnostics_for(client, style, 1) == []  # force-for-plugin belongs here
