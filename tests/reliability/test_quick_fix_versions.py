"""A quick fix belongs to the text it was computed on: from an older diagnostic it is refused.

The client then asks again with the diagnostics of the current version (pushed, or pulled for
Neovim) and gets the fix with the right range and that version.
"""

from __future__ import annotations

from edits import type_char
from lsp_helpers import open_document
from lsprotocol import types
from published import Publishes, diagnostics
from pytest_lsp import LanguageClient

TEXT = "---\nname: tinted\ndescription: Use it\ncolor: bleu\n---\n\nBody.\n"


async def fixes(
    client: LanguageClient, uri: str, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(
                diagnostics=[diagnostic], only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    return [a for a in actions or [] if isinstance(a, types.CodeAction)]


def color_diagnostic(found: list[types.Diagnostic]) -> types.Diagnostic:
    return next(d for d in found if d.code == "AL601")


async def test_a_fix_from_an_older_diagnostic_is_refused_then_offered_for_the_new_text(
    client: LanguageClient, publishes: Publishes
) -> None:
    path = client.root / ".claude/agents/tinted.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, TEXT)
    old = color_diagnostic(await diagnostics(client, publishes, uri, 1))
    assert [a.title for a in await fixes(client, uri, old)]  # offered on the text it came from

    # Insert a line above: the old diagnostic's range now points at `model: sonnet`.
    client.text_document_did_change(type_char(uri, 2, 3, 0, "model: sonnet\n"))
    new = color_diagnostic(await diagnostics(client, publishes, uri, 2))
    assert new.range.start.line == 4
    assert await fixes(client, uri, old) == []  # never re-stamped with version 2

    [fix] = await fixes(client, uri, new)
    assert fix.edit is not None and fix.edit.document_changes
    change = fix.edit.document_changes[0]
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 2
    [edit] = change.edits
    assert edit.range.start.line == edit.range.end.line == 4
    lines = (TEXT.replace("color:", "model: sonnet\ncolor:")).split("\n")
    line = lines[4]
    fixed = line[: edit.range.start.character] + edit.new_text + line[edit.range.end.character :]
    assert fixed == "color: blue"
    assert lines[3] == "model: sonnet"
