"""Running one persona action to its end (`agentLs.persona.run`, or codeAction/resolve for a lazy
rewrite)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.convert import range_from_json
from agent_ls.lsp.personas.apply import (
    confirm,
    confirms_here,
    may_send_secrets,
    send_edit,
    trusted_or_allowed,
    workspace_edit,
)
from agent_ls.lsp.personas.directory import current_personas, display_name
from agent_ls.lsp.personas.editor import state_of, tell
from agent_ls.lsp.personas.findings import keep_findings
from agent_ls.lsp.personas.progress import Progress, finished
from agent_ls.lsp.personas.reports import note_cache_shortfall, show_report
from agent_ls.lsp.personas.snapshot import read_document, stale_outcome, still_current
from agent_ls.lsp.personas.state import FIX_ACTION, RUN_COMMAND, Outcome
from agent_ls.personas.actions import PersonaAction
from agent_ls.personas.client import api_settings
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.preview import unified_diff
from agent_ls.personas.prompt import Selection, language_of
from agent_ls.personas.session import (
    line_findings,
    prepare,
    report,
    rewrite_edits,
)

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunRequest:
    """The arguments of a run: `{"uri", "range", "agent", "action"}`, the listing's `version`,
    and optionally the client's own progress token `workDoneToken` (the server then creates none:
    the VS Code extension shows that progress as a notification with Cancel)."""

    uri: str
    range: types.Range
    agent: str
    action: str
    version: int | None = None
    work_done_token: str | int | None = None
    task: str | None = None
    """The task of a finding's quick fix (action FIX_ACTION: a rewrite of the range)."""
    scope: str | None = None
    """What the range is when it was taken at a bare cursor (e.g. "function f (lines 6-9)")."""

    @staticmethod
    def parse(raw: Any) -> RunRequest:
        if not isinstance(raw, Mapping):
            raise PersonaError(
                f"{RUN_COMMAND} wants one argument {{uri, range, agent, action}}", "usage"
            )
        try:
            version, token = raw.get("version"), raw.get("workDoneToken")
            task, scope = raw.get("task"), raw.get("scope")
            return RunRequest(
                str(raw["uri"]),
                range_from_json(raw["range"]),
                str(raw["agent"]),
                str(raw["action"]),
                version if isinstance(version, int) else None,
                token if isinstance(token, (str, int)) and not isinstance(token, bool) else None,
                task if isinstance(task, str) and task.strip() else None,
                scope if isinstance(scope, str) and scope.strip() else None,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise PersonaError(f"{RUN_COMMAND}: bad argument ({err})", "usage") from None


async def run_persona(
    server: AgentLanguageServer,
    request: RunRequest,
    *,
    apply: bool,
    progress_token: types.ProgressToken | None = None,
) -> Outcome:
    """Runs one persona action to its end; never raises except when the caller is cancelled.

    With `apply`, a rewrite is sent to the client (workspace/applyEdit); without, the edit is
    returned in the outcome (codeAction/resolve). The user is told about every failure.
    """
    progress = Progress(server, progress_token)
    return await finished(server, progress, _perform(server, request, progress, apply=apply))


async def _perform(
    server: AgentLanguageServer, request: RunRequest, progress: Progress, *, apply: bool
) -> Outcome:
    open_document = server.workspace.text_documents.get(request.uri)
    if (
        request.version is not None
        and open_document is not None
        and request.version != open_document.version
    ):
        return Outcome(
            "stale",
            "The document changed since the action was offered: select the code and try again.",
        )
    snapshot = await read_document(server, request.uri)
    text = snapshot.text
    index = LineIndex(text, server.encoding())
    start = index.offset(request.range.start.line, request.range.start.character)
    end = index.offset(request.range.end.line, request.range.end.character)
    path = server.path_of(request.uri)
    settings = server.settings.personas
    if request.task is not None and request.action == FIX_ACTION:
        fix = PersonaAction(FIX_ACTION, "fix this", "rewrite", request.task, agent=request.agent)
        settings = dataclasses.replace(settings, actions=(*settings.actions, fix))
    prepared = prepare(
        current_personas(server),
        request.agent,
        request.action,
        Selection(text, start, end),
        file_name=display_name(server, path) if path else request.uri,
        language=(open_document.language_id if open_document else None)
        or language_of(path or request.uri),
        settings=settings,
        root=server.workspace_root,
    )
    call = api_settings(server.settings.personas)
    note_cache_shortfall(server, prepared)
    if not await trusted_or_allowed(
        server, prepared.persona.shipped, prepared.title, prepared.file_name
    ):
        return Outcome("declined", "Nothing was sent: the workspace is not trusted.")
    if prepared.secrets and not await may_send_secrets(server, prepared):
        return Outcome("declined", "Nothing was sent.")

    lines = prepared.selection.last_line - prepared.selection.first_line + 1
    what = request.scope or f"{lines} line{'s' if lines != 1 else ''}"
    this = asyncio.current_task()
    await progress.begin(
        prepared.title,
        f"Sending {what} to {prepared.prompt.model}…",
        on_cancel=this.cancel if this is not None else lambda: None,
    )
    api = state_of(server).api
    answer = await api.stream(call, prepared.prompt, progress.on_text, progress.report)

    if prepared.action.kind == "report":
        markdown = report(prepared, answer)
        outcome = await show_report(server, prepared, answer, markdown, path)
        keep_findings(server, snapshot, prepared, line_findings(prepared, answer), outcome.document)
        return outcome
    changes = rewrite_edits(prepared, answer)
    if not await still_current(server, snapshot):
        return stale_outcome()
    edit = workspace_edit(server, snapshot, index, changes)
    if not apply:
        return Outcome("edit", f"{prepared.title}: edit ready", edit=edit)
    if not server.client.apply_edit:
        tell(
            server,
            f"{prepared.title}: the editor cannot apply edits; the proposed change is in the log.",
            types.MessageType.Warning,
        )
        server.window_log_message(
            types.LogMessageParams(
                type=types.MessageType.Log,
                message=unified_diff(text, changes, prepared.file_name),
            )
        )
        return Outcome("failed", "The editor cannot apply edits (workspace/applyEdit).")
    if confirms_here(server):
        progress.report("Waiting for your decision…")
        decided = await confirm(server, prepared, snapshot, changes)
        if decided is not None:
            return decided
        if not await still_current(server, snapshot):
            return stale_outcome()
    previewed = server.settings.personas.confirm == "always" and server.client.previews_edits
    progress.report("Showing the change: Apply or Discard" if previewed else "Applying the edit…")
    return await send_edit(server, snapshot, edit, prepared.title, progress)
