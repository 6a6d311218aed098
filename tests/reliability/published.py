"""Diagnostics as a client sees them: every push recorded by URI and version, or a pull."""

from __future__ import annotations

import asyncio

from lsp_helpers import diagnostics_for, pulls
from lsprotocol import types
from pytest_lsp import LanguageClient


class Publishes:
    """Every publishDiagnostics the client receives, by URI and version, in arrival order.

    `client.wait_for_notification` keeps one waiter per method and misses notifications that
    arrive while nobody waits; a burst test needs every one of them.
    """

    def __init__(self, client: LanguageClient) -> None:
        self.log: list[types.PublishDiagnosticsParams] = []
        self.changed = asyncio.Event()
        features = client.protocol.fm.features
        original = features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

        def record(params: types.PublishDiagnosticsParams) -> None:
            original(params)  # registered handlers are stored with the client already bound
            self.log.append(params)
            self.changed.set()

        features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record

    def count(self, uri: str) -> int:
        return sum(p.uri == uri for p in self.log)

    async def wait(
        self, uri: str, version: int | None, timeout: float = 10
    ) -> list[types.Diagnostic]:
        """Returns the diagnostics published for `uri` at `version` (waiting up to `timeout`)."""

        async def find() -> list[types.Diagnostic]:
            while True:
                for params in reversed(self.log):
                    if params.uri == uri and params.version == version:
                        return list(params.diagnostics)
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(find(), timeout)


async def diagnostics(
    client: LanguageClient, publishes: Publishes, uri: str, version: int, timeout: float = 10
) -> list[types.Diagnostic]:
    """Returns the diagnostics of `uri` at `version`: pulled, or waited for when pushed."""
    if pulls(client):
        return await asyncio.wait_for(diagnostics_for(client, uri), timeout)
    return await publishes.wait(uri, version, timeout)
