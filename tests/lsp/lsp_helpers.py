"""Helpers for language-server tests: open documents, get diagnostics pushed or pulled."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

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


def accept_registrations(client: LanguageClient) -> list[types.Registration]:
    """Has the client accept client/registerCapability as an editor does (before initialize);
    returns the list the registrations are recorded in."""
    recorded: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        recorded.extend(params.registrations)

    return recorded


def publishes(client: LanguageClient) -> Publishes:
    """Returns the client's recorder of pushed diagnostics (the fixtures install one at start)."""
    recorder = getattr(client, "publishes", None)
    if recorder is None:
        recorder = client.publishes = Publishes(client)  # type: ignore[attr-defined]
    return recorder


async def start_session(
    client: LanguageClient,
    root: Path,
    capabilities: types.ClientCapabilities,
    options: dict[str, Any],
) -> tuple[types.InitializeResult, list[types.Registration]]:
    """Initializes `client` on the workspace `root` as an editor does: every push recorded from
    the start, registrations accepted, `options` sent as initializationOptions and held as the
    client's settings (section `agentLs`). Returns the result and the registrations' record."""
    publishes(client)
    registrations = accept_registrations(client)
    client.set_configuration(options, section="agentLs")
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )
    client.root = root  # type: ignore[attr-defined]
    return result, registrations


async def end_session(client: LanguageClient) -> None:
    """shutdown + exit, given up after 2 s (a test may leave the server busy or gone)."""
    try:
        await asyncio.wait_for(client.shutdown_session(), 2)
    except (asyncio.TimeoutError, RuntimeError):
        pass


def pulls(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


async def diagnostics_for(
    client: LanguageClient, uri: str, version: int | None = None
) -> list[types.Diagnostic]:
    """Returns the server's diagnostics for `uri` (pulled, or the pushed ones for `version`)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)

    if version is not None:
        return await publishes(client).wait(uri, version)

    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics[uri])

    return await asyncio.wait_for(wait(), 10)


def open_document(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1
) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri,
                language_id="markdown",
                version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


async def diagnostics_settle(
    client: LanguageClient, uri: str, want: list[str], timeout: float = 10
) -> list[types.Diagnostic]:
    """Waits until the diagnostic codes of `uri` equal `want` (after an asynchronous change such
    as new settings), pulling again or waiting for the next push; fails after `timeout`."""

    async def wait() -> list[types.Diagnostic]:
        while True:
            if pulls(client):
                found = await diagnostics_for(client, uri)
                await asyncio.sleep(0.05)
            else:
                recorder = publishes(client)
                recorder.changed.clear()
                found = list(client.diagnostics.get(uri, []))
                if sorted(str(d.code) for d in found) != sorted(want):
                    await recorder.changed.wait()
                    found = list(client.diagnostics.get(uri, []))
            if sorted(str(d.code) for d in found) == sorted(want):
                return found

    return await asyncio.wait_for(wait(), timeout)
