"""Workspace-wide knowledge: duplicate names across files, .mcp.json, the check-workspace command."""

from __future__ import annotations

import pytest
from lsp_helpers import diagnostics_for, open_document
from lsprotocol import types
from pytest_lsp import LanguageClient


@pytest.mark.root("dupes")
async def test_duplicate_name_across_files_says_which_wins(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/reviewer.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)

    async def duplicate() -> types.Diagnostic | None:
        found = await diagnostics_for(client, uri)
        return next((d for d in found if d.code == "AL208"), None)

    # The workspace index is built in the background after `initialized`; ask until it is there.
    for attempt in range(50):
        if attempt:
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(
                        uri=uri, version=attempt + 1
                    ),
                    content_changes=[
                        types.TextDocumentContentChangeWholeDocument(
                            text=path.read_text() + "\n" * attempt
                        )
                    ],
                )
            )
            client.diagnostics.pop(uri, None)
        found = await duplicate()
        if found:
            break
    assert found is not None
    assert "team/reviewer-copy.md" in found.message
    assert found.severity == types.DiagnosticSeverity.Warning
    assert found.range.start == types.Position(line=1, character=6)


@pytest.mark.root("dupes")
async def test_mcp_tools_checked_against_mcp_json(client: LanguageClient) -> None:
    path = client.root / ".claude/agents/reviewer.md"  # type: ignore[attr-defined]
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    unknown = [d for d in found if d.code == "AL407"]
    assert len(unknown) == 1 and "`jira`" in unknown[0].message and "github" in unknown[0].message
    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=3, character=7),
        )
    )
    assert "mcp__github" in [i.label for i in completion.items]


@pytest.mark.root("dupes")
async def test_check_workspace_command_reports_every_agent_file(client: LanguageClient) -> None:
    result = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentLs.checkWorkspace", arguments=[])
    )
    assert result["files"] == 2
    copy = (client.root / ".claude/agents/team/reviewer-copy.md").as_uri()  # type: ignore[attr-defined]
    assert "AL208" in [d.code for d in client.diagnostics[copy]]
