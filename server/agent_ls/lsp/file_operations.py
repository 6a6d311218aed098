"""workspace/didRenameFiles: a file or folder renamed in the editor (a quick fix that renames
the file, or the user). The old URI's diagnostics are cleared when it is no longer open, and
every open document is checked again, as a file's place decides how Claude Code reads it and
its neighbours (`skill.md` → `SKILL.md` changes what the folder's other files are). The editor
closes the old document and opens the new one itself (didClose/didOpen)."""

from __future__ import annotations

from lsprotocol import types

from agent_ls.lsp.languageserver import AgentLanguageServer
from agent_ls.lsp.workspace_index import request_reindex

OPTIONS = types.FileOperationRegistrationOptions(
    filters=[
        types.FileOperationFilter(scheme="file", pattern=types.FileOperationPattern(glob="**"))
    ]
)


def register(server: AgentLanguageServer) -> None:
    """Registers workspace/didRenameFiles on `server`."""

    @server.feature(types.WORKSPACE_DID_RENAME_FILES, OPTIONS)
    def did_rename_files(ls: AgentLanguageServer, params: types.RenameFilesParams) -> None:
        for renamed in params.files:
            if renamed.old_uri not in ls.workspace.text_documents:
                ls.analyses.pop(renamed.old_uri, None)
                if not ls.client.pull_diagnostics:
                    ls.text_document_publish_diagnostics(
                        types.PublishDiagnosticsParams(uri=renamed.old_uri, diagnostics=[])
                    )
        ls.personas_stale = True  # an agent file may have moved
        request_reindex(ls)
