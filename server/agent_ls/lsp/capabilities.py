"""The client's capabilities, resolved once at initialize into what the server acts on.

Every handler reads `ClientFeatures` (`server.client`) rather than walking the client's
capabilities itself: each capability has one meaning, decided here. A capability the client
leaves out, or sets to false, is not there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lsprotocol import types

EXTENSION = "agentLs"
"""Key of agent-ls's own client capabilities under `experimental` (previewEdits,
workspaceTrusted)."""


@dataclass(frozen=True)
class ClientFeatures:
    """What the client can do, as the server uses it (a client that says nothing: only trust)."""

    # Diagnostics and settings
    pull_diagnostics: bool = False  # textDocument/diagnostic (pulled, not pushed)
    diagnostic_refresh: bool = False  # workspace/diagnostic/refresh
    configuration: bool = False  # workspace/configuration

    # Completion
    snippets: bool = False
    completion_edit_range: bool = False  # a list's default edit range (`itemDefaults.editRange`)
    completion_resolves_documentation: bool = False  # completionItem/resolve of documentation

    # Persona actions: resolving, progress, showing, editing
    code_action_resolves_edit: bool = False  # codeAction/resolve of `edit`, with `data` kept
    work_done_progress: bool = False  # server-initiated progress (window/workDoneProgress/create)
    show_document: bool = False  # window/showDocument
    apply_edit: bool = False  # workspace/applyEdit
    versioned_edits: bool = False  # workspace edits as `documentChanges` (else `changes`)
    renames_files: bool = False
    """It applies a `RenameFile` in a workspace edit (`resourceOperations` holds `rename`). A
    resource operation exists only in `documentChanges`, so this says the client reads those
    too: Neovim declares the one without the other, and applies both."""

    # agent-ls's own (`experimental.agentLs`)
    previews_edits: bool = False
    """It shows a persona rewrite's diff with Apply/Discard itself (`previewEdits`: the agent-ls
    VS Code extension)."""
    workspace_trusted: bool = True
    """It trusts the workspace at initialize (`workspaceTrusted`; a client that says nothing
    trusts it)."""


def resolve(capabilities: types.ClientCapabilities) -> ClientFeatures:
    """Returns what the client given `capabilities` at initialize can do."""
    text = capabilities.text_document
    completion = text.completion if text else None
    item = completion.completion_item if completion else None
    code_action = text.code_action if text else None
    workspace = capabilities.workspace
    window = capabilities.window
    workspace_edit = workspace.workspace_edit if workspace else None
    experimental = capabilities.experimental
    ours = experimental.get(EXTENSION) if isinstance(experimental, dict) else None
    ours = ours if isinstance(ours, dict) else {}
    return ClientFeatures(
        pull_diagnostics=bool(text and text.diagnostic),
        diagnostic_refresh=bool(
            workspace and workspace.diagnostics and workspace.diagnostics.refresh_support
        ),
        configuration=bool(workspace and workspace.configuration),
        snippets=bool(item and item.snippet_support),
        completion_edit_range="editRange" in _names(completion.completion_list.item_defaults)
        if completion and completion.completion_list
        else False,
        completion_resolves_documentation="documentation" in _names(item.resolve_support.properties)
        if item and item.resolve_support
        else False,
        code_action_resolves_edit=bool(
            code_action
            and code_action.data_support
            and code_action.resolve_support
            and "edit" in _names(code_action.resolve_support.properties)
        ),
        work_done_progress=bool(window and window.work_done_progress),
        show_document=bool(window and window.show_document and window.show_document.support),
        apply_edit=bool(workspace and workspace.apply_edit),
        versioned_edits=bool(workspace_edit and workspace_edit.document_changes),
        renames_files=types.ResourceOperationKind.Rename
        in ((workspace_edit.resource_operations or ()) if workspace_edit else ()),
        previews_edits=bool(ours.get("previewEdits")),
        workspace_trusted=ours.get("workspaceTrusted") is not False,
    )


def _names(values: Iterable[Any] | None) -> list[str]:
    return [str(v) for v in values or ()]
