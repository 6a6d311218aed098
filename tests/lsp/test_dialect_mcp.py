"""`.mcp.json` through the real server: diagnostics at their range, the quick fix, completion of
transport types, hover, and an agent's MCP tools judged by the servers Claude Code starts."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@pytest.mark.root("mcp-json")
async def test_a_bad_transport_type_is_diagnosed_fixed_completed_and_hovered(
    client: LanguageClient,
) -> None:
    path = client.root / ".mcp.json"  # type: ignore[attr-defined]
    text = path.read_text("utf-8")
    uri = open_document(client, path)
    [found] = await diagnostics_for(client, uri, 1)
    line = text.splitlines()[3]
    assert found.code == "MC102" and found.severity == types.DiagnosticSeverity.Warning
    assert "skips this server" in found.message and "`stdio`" in found.message
    assert found.range == types.Range(
        start=types.Position(line=3, character=line.index('"stdoi"')),
        end=types.Position(line=3, character=line.index('"stdoi"') + len('"stdoi"')),
    )

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=found.range,
            context=types.CodeActionContext(
                diagnostics=[found], only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred)
    assert fix.edit is not None and fix.edit.document_changes is not None
    change = fix.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    [edit] = change.edits
    assert edit.new_text == '"stdio"' and edit.range == found.range

    inside = types.Position(line=3, character=line.index('"stdoi"') + 2)
    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=inside)
    )
    assert completion is not None
    items = completion.items if isinstance(completion, types.CompletionList) else completion
    assert [i.label for i in items] == ["stdio", "sse", "http", "streamable-http", "ws"]

    key = text.splitlines()[2]
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=doc(uri),
            position=types.Position(line=2, character=key.index('"command"') + 3),
        )
    )
    assert hover is not None and "**command**" in str(hover.contents)


@pytest.mark.root("mcp-json")
async def test_an_agent_naming_a_skipped_server(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/reviewer.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    [absent] = [d for d in found if d.code == "AL407"]
    assert "`db`" in absent.message  # Claude Code skips `db` (its type is "stdoi")
    assert "github" in absent.message  # the server it does start
