"""Client capabilities resolved once at initialize (`lsp.capabilities.resolve`): one meaning each.

A capability the client leaves out, sets to false, or gives without the part the server needs, is
not there; the editors' own capability sets resolve to what the server then does for them.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from lsprotocol import converters, types
from pytest_lsp import client_capabilities

from agent_ls.lsp.capabilities import ClientFeatures, resolve

CONVERTER = converters.get_converter()


def features(raw: dict[str, Any]) -> ClientFeatures:
    return resolve(CONVERTER.structure(raw, types.ClientCapabilities))


NOTHING = asdict(ClientFeatures())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({}, {}),
        ({"textDocument": {"diagnostic": {}}}, {"pull_diagnostics": True}),
        ({"workspace": {"diagnostics": {"refreshSupport": True}}}, {"diagnostic_refresh": True}),
        ({"workspace": {"diagnostics": {"refreshSupport": False}}}, {}),
        ({"workspace": {"configuration": True}}, {"configuration": True}),
        ({"workspace": {"configuration": False}}, {}),
        (
            {"textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}},
            {"snippets": True},
        ),
        (
            {"textDocument": {"completion": {"completionList": {"itemDefaults": ["editRange"]}}}},
            {"completion_edit_range": True},
        ),
        (
            {"textDocument": {"completion": {"completionList": {"itemDefaults": ["data"]}}}},
            {},
        ),
        (
            {
                "textDocument": {
                    "completion": {
                        "completionItem": {"resolveSupport": {"properties": ["documentation"]}}
                    }
                }
            },
            {"completion_resolves_documentation": True},
        ),
        (  # resolving an edit needs the action's data kept too
            {
                "textDocument": {
                    "codeAction": {"resolveSupport": {"properties": ["edit"]}, "dataSupport": True}
                }
            },
            {"code_action_resolves_edit": True},
        ),
        ({"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}}, {}),
        (
            {
                "textDocument": {
                    "codeAction": {"resolveSupport": {"properties": ["title"]}, "dataSupport": True}
                }
            },
            {},
        ),
        ({"window": {"workDoneProgress": True}}, {"work_done_progress": True}),
        ({"window": {"workDoneProgress": False}}, {}),
        ({"window": {"showDocument": {"support": True}}}, {"show_document": True}),
        ({"window": {"showDocument": {"support": False}}}, {}),
        ({"workspace": {"applyEdit": True}}, {"apply_edit": True}),
        (
            {"workspace": {"workspaceEdit": {"documentChanges": True}}},
            {"versioned_edits": True},
        ),
        (  # a resource operation is sent only in documentChanges: Neovim declares just this
            {"workspace": {"workspaceEdit": {"resourceOperations": ["create", "rename"]}}},
            {"renames_files": True},
        ),
        (
            {"workspace": {"workspaceEdit": {"documentChanges": True, "resourceOperations": []}}},
            {"versioned_edits": True},
        ),
        ({"workspace": {"workspaceEdit": {"resourceOperations": ["create", "delete"]}}}, {}),
        ({"experimental": {"agentLs": {"previewEdits": True}}}, {"previews_edits": True}),
        ({"experimental": {"agentLs": {"workspaceTrusted": False}}}, {"workspace_trusted": False}),
        ({"experimental": {"agentLs": {"workspaceTrusted": None}}}, {}),  # says nothing: trusted
        ({"experimental": {"agentLs": "yes"}}, {}),
        ({"experimental": ["agentLs"]}, {}),
    ],
)
def test_each_capability_has_one_meaning(raw: dict[str, Any], expected: dict[str, bool]) -> None:
    assert asdict(features(raw)) == {**NOTHING, **expected}


def test_the_editors_capability_sets_resolve_to_what_the_server_does_for_them() -> None:
    vscode = resolve(client_capabilities("visual-studio-code"))
    neovim = resolve(client_capabilities("neovim"))
    # VS Code: documentation on resolve, versioned edits; Neovim: pulls diagnostics, takes one
    # shared edit range, applies unversioned edits.
    assert (vscode.completion_resolves_documentation, neovim.completion_resolves_documentation) == (
        True,
        False,
    )
    assert (vscode.versioned_edits, neovim.versioned_edits) == (True, False)
    assert (vscode.pull_diagnostics, neovim.pull_diagnostics) == (False, True)
    assert (vscode.completion_edit_range, neovim.completion_edit_range) == (False, True)
    for both in (vscode, neovim):
        assert both.configuration and both.snippets and both.apply_edit and both.show_document
        assert both.code_action_resolves_edit and both.work_done_progress and both.renames_files
