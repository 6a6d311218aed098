"""workspace/didRenameFiles: a file or folder renamed in the editor (by a quick fix that renames
the file, or by the user). The editor closes the old document and opens the new one itself
(didClose clears the old URI's diagnostics, didOpen checks the new one); here the workspace is
re-indexed and every open document checked again, as a file's place decides how Claude Code
reads its neighbours (once `skill.md` is `SKILL.md`, the folder's other files are references)."""

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
    def did_rename_files(ls: AgentLanguageServer, _: types.RenameFilesParams) -> None:
        ls.personas_stale = True  # an agent file may have moved
        request_reindex(ls)
