"""Helpers for language-server tests: open documents, get diagnostics pushed or pulled."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient


def pulls(client: LanguageClient) -> bool:
    caps = client.capabilities
    return bool(caps and caps.text_document and caps.text_document.diagnostic)


async def diagnostics_for(client: LanguageClient, uri: str, version: int | None = None) -> list[types.Diagnostic]:
    """Returns the server's diagnostics for `uri` (pulled, or the pushed ones for `version`)."""
    if pulls(client):
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return list(report.items)

    async def wait() -> list[types.Diagnostic]:
        if version is None and uri in client.diagnostics:
            return list(client.diagnostics[uri])
        while True:
            params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)

    return await asyncio.wait_for(wait(), 10)


def open_document(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return uri


async def diagnostics_settle(client: LanguageClient, uri: str, want: list[str], timeout: float = 10) -> list[types.Diagnostic]:
    """Waits until the diagnostic codes of `uri` equal `want` (after an asynchronous change such
    as new settings), pulling again or waiting for the next push; fails after `timeout`."""

    async def wait() -> list[types.Diagnostic]:
        while True:
            if pulls(client):
                found = await diagnostics_for(client, uri)
                await asyncio.sleep(0.05)
            else:
                params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
                found = list(client.diagnostics.get(uri, [])) if params.uri == uri else []
            if sorted(str(d.code) for d in found) == sorted(want):
                return found

    return await asyncio.wait_for(wait(), timeout)
