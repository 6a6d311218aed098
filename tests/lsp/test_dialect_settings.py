"""A `.claude/settings.json` through the real server: diagnostics at exact ranges, completion of
hook events and matchers, hover, and a quick fix, for VS Code's and Neovim's capabilities."""

from __future__ import annotations

from lsp_helpers import diagnostics_for, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

TEXT = (
    "{\n"
    '  "hooks": {\n'
    '    "PreToolUSe": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "x"}]}],\n'
    '    "PostToolUse": [{"matcher": "bash", "hooks": [{"type": "command", "command": "y"}]}]\n'
    "  },\n"
    '  "permissions": {"defaultMode": "yolo"}\n'
    "}\n"
)


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def test_settings_diagnostics_hover_completion_and_fix(client: LanguageClient) -> None:
    path = client.root / ".claude/settings.json"  # type: ignore[attr-defined]
    uri = open_document(client, path, TEXT)
    found = await diagnostics_for(client, uri, 1)
    by_code = {str(d.code): d for d in found}
    assert sorted(by_code) == ["ST201", "ST207", "ST304"]
    assert by_code["ST201"].range == types.Range(start=pos(2, 4), end=pos(2, 16))
    assert by_code["ST201"].severity == types.DiagnosticSeverity.Warning
    assert by_code["ST207"].range == types.Range(start=pos(3, 32), end=pos(3, 38))
    assert by_code["ST304"].severity == types.DiagnosticSeverity.Error

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc(uri),
            range=by_code["ST201"].range,
            context=types.CodeActionContext(
                diagnostics=[by_code["ST201"]], only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix)
    assert fix.title == "Rename to `PreToolUse`"
    assert fix.edit is not None and fix.edit.document_changes is not None
    change = fix.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert [e.new_text for e in change.edits] == ['"PreToolUse"']

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=pos(3, 8))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "After a tool succeeds" in hover.contents.value

    events = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(2, 8))
    )
    labels = [i.label for i in events.items]
    assert "PreToolUse" in labels and "SessionStart" in labels and "model" not in labels
    matchers = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(3, 34))
    )
    assert {"Bash", "Read", "Edit"} <= {i.label for i in matchers.items}
