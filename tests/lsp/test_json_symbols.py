"""Document symbols and folding ranges of the JSON dialects through the real server: a settings
file outlined by key with hooks by event, `.mcp.json` servers by name, a plugin manifest, for
VS Code's and Neovim's capabilities."""

from __future__ import annotations

from lsp_helpers import diagnostics_for, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient

SETTINGS = (
    "{\n"
    '  "model": "opus",\n'
    '  "hooks": {\n'
    '    "PreToolUse": [\n'
    '      {"matcher": "Bash", "hooks": [{"type": "command", "command": "./check.sh"}]}\n'
    "    ],\n"
    '    "Stop": [{"hooks": [{"type": "command", "command": "./done.sh"}]}]\n'
    "  }\n"
    "}\n"
)
MCP = '{\n  "mcpServers": {\n    "github": {"command": "gh-mcp"},\n    "docs": {"url": "https://x"}\n  }\n}\n'
MANIFEST = '{\n  "name": "reviewer-kit",\n  "version": "1.0.0",\n  "agents": ["./agents/a.md"]\n}\n'


def _outline(symbols: list[types.DocumentSymbol]) -> list[tuple[str, types.SymbolKind, list]]:  # type: ignore[type-arg]
    return [(s.name, s.kind, _outline(s.children or [])) for s in symbols]


async def _symbols(client: LanguageClient, uri: str) -> list[types.DocumentSymbol]:
    await diagnostics_for(client, uri, 1)
    found = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert found is not None
    assert all(isinstance(s, types.DocumentSymbol) for s in found)
    return found  # type: ignore[return-value]


async def test_settings_outline_has_hooks_by_event(client: LanguageClient) -> None:
    uri = open_document(client, client.root / ".claude/settings.json", SETTINGS)  # type: ignore[attr-defined]
    symbols = await _symbols(client, uri)
    K = types.SymbolKind
    command = ("type", K.String, []), ("command", K.String, [])
    assert _outline(symbols) == [
        ("model", K.String, []),
        (
            "hooks",
            K.Object,
            [
                (
                    "PreToolUse",
                    K.Array,
                    [
                        (
                            "Bash",
                            K.Object,
                            [
                                ("matcher", K.String, []),
                                ("hooks", K.Array, [("command", K.Object, list(command))]),
                            ],
                        )
                    ],
                ),
                (
                    "Stop",
                    K.Array,
                    [
                        (
                            "[0]",
                            K.Object,
                            [("hooks", K.Array, [("command", K.Object, list(command))])],
                        )
                    ],
                ),
            ],
        ),
    ]
    hooks = symbols[1]
    assert hooks.range == types.Range(
        start=types.Position(line=2, character=2), end=types.Position(line=7, character=3)
    )
    assert symbols[0].detail == "opus"
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert folds is not None and (2, 7) in {(f.start_line, f.end_line) for f in folds}


async def test_mcp_servers_and_manifest_outlines(client: LanguageClient) -> None:
    uri = open_document(client, client.root / ".mcp.json", MCP)  # type: ignore[attr-defined]
    servers = (await _symbols(client, uri))[0]
    assert servers.name == "mcpServers" and servers.kind == types.SymbolKind.Object
    assert [s.name for s in servers.children or []] == ["github", "docs"]
    manifest = client.root / "kit/.claude-plugin/plugin.json"  # type: ignore[attr-defined]
    uri = open_document(client, manifest, MANIFEST)
    symbols = await _symbols(client, uri)
    assert [(s.name, s.detail) for s in symbols] == [
        ("name", "reviewer-kit"),
        ("version", "1.0.0"),
        ("agents", "1 item"),
    ]
