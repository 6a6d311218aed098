"""Completion, hover, quick fixes, symbols, folding and colors through the real server."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, diagnostics_settle, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def doc(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Applies LSP edits (ASCII text: characters are code points) from last to first."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


def edit_range(result: types.CompletionList, item: types.CompletionItem) -> types.Range:
    """The range an item replaces: its own, or the list's default (clients with itemDefaults)."""
    if item.text_edit is not None:
        assert isinstance(item.text_edit, types.TextEdit)
        return item.text_edit.range
    assert result.item_defaults is not None and isinstance(
        result.item_defaults.edit_range, types.Range
    )
    return result.item_defaults.edit_range


async def test_tool_completion_in_string_and_list_forms(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/draft.md"  # type: ignore[attr-defined]
    text = (
        "---\nname: draft\ndescription: d\ntools: Read, Gr\ndisallowedTools:\n  - \n---\n\nBody\n"
    )
    uri = open_document(client, path, text)
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(3, 15))
    )
    labels = [i.label for i in result.items]
    assert "Grep" in labels and "Bash" in labels
    assert "Read" not in labels  # already listed
    grep = next(i for i in result.items if i.label == "Grep")
    assert edit_range(result, grep).start == pos(3, 13)
    resolves = client.capabilities.text_document.completion.completion_item.resolve_support
    if resolves and "documentation" in resolves.properties:  # VS Code: documentation on resolve
        assert grep.documentation is None
        grep = await client.completion_item_resolve_async(grep)
    assert isinstance(grep.documentation, types.MarkupContent)
    assert "search" in grep.documentation.value.lower()
    listed = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(5, 4))
    )
    assert "Write" in [i.label for i in listed.items]


async def test_key_and_value_completion(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/draft.md"  # type: ignore[attr-defined]
    text = "---\nname: draft\nmo\ncolor: \n---\n\nBody\n"
    uri = open_document(client, path, text)
    keys = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(2, 2))
    )
    labels = [i.label for i in keys.items]
    assert "model" in labels and "description" in labels
    assert "name" not in labels  # keys already present are not offered
    model = next(i for i in keys.items if i.label == "model")
    snippets = client.capabilities.text_document.completion.completion_item.snippet_support
    plain = types.InsertTextFormat.PlainText  # the default when an item names none
    assert (model.insert_text_format or plain) == (
        types.InsertTextFormat.Snippet if snippets else plain
    )
    colors = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(3, 7))
    )
    assert sorted(i.label for i in colors.items) == sorted(
        ["red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"]
    )


async def test_hover_on_tool_model_and_diagnostic_code(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/hover.md"  # type: ignore[attr-defined]
    text = "---\nname: hover\ndescription: d\ntools: Read, Reed\nmodel: opus\n---\n\nBody\n"
    uri = open_document(client, path, text)
    await diagnostics_for(client, uri, 1)
    tool = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=pos(3, 8))
    )
    assert "**Read** (tool)" in tool.contents.value
    model = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=pos(4, 8))
    )
    assert "claude-opus-5-5" in model.contents.value
    code = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=pos(3, 14))
    )
    assert "AL401" in code.contents.value
    key = await client.text_document_hover_async(
        types.HoverParams(text_document=doc(uri), position=pos(4, 2))
    )
    assert "alias" in key.contents.value


async def test_quick_fix_round_trip_removes_the_diagnostic(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/fixme.md"  # type: ignore[attr-defined]
    text = "---\nname: fixme\ndescription: d\ntools: Read, Reed\ncolor: magenta\nallowedTools: Read\n---\n\nBody\n"
    uri = open_document(client, path, text)
    found = await diagnostics_for(client, uri, 1)
    assert sorted(str(d.code) for d in found) == ["AL301", "AL401", "AL601"]
    version = 1
    steps = (  # (code, a line after its preferred fix, a line gone)
        ("AL401", "tools: Read", "tools: Read, Reed"),  # `Read` is listed: removed, not duplicated
        ("AL601", "color: pink", "color: magenta"),
        ("AL301", "tools: Read", "allowedTools: Read"),  # merged into `tools`
    )
    for code, expected_line, gone in steps:
        diagnostic = next(d for d in found if d.code == code)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=doc(uri),
                range=diagnostic.range,
                context=types.CodeActionContext(
                    diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix]
                ),
            )
        )
        fix = next(a for a in actions if a.kind == types.CodeActionKind.QuickFix)
        assert fix.is_preferred and fix.diagnostics[0].code == code
        change = fix.edit.document_changes[0]
        assert change.text_document.version == version
        text = apply_edits(text, change.edits)
        assert expected_line in text.splitlines() and gone not in text.splitlines()
        version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        found = await diagnostics_for(client, uri, version)
        assert code not in [d.code for d in found]


async def test_symbols_folding_and_color_swatch(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/clean.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc(uri))
    )
    frontmatter = symbols[0]
    assert frontmatter.name == "frontmatter"
    assert [c.name for c in frontmatter.children] == [
        "name",
        "description",
        "tools",
        "model",
        "color",
    ]
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=doc(uri))
    )
    assert (folds[0].start_line, folds[0].end_line) == (0, 6)
    colors = await client.text_document_document_color_async(
        types.DocumentColorParams(text_document=doc(uri))
    )
    assert len(colors) == 1 and colors[0].range.start == pos(5, 7)
    assert colors[0].color.blue > colors[0].color.red
    presented = await client.text_document_color_presentation_async(
        types.ColorPresentationParams(
            text_document=doc(uri),
            color=types.Color(red=0.9, green=0.1, blue=0.1, alpha=1.0),
            range=colors[0].range,
        )
    )
    assert presented[0].label == "red"


async def test_settings_extra_keys_and_tools_silence_warnings(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/extra.md"  # type: ignore[attr-defined]
    text = "---\nname: extra\ndescription: d\nrole: Reviewer\ntools: Read, MyTool\n---\n\nBody\n"
    uri = open_document(client, path, text)
    found = await diagnostics_for(client, uri, 1)
    assert sorted(str(d.code) for d in found) == ["AL301", "AL401"]
    client.set_configuration(
        {"debounceMs": 0, "extraKeys": ["role"], "extraTools": ["MyTool"]}, section="agentLs"
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    assert await diagnostics_settle(client, uri, []) == []


@pytest.mark.settings({"extraTools": ["Prüfer", "工具\u2028x"]})
async def test_completion_lists_are_sent_as_encoded_text_the_client_reads(
    client: LanguageClient,
) -> None:
    """The list's items are encoded once and sent as text: a non-ASCII label (and a line
    separator in one) still arrives whole, with the list's default range, twice alike."""
    path = client.root / ".claude/agents/draft.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, "---\nname: draft\ndescription: d\ntools: Read, \n---\n")
    params = types.CompletionParams(text_document=doc(uri), position=pos(3, 12))
    first = await client.text_document_completion_async(params)
    again = await client.text_document_completion_async(params)
    assert isinstance(first, types.CompletionList) and first == again
    labels = [i.label for i in first.items]
    assert "Prüfer" in labels and "工具\u2028x" in labels and "Read" not in labels
    assert all(edit_range(first, i) == types.Range(pos(3, 12), pos(3, 12)) for i in first.items)
