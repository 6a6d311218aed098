"""textDocument/codeAction and codeAction/resolve: the quick fixes diagnostics carry, and the
persona actions (listed without an API call; a rewrite's edit is computed on resolve)."""

from __future__ import annotations

from lsprotocol import types

from agent_ls.lsp import convert
from agent_ls.lsp.languageserver import AgentLanguageServer

OPTIONS = types.CodeActionOptions(
    code_action_kinds=[
        types.CodeActionKind.QuickFix,
        types.CodeActionKind.RefactorRewrite,
        types.CodeActionKind.Empty,
    ],
    resolve_provider=True,
)


def register(server: AgentLanguageServer) -> None:
    """Registers code actions and their resolve on `server`."""

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, OPTIONS)
    def code_action(
        ls: AgentLanguageServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        from agent_ls.lsp.personas.menu import persona_code_actions

        uri = params.text_document.uri
        document = ls.workspace.text_documents.get(uri)
        version = document.version if document else None
        actions = convert.quick_fixes(params, version, ls.client.renames_files)
        actions += persona_code_actions(ls, params)
        return actions or None

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(
        ls: AgentLanguageServer, action: types.CodeAction
    ) -> types.CodeAction:
        if isinstance(action.data, dict) and action.data.get("kind") == "persona":
            from agent_ls.lsp.personas.commands import resolve_persona_action

            return await resolve_persona_action(ls, action)
        return action
