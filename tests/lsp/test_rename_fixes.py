"""Quick fixes that rename a file, through the real server over stdio.

The fix is a `RenameFile` in the action's `documentChanges`, offered only to a client whose
`workspace.workspaceEdit.resourceOperations` holds `rename` (VS Code and Neovim do; a client
without it is not offered the fix). The client here applies the edit as an editor does: it
renames the file on disk, closes the old document, opens the new one and sends
workspace/didRenameFiles; the diagnostics then follow the file, and a neighbour that the rename
turned into a skill's reference file loses its own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from lsp_helpers import (
    diagnostics_for,
    diagnostics_settle,
    end_session,
    open_document,
    publishes,
    start_session,
)
from lsprotocol import types
from pygls.uris import to_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SKILL = "---\nname: demo\ndescription: Does the demo\n---\nDo the thing.\n"
NOTES = "---\ntitle: Notes\n---\nNotes for the demo skill.\n"


def capabilities(name: str) -> types.ClientCapabilities:
    """An editor's capability set; `no-rename` is VS Code's without resource operations."""
    if name != "no-rename":
        return client_capabilities(name)
    caps = client_capabilities("visual-studio-code")
    assert caps.workspace and caps.workspace.workspace_edit
    caps.workspace.workspace_edit.resource_operations = None
    return caps


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim", "no-rename"],
    config=ClientServerConfig(server_command=[sys.executable, "-m", "agent_ls", "serve"]),
)
async def client(request: pytest.FixtureRequest, lsp_client: LanguageClient, tmp_path: Path) -> Any:
    """An initialized client on a fresh workspace holding `.claude/skills/demo/skill.md` and a
    `notes.md` with a frontmatter beside it."""
    root = tmp_path / "ws"
    (root / ".git").mkdir(parents=True)
    folder = root / ".claude/skills/demo"
    folder.mkdir(parents=True)
    (folder / "skill.md").write_text(SKILL, "utf-8")
    (folder / "notes.md").write_text(NOTES, "utf-8")
    await start_session(lsp_client, root, capabilities(request.param), {"debounceMs": 0})
    lsp_client.editor = request.param  # type: ignore[attr-defined]
    yield lsp_client
    await end_session(lsp_client)


async def quick_fixes(
    client: LanguageClient, uri: str, diagnostics: list[types.Diagnostic]
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostics[0].range,
            context=types.CodeActionContext(
                diagnostics=diagnostics, only=[types.CodeActionKind.QuickFix]
            ),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def apply_on_disk(client: LanguageClient, edit: types.WorkspaceEdit) -> list[types.FileRename]:
    """Applies `edit` as an editor does: text edits to the files, renames on disk (refusing to
    overwrite, as the options say), the old document closed and the new one opened. Returns the
    renames, for workspace/didRenameFiles."""
    renamed: list[types.FileRename] = []
    for change in edit.document_changes or []:
        if isinstance(change, types.RenameFile):
            old, new = Path(to_fs_path(change.old_uri)), Path(to_fs_path(change.new_uri))
            assert change.options is not None and not change.options.overwrite
            assert not new.exists(), "the server offered a rename onto an existing file"
            new.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, new)
            client.text_document_did_close(
                types.DidCloseTextDocumentParams(
                    text_document=types.TextDocumentIdentifier(uri=change.old_uri)
                )
            )
            open_document(client, new)
            renamed.append(types.FileRename(old_uri=change.old_uri, new_uri=change.new_uri))
        else:
            assert isinstance(change, types.TextDocumentEdit) and not change.edits
    return renamed


async def test_the_rename_fix_moves_the_file_and_its_diagnostics(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    old = root / ".claude/skills/demo/skill.md"
    new = root / ".claude/skills/demo/SKILL.md"
    notes_uri = open_document(client, root / ".claude/skills/demo/notes.md")
    uri = open_document(client, old)
    found = await diagnostics_for(client, uri, 1)
    assert [d.code for d in found] == ["SK102"]
    assert [d.code for d in await diagnostics_for(client, notes_uri, 1)] == ["SK105"]
    actions = await quick_fixes(client, uri, found)
    if client.editor == "no-rename":  # type: ignore[attr-defined]
        assert actions == []  # the client cannot rename files: not offered
        return
    (action,) = actions
    assert action.title == "Rename the file to `SKILL.md`" and action.is_preferred
    assert action.edit is not None
    assert list(action.edit.document_changes or ()) == [
        types.RenameFile(
            old_uri=uri,
            new_uri=new.as_uri(),
            options=types.RenameFileOptions(overwrite=False, ignore_if_exists=False),
        )
    ]

    renamed = apply_on_disk(client, action.edit)
    client.workspace_did_rename_files(types.RenameFilesParams(files=renamed))
    assert new.read_text("utf-8") == SKILL and not old.exists()
    assert await diagnostics_for(client, new.as_uri(), 1) == []
    # the neighbour is now the skill's reference file: its SK105 goes
    assert await diagnostics_settle(client, notes_uri, []) == []
    if client.editor == "visual-studio-code":  # type: ignore[attr-defined]
        # pushed diagnostics: the old URI's were cleared when it closed
        last = [p for p in publishes(client).log if p.uri == uri][-1]
        assert list(last.diagnostics) == []
    else:  # pulled: the old URI has none
        assert await diagnostics_for(client, uri) == []


async def test_no_rename_is_offered_onto_an_existing_file(client: LanguageClient) -> None:
    root: Path = client.root  # type: ignore[attr-defined]
    (root / ".claude/skills/loose").mkdir()
    (root / ".claude/skills/loose/SKILL.md").write_text(SKILL, "utf-8")
    path = root / ".claude/skills/loose.md"
    path.write_text(SKILL, "utf-8")
    uri = open_document(client, path)
    found = await diagnostics_for(client, uri, 1)
    assert [d.code for d in found] == ["SK104"]
    assert await quick_fixes(client, uri, found) == []


async def test_a_rename_elsewhere_has_the_open_neighbours_checked_again(
    client: LanguageClient,
) -> None:
    # The user renames `skill.md` (not open) in the editor's file explorer: the editor sends
    # workspace/didRenameFiles, and the open `notes.md` is no longer a folder without SKILL.md.
    root: Path = client.root  # type: ignore[attr-defined]
    notes_uri = open_document(client, root / ".claude/skills/demo/notes.md")
    assert [d.code for d in await diagnostics_for(client, notes_uri, 1)] == ["SK105"]
    old, new = root / ".claude/skills/demo/skill.md", root / ".claude/skills/demo/SKILL.md"
    os.rename(old, new)
    client.workspace_did_rename_files(
        types.RenameFilesParams(
            files=[types.FileRename(old_uri=old.as_uri(), new_uri=new.as_uri())]
        )
    )
    assert await diagnostics_settle(client, notes_uri, []) == []
