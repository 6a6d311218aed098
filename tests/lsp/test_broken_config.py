"""A workspace whose `.mcp.json` and `.agent-ls.toml` are nested 5,000 levels deep.

The server must still initialize, say what it could not read, and check agent files.
"""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, open_document
from pytest_lsp import LanguageClient


@pytest.mark.root("broken-config")
async def test_deeply_nested_config_files_do_not_stop_the_server(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/reviewer.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    assert sorted(str(d.code) for d in found) == ["AL401", "AL406"]  # MCP names not checked
    shown = [m.message for m in client.messages]
    assert any(".agent-ls.toml: cannot read settings: nested too deeply" in m for m in shown)
