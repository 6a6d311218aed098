"""Diagnostics as a client sees them: every push recorded by URI and version, or a pull."""

from __future__ import annotations

import asyncio

from lsp_helpers import Publishes, diagnostics_for, pulls  # noqa: F401 - Publishes is re-exported
from lsprotocol import types
from pytest_lsp import LanguageClient


async def diagnostics(
    client: LanguageClient, publishes: Publishes, uri: str, version: int, timeout: float = 10
) -> list[types.Diagnostic]:
    """Returns the diagnostics of `uri` at `version`: pulled, or waited for when pushed."""
    if pulls(client):
        return await asyncio.wait_for(diagnostics_for(client, uri), timeout)
    return await publishes.wait(uri, version, timeout)
