"""Completion and hover while someone types a new agent top-down: the closing `---` does not
exist yet, or the YAML is broken mid-edit (the real server over stdio, both client kinds)."""

from __future__ import annotations

from lsp_helpers import open_document
from lsprotocol import types
from pytest_lsp import LanguageClient
from test_features import doc, pos

COLORS = ["red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan"]


async def labels_at(client: LanguageClient, uri: str, line: int, character: int) -> list[str]:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc(uri), position=pos(line, character))
    )
    return [i.label for i in result.items] if result else []


async def test_completion_before_the_closing_fence(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/new.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, "---\nname: new\ndescription: Reviews code\nto")
    keys = await labels_at(client, uri, 3, 2)
    assert "tools" in keys and "model" in keys
    assert "name" not in keys and "description" not in keys  # already written
    path = client.root / ".claude/agents/values.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, "---\nname: new\ntools: Read, \nmodel: \ncolor: ")
    tools = await labels_at(client, uri, 2, 13)
    assert "Grep" in tools and "Read" not in tools
    models = await labels_at(client, uri, 3, 7)
    assert {"sonnet", "opus", "haiku", "inherit"} <= set(models)
    assert sorted(await labels_at(client, uri, 4, 7)) == sorted(COLORS)


async def test_completion_while_the_yaml_is_broken(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/broken.md"  # type: ignore[attr-defined]
    uri = open_document(client, path, '---\nname: "broken\ntools: Read, \ncolor: \n')
    assert "Grep" in await labels_at(client, uri, 2, 13)
    assert sorted(await labels_at(client, uri, 3, 7)) == sorted(COLORS)


async def test_hover_before_the_closing_fence_and_on_broken_yaml(client: LanguageClient) -> None:
    for name, text in (
        ("open", "---\nname: new\nmodel: opus\ntools: Read\n"),
        ("broken", '---\nname: "x\nmodel: opus\n'),
    ):  # one document each: a document is opened once
        path = client.root / f".claude/agents/{name}-hover.md"  # type: ignore[attr-defined]
        uri = open_document(client, path, text)
        key = await client.text_document_hover_async(
            types.HoverParams(text_document=doc(uri), position=pos(2, 2))
        )
        assert key is not None and "**model**" in str(key.contents)
        value = await client.text_document_hover_async(
            types.HoverParams(text_document=doc(uri), position=pos(2, 9))
        )
        assert value is not None and "**opus** →" in str(value.contents)
        assert value.range == types.Range(start=pos(2, 7), end=pos(2, 11))
