"""A skill and a slash command through the real server: the server picks the skills and commands
dialects by path, and their diagnostics, completion and hover reach the client."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.root("skills")


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def test_a_skill_gets_its_diagnostics_completion_and_hover(client: LanguageClient) -> None:
    path = client.root / ".claude/skills/review/SKILL.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    assert [(d.code, d.severity, d.range.start) for d in found] == [
        ("SK301", types.DiagnosticSeverity.Warning, pos(3, 15))
    ]
    assert "allows nothing" in found[0].message and "`Read`" in found[0].message

    completion = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(4, 7))
    )
    labels = [item.label for item in completion.items]
    assert {"sonnet", "opus", "haiku", "inherit"} <= set(labels)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=pos(4, 8))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "claude-opus" in hover.contents.value


async def test_a_command_is_checked_as_a_command(client: LanguageClient) -> None:
    path = client.root / ".claude/commands/push.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    assert [(d.code, d.range.start) for d in found] == [("CM603", pos(3, 4))]
    keys = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(2, 0))
    )
    assert "allowed-tools" in [item.label for item in keys.items]


async def test_a_misnamed_skill_file_is_an_error(client: LanguageClient) -> None:
    path = client.root / ".claude/skills/review/skill.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, "---\nname: review\ndescription: d\n---\nBody.\n")
    found = await diagnostics_for(client, uri, 1)
    assert [(d.code, d.severity) for d in found] == [("SK102", types.DiagnosticSeverity.Error)]
