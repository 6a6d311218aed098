"""A burst of 10,000 didChange notifications: coalesced, and the final diagnostics are right.

Pushing clients (VS Code's capabilities) must get far fewer publishes than edits, the last one for
the last version; pulling clients (Neovim's) must get the final text's diagnostics on their next
pull. Either way the result equals a fresh open of the final text.
"""

from __future__ import annotations

import pytest
from edits import type_char
from lsp_helpers import open_document, pulls
from lsprotocol import types
from published import Publishes, diagnostics
from pytest_lsp import LanguageClient

EDITS = 10_000
SEED = "---\nname: burst\ndescription: Checks bursts\ntools: Read\n---\n\nBody \n"


def summary(found: list[types.Diagnostic]) -> list[tuple[str, int, int, int]]:
    return sorted(
        (str(d.code), d.range.start.line, d.range.start.character, d.range.end.character)
        for d in found
    )


@pytest.mark.settings(
    {"debounceMs": 50}
)  # a debounce users may set (the default 0: test_coalescing)
async def test_ten_thousand_edits_are_coalesced_and_end_right(
    client: LanguageClient, publishes: Publishes
) -> None:
    root = client.root  # type: ignore[attr-defined]
    uri = open_document(client, root / "burst/.claude/agents/burst.md", SEED)
    await diagnostics(client, publishes, uri, 1)
    line, column, typed = 6, len("Body "), []
    for version in range(2, EDITS + 1):
        char = "\n" if version % 80 == 0 else "x"  # type the body, a new line every 80 characters
        client.text_document_did_change(type_char(uri, version, line, column, char))
        typed.append(char)
        line, column = (line + 1, 0) if char == "\n" else (line, column + 1)
    # The last edit turns `Read` into `Reed` (line 3, `tools: Read`): one diagnostic, exact range.
    last = EDITS + 1
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=last),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=3, character=9),
                        end=types.Position(line=3, character=10),
                    ),
                    text="e",
                )
            ],
        )
    )
    final = await diagnostics(client, publishes, uri, last, timeout=60)
    assert ("AL401", 3, 7, 11) in summary(final)
    if not pulls(client):
        assert publishes.count(uri) < EDITS / 10, (
            f"{publishes.count(uri)} publishes for {EDITS} edits"
        )
    expected_text = SEED.replace("Read", "Reed").replace("Body \n", "Body " + "".join(typed) + "\n")
    fresh = open_document(client, root / "fresh-burst/.claude/agents/burst.md", expected_text)
    from_scratch = await diagnostics(client, publishes, fresh, 1)
    assert summary([d for d in final if d.code != "AL208"]) == summary(
        [d for d in from_scratch if d.code != "AL208"]
    )
