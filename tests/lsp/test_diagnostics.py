"""Diagnostics from the real server over stdio: appear, update on every change, clear on close."""

from __future__ import annotations

from lsp_helpers import diagnostics_for, open_document, pulls
from lsprotocol import types
from pytest_lsp import LanguageClient


def codes(diagnostics: list[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


async def test_agent_file_gets_diagnostics_at_exact_ranges(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/broken.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    assert codes(found) == ["AL301", "AL401", "AL601"]
    reed = next(d for d in found if d.code == "AL401")
    assert (reed.range.start.line, reed.range.start.character, reed.range.end.character) == (
        3,
        13,
        17,
    )
    assert reed.severity == types.DiagnosticSeverity.Warning
    assert reed.source == "agent-ls"
    assert "Read" in reed.message


async def test_diagnostics_follow_each_change_and_clear_on_close(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/clean.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    assert await diagnostics_for(client, uri, 1) == []
    # Type a bad model over `sonnet` (line 4), one incremental change at a time.
    for version, (start, end, text) in enumerate([(7, 13, "gpt"), (10, 10, "-4")], start=2):
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(
                            start=types.Position(line=4, character=start),
                            end=types.Position(line=4, character=end),
                        ),
                        text=text,
                    )
                ],
            )
        )
        found = await diagnostics_for(client, uri, version)
    assert codes(found) == ["AL501"]
    assert found[0].range.start == types.Position(line=4, character=7)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    if not pulls(client):
        await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        assert list(client.diagnostics[uri]) == []


async def test_ordinary_markdown_gets_nothing(client: LanguageClient) -> None:
    path = client.root / "docs/notes.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    assert await diagnostics_for(client, uri, 1) == []


async def test_utf16_ranges_after_emoji_and_cjk(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/emoji.md"  # type: ignore[attr-defined]
    text = '---\nname: emoji\ndescription: 見る 😀 code\ntools: ["😀", Reed]\n---\n\nBody.\n'
    uri = open_document(client, path, text)
    found = await diagnostics_for(client, uri, 1)
    reed = next(d for d in found if d.code == "AL401" and "Reed" in d.message)
    # `tools: ["😀", ` is 13 code points, 14 UTF-16 units (a surrogate pair), 16 UTF-8 bytes:
    # positions follow the encoding negotiated with the client (Neovim picks UTF-8).
    start = {"utf-16": 14, "utf-8": 16, "utf-32": 13}[client.encoding]  # type: ignore[attr-defined]
    assert (reed.range.start.line, reed.range.start.character, reed.range.end.character) == (
        3,
        start,
        start + 4,
    )
