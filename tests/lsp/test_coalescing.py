"""Checks start as soon as a change arrives; a burst folds into checks of the latest text.

The shipped default is no debounce: a change is checked at once, and changes arriving while a
check runs are taken in by one more check of the newest version. No result of an older version
(or computed for older text) is ever published, and the last publish is for the last version.
"""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, open_document, publishes, pulls
from lsprotocol import types
from pytest_lsp import LanguageClient

from agent_ls.settings import Settings

EDITS = 100
ITEMS = "".join(f"  - item {i}\n" for i in range(15_000))
"""A long YAML list under an unknown key (AL301): each check takes long enough (tens of ms) for
the edits sent meanwhile to pile up."""
TEXT = f"---\nname: coalesce\ndescription: Reviews code\ntools: Read\nnotes:\n{ITEMS}---\n\nBody.\n"


def append_x(uri: str, version: int) -> types.DidChangeTextDocumentParams:
    """Types one `x` after the tool name on line 3 (`tools: Read` + the x typed before)."""
    column = len("tools: Read") + version - 2
    at = types.Position(line=3, character=column)
    return types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[
            types.TextDocumentContentChangePartial(range=types.Range(start=at, end=at), text="x")
        ],
    )


def tool_at(version: int) -> str:
    return "Read" + "x" * (version - 1)


def test_the_default_is_no_debounce() -> None:
    assert Settings().debounce_ms == 0
    assert Settings().merged({"extraKeys": ["role"]}, camel=True)[0].debounce_ms == 0


@pytest.mark.defaults  # as a user gets it: the client sends no debounce setting at all
async def test_a_burst_publishes_only_current_text_and_ends_on_the_last_version(
    client: LanguageClient,
) -> None:
    path = client.root / ".claude/agents/coalesce.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, TEXT)
    await diagnostics_for(client, uri, 1)
    for version in range(2, EDITS + 2):  # sent back to back, without waiting for anything
        client.text_document_did_change(append_x(uri, version))
    last = EDITS + 1
    final = await diagnostics_for(client, uri, last)
    unknown = [d for d in final if d.code == "AL401"]
    assert len(unknown) == 1 and f"`{tool_at(last)}`" in unknown[0].message
    assert unknown[0].range.end.character == len("tools: ") + len(tool_at(last))
    if pulls(client):
        return
    pushed = [p for p in publishes(client).log if p.uri == uri and p.version and p.version > 1]
    versions = [p.version for p in pushed]
    assert versions == sorted(set(versions)), (
        f"an older version published after a newer one: {versions}"
    )
    assert versions[-1] == last
    assert len(pushed) < EDITS / 2, f"{len(pushed)} publishes for {EDITS} edits sent at once"
    for p in pushed:  # each publish describes the text of the version it carries
        (found,) = [d for d in p.diagnostics if d.code == "AL401"]
        assert f"`{tool_at(p.version)}`" in found.message, (p.version, found.message)
