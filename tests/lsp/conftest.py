"""The real server over stdio, driven by pytest-lsp with VS Code's and Neovim's capabilities."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import end_session, start_session
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

CLIENTS = ["visual-studio-code", "neovim"]


@pytest_lsp.fixture(
    params=CLIENTS,
    config=ClientServerConfig(server_command=[sys.executable, "-m", "agent_ls", "serve"]),
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient) -> Any:
    """An initialized client; the workspace comes from the test's `root` marker (default: basic)."""
    marker = request.node.get_closest_marker("root")
    root: Path = (
        Path(__file__).parent.parent / "workspaces" / (marker.args[0] if marker else "basic")
    )
    defaults = request.node.get_closest_marker("defaults")
    options: dict[str, Any] = {} if defaults else {"debounceMs": 0}
    settings = request.node.get_closest_marker("settings")
    if settings:
        options.update(settings.args[0])
    result, _ = await start_session(lsp_client, root, client_capabilities(request.param), options)
    lsp_client.encoding = str(result.capabilities.position_encoding or "utf-16")  # type: ignore[attr-defined]
    yield lsp_client
    await end_session(lsp_client)
