"""Before sending (workspace trust, credentials) and before applying (Apply / Show diff / Discard):
the user's go-ahead; then the edit, versioned, sent with workspace/applyEdit."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.uris import from_fs_path

from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.convert import range_of
from agent_ls.lsp.personas.editor import (
    REPORT_IN_MESSAGE,
    ask,
    state_of,
    tell,
    workspace_trusted,
)
from agent_ls.lsp.personas.progress import Progress
from agent_ls.lsp.personas.snapshot import Snapshot
from agent_ls.lsp.personas.state import Outcome
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.preview import unified_diff
from agent_ls.personas.session import PreparedAction, TextChange

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


SEND_ANYWAY = "Send anyway"
RUN_ANYWAY = "Run it"
APPLY, SHOW_DIFF, DISCARD = "Apply", "Show diff", "Discard"
DISCARDED = "discarded by the user"
"""The failureReason of an applyEdit the user discarded in the client's own diff preview."""


async def trusted_or_allowed(
    server: AgentLanguageServer, shipped: bool, title: str, file_name: str
) -> bool:
    """Returns whether to run (a first ask or a follow-up): always for the shipped personas and
    in a trusted workspace; for the workspace's own agents in an untrusted one, only on the
    user's go-ahead."""
    if shipped or workspace_trusted(server):
        return True
    picked = await ask(
        server,
        types.MessageType.Warning,
        f"{title}: this agent comes from a workspace you have not trusted. "
        f"Its instructions and your code ({file_name}) would go to the API. Run it?",
        [RUN_ANYWAY, "Cancel"],
        unanswerable="trust the workspace to run its agents. Nothing was sent.",
    )
    return picked == RUN_ANYWAY


async def may_send_secrets(server: AgentLanguageServer, prepared: PreparedAction) -> bool:
    """Returns whether to send code that seems to hold credentials (the secrets setting: `allow`
    sends it, `redact` sends it with each credential replaced by a placeholder, `refuse` raises
    PersonaError, `ask` asks)."""
    policy = server.settings.personas.secrets
    if policy in ("allow", "redact"):
        return True
    warning = prepared.secrets_warning()
    if policy == "refuse":
        raise PersonaError(
            f"{warning} Not sent (setting agentLs.personas.secrets is refuse).", "usage"
        )
    picked = await ask(
        server,
        types.MessageType.Warning,
        f"{prepared.title}: {warning} Send it to the Anthropic API anyway?",
        [SEND_ANYWAY, "Cancel"],
        unanswerable="set agentLs.personas.secrets to decide without a question. Nothing was sent.",
    )
    return picked == SEND_ANYWAY


def confirms_here(server: AgentLanguageServer) -> bool:
    """Whether the server asks before applying: `confirm = always` and the client does not show
    the diff with Apply/Discard itself (the agent-ls VS Code extension does)."""
    return server.settings.personas.confirm == "always" and not server.client.previews_edits


async def confirm(
    server: AgentLanguageServer,
    prepared: PreparedAction,
    snapshot: Snapshot,
    changes: list[TextChange],
) -> Outcome | None:
    """Asks Apply / Show diff / Discard (window/showMessageRequest); "Show diff" opens the unified
    diff (window/showDocument, else a message) and asks again. Returns None for Apply, else how
    the run ended."""
    diff = unified_diff(snapshot.text, changes, prepared.file_name)
    added = sum(1 for line in diff.splitlines() if line[:1] == "+" and line[:3] != "+++")
    removed = sum(1 for line in diff.splitlines() if line[:1] == "-" and line[:3] != "---")
    choices = [APPLY, SHOW_DIFF, DISCARD]
    while True:
        picked = await ask(
            server,
            types.MessageType.Info,
            f"{prepared.title}: apply the change to {prepared.file_name} "
            f"(+{added} −{removed} lines)?",
            choices,
            unanswerable="set agentLs.personas.confirm to never to apply rewrites without asking. "
            "Nothing was applied.",
        )
        if picked == APPLY:
            return None
        if picked != SHOW_DIFF:
            return Outcome("declined", f"{prepared.title}: discarded, nothing was applied.")
        await _show_diff(server, prepared, diff)
        choices = [APPLY, DISCARD]


async def _show_diff(server: AgentLanguageServer, prepared: PreparedAction, diff: str) -> None:
    """Opens `diff` as a .diff file in the editor (else shows it in a message and the log)."""
    stem = Path(prepared.file_name).name
    path = _new_output_file(server, f"{stem}.{prepared.persona.name}.{prepared.action.id}", "diff")
    path.write_text(diff, encoding="utf-8")
    if server.client.show_document:
        shown = await server.window_show_document_async(
            types.ShowDocumentParams(uri=from_fs_path(str(path)) or path.as_uri(), take_focus=True)
        )
        if shown.success:
            return
    server.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=diff))
    tell(
        server, f"{prepared.title}: the change:\n{diff[:REPORT_IN_MESSAGE]}", types.MessageType.Info
    )


def _new_output_file(server: AgentLanguageServer, stem: str, suffix: str) -> Path:
    """Returns a new file path in the server's own temporary folder (diffs)."""
    state = state_of(server)
    if state.report_dir is None:
        state.report_dir = Path(tempfile.mkdtemp(prefix="agent-ls-personas-"))
    state.reports += 1
    return state.report_dir / f"{stem}.{state.reports}.{suffix}"


def workspace_edit(
    server: AgentLanguageServer, snapshot: Snapshot, index: LineIndex, changes: list[TextChange]
) -> types.WorkspaceEdit:
    """Returns one edit making every change, versioned when the client takes documentChanges."""
    edits = [
        types.TextEdit(range=range_of(index, c.start, c.end), new_text=c.text) for c in changes
    ]
    if not server.client.versioned_edits:
        return types.WorkspaceEdit(changes={snapshot.uri: list(edits)})
    document = types.OptionalVersionedTextDocumentIdentifier(
        uri=snapshot.uri, version=snapshot.version
    )
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
    )


async def send_edit(
    server: AgentLanguageServer,
    snapshot: Snapshot,
    edit: types.WorkspaceEdit,
    title: str,
    progress: Progress,
) -> Outcome:
    """Sends `edit` with workspace/applyEdit; returns what the editor did with it."""
    sent = state_of(server).edits_sent
    if snapshot.document is not None:
        sent[snapshot.uri] = (snapshot.document, snapshot.version)  # no await since the check
    applying: asyncio.Future[types.ApplyWorkspaceEditResult] = asyncio.ensure_future(
        server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=title))
    )
    try:
        result = await asyncio.shield(applying)
    except asyncio.CancelledError:
        # The editor has the edit (it may be showing its diff): a cancel cannot take it back,
        # so report what the editor did rather than "nothing was applied".
        progress.end("Too late to cancel: the edit is with the editor, which applies it or not")
        result = await applying
    if result.applied:
        return Outcome("applied", f"{title}: applied")
    record = sent.get(snapshot.uri)
    if record is not None and record[0] is snapshot.document and record[1] == snapshot.version:
        del sent[snapshot.uri]
    if result.failure_reason == DISCARDED:
        return Outcome("declined", f"{title}: discarded, nothing was applied.")
    reason = f" ({result.failure_reason})" if result.failure_reason else ""
    return Outcome(
        "stale",
        f"The editor did not apply the edit{reason}: the document probably changed. "
        "Nothing was applied.",
    )
