"""LSP glue for persona actions: listing, resolving and running them, with progress and cancel.

The lead server calls `persona_code_actions` from its codeAction handler (no API call there),
routes `codeAction/resolve` of persona actions to `resolve_persona_action`, and calls
`register` once to add the persona commands (`agentLs.persona.run`, `.list`, `.choose`,
`.reports`, `.clearFindings`); it merges `finding_diagnostics` (a review's findings on their
lines) into each publish and pull of a document.

A run: the document is taken from the editor (or read off the event loop, bounded) → checks
(selection, size, key, workspace trust, credentials) → progress begins → the answer streams
(progress reports a running count) → a rewrite becomes one versioned WorkspaceEdit (returned by
resolve, or sent with workspace/applyEdit by the command), a report becomes a Markdown document
the editor opens. Cancelling the progress or the request stops the stream and applies nothing.

With `personas.confirm = always` a rewrite is only applied once the user has seen it: clients that
show the diff with Apply/Discard themselves say so with the client capability
`experimental.agentLs.previewEdits` (the VS Code extension: its Discard answers the applyEdit
with failureReason DISCARDED); any other client is asked Apply / Show diff / Discard
(window/showMessageRequest), "Show diff" opening a unified diff (window/showDocument). An edit is
applied only to the very document it was computed on (`Snapshot.is_current`).

Workspace trust: `experimental.agentLs.workspaceTrusted` at initialize and the notification
`agentLs/workspaceTrust` (`{"trusted": bool}`); in an untrusted workspace the workspace's own
agents run only on the user's go-ahead.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from lsprotocol import types
from pygls.uris import from_fs_path

from agent_ls.core.frontmatter import MAX_FILE_BYTES
from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.convert import range_from_json, range_of, range_to_json
from agent_ls.personas import reports
from agent_ls.personas.actions import REPORT_KIND, REWRITE_KIND, PersonaAction, actions_for
from agent_ls.personas.agents import Persona, PersonaDirectory, rank_personas
from agent_ls.personas.client import ApiSettings, MessagesApi, api_settings
from agent_ls.personas.failures import PersonaError, scrub
from agent_ls.personas.preview import unified_diff
from agent_ls.personas.prompt import PromptRequest, Selection, language_of
from agent_ls.personas.scope import enclosing_scope
from agent_ls.personas.session import (
    LineFinding,
    PreparedAction,
    TextChange,
    line_findings,
    prepare,
    refused_model,
    report,
    rewrite_edits,
    usage_line,
)
from agent_ls.workspace import UnreadableFile, agent_globs, is_agent_path, read_text

if TYPE_CHECKING:
    from agent_ls.lsp.server import AgentLanguageServer

log = logging.getLogger(__name__)

RUN_COMMAND = "agentLs.persona.run"
LIST_COMMAND = "agentLs.persona.list"
FOLLOW_UP_COMMAND = "agentLs.persona.followUp"
CHOOSE_COMMAND = "agentLs.persona.choose"
MENU_AGENTS = 3
"""Up to this many agents, each of their actions is a code action; beyond, each agent is one
("Ask <agent>…") whose command asks which of its actions to run."""
REPORTS_COMMAND = "agentLs.persona.reports"
CLEAR_FINDINGS_COMMAND = "agentLs.persona.clearFindings"
FIX_ACTION = "fix-finding"
"""The id of the rewrite a finding's quick fix runs ("Ask <agent> to fix this")."""
FINDING_DATA = "persona-finding"
"""`data.kind` of a finding's diagnostic (its quick fix is found by it)."""
SEVERITY = {
    "critical": types.DiagnosticSeverity.Error,
    "high": types.DiagnosticSeverity.Error,
    "medium": types.DiagnosticSeverity.Warning,
    "low": types.DiagnosticSeverity.Information,
    "info": types.DiagnosticSeverity.Hint,
}
RESCAN_SECONDS = 2.0
"""Agent files on disk are re-globbed (in a worker thread) when the last scan is older than this."""
REPORT_IN_MESSAGE = 4_000
"""Without showDocument, a report up to this long is shown whole in a message (and logged)."""
REPORT_INTERVAL = 0.1
"""Seconds between two progress reports while the answer streams."""
PROGRESS_CREATE_TIMEOUT = 5.0
"""Seconds to wait for the client to accept a progress token (window/workDoneProgress/create)."""
SEND_ANYWAY = "Send anyway"
RUN_ANYWAY = "Run it"
APPLY, SHOW_DIFF, DISCARD = "Apply", "Show diff", "Discard"
DISCARDED = "discarded by the user"
"""The failureReason of an applyEdit the user discarded in the client's own diff preview."""
CLIENT_CAPABILITY = "agentLs"
"""Key of agent-ls's client capabilities under `experimental` (previewEdits, workspaceTrusted)."""
READ_LIMIT = MAX_FILE_BYTES * 8
"""Largest file, in bytes, a persona action reads from disk (one that is not open)."""

Status = Literal["applied", "edit", "shown", "failed", "cancelled", "stale", "declined"]


@dataclass
class Outcome:
    """How a run ended; the command returns it to the client as JSON."""

    status: Status
    message: str = ""
    edit: types.WorkspaceEdit | None = None
    document: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.document:
            out["document"] = self.document
        return out


@dataclass(frozen=True)
class KeptFinding:
    """A review's finding shown on the reviewed document, while the text of its lines (0-based
    `first`..`last`) is still `lines`."""

    agent: str
    finding: LineFinding
    first: int
    last: int
    lines: str
    report: str | None
    """The report's URI (the diagnostic's related information points at it)."""


@dataclass
class Conversation:
    """A report's conversation so far (a follow-up sends it again, with its question)."""

    prompt: PromptRequest
    messages: list[dict[str, Any]]
    title: str
    path: Path


@dataclass
class PersonaState:
    """What persona actions keep on a server."""

    directory: PersonaDirectory = field(default_factory=PersonaDirectory)
    api: MessagesApi = field(default_factory=MessagesApi)
    scanned_for: tuple[Path | None, tuple[str, ...]] | None = None
    rescanning: bool = False
    warming: bool = False
    report_dir: Path | None = None
    """The server's temporary folder of diffs."""
    reports: int = 0
    kept_reports: tuple[Path | None, Path] | None = None
    """The workspace root and the folder its reports are kept in (`reports.report_folder`)."""
    workspace_trusted: bool | None = None
    """The trust the client last notified (agentLs/workspaceTrust); None: as at initialize."""
    findings: dict[str, list[KeptFinding]] = field(default_factory=dict)
    """By URI: the findings of reviews shown on the document's lines."""
    conversations: dict[str, Conversation] = field(default_factory=dict)
    """By report URI: the conversations of this server's reports (`agentLs.persona.followUp`)."""
    hinted: set[tuple[str, str]] = field(default_factory=set)
    """(agent, model) pairs already logged as not offered (the API refuses the model)."""
    edits_sent: dict[str, tuple[Any, int | None]] = field(default_factory=dict)
    """By URI: the open document and version the last workspace/applyEdit was computed on. Until
    the editor's didChange arrives, another run on that same version must not apply (an edit
    without a version, as sent to clients without documentChanges, would land on shifted text)."""


def state_of(server: AgentLanguageServer) -> PersonaState:
    """Returns the persona state kept on `server`."""
    return server.persona_state


# -- personas ---------------------------------------------------------------------------------


def on_workspace_agents_changed(server: AgentLanguageServer) -> None:
    """Re-reads the workspace's agent files now (call when agent files change on disk)."""
    state = state_of(server)
    globs = agent_globs(server.settings)
    state.directory.scan(server.workspace_root, globs)
    state.scanned_for = (server.workspace_root, globs)


def current_personas(server: AgentLanguageServer) -> dict[str, Persona]:
    """Returns the personas by name: shipped, then workspace files, then open agent documents."""
    state = state_of(server)
    root, globs = server.workspace_root, agent_globs(server.settings)
    if state.scanned_for != (root, globs):
        on_workspace_agents_changed(server)
    elif (
        not state.rescanning
        and time.monotonic() - (state.directory.scanned_at or 0) > RESCAN_SECONDS
    ):
        state.rescanning = True

        async def rescan() -> None:
            try:
                await asyncio.to_thread(state.directory.scan, root, globs)
            finally:
                state.rescanning = False

        server.run_task(rescan())
    overlays: dict[Path, str] = {}
    for uri, document in server.workspace.text_documents.items():
        path = server.path_of(uri)
        if path is not None and is_agent_path(path, root, server.settings):
            overlays[path] = document.source
    return state.directory.personas(overlays)


def offered_personas(server: AgentLanguageServer) -> dict[str, Persona]:
    """Returns the personas the code actions offer: not those whose model the API refuses (an
    unknown model, AL501), each logged once with why. (An agent file Claude Code would not load
    is no persona at all: its diagnostics say why.)"""
    state = state_of(server)
    offered = {}
    for name, persona in current_personas(server).items():
        model = refused_model(persona, server.settings.personas)
        if model is None:
            offered[name] = persona
        elif (name, model) not in state.hinted:
            state.hinted.add((name, model))
            server.window_log_message(
                types.LogMessageParams(
                    type=types.MessageType.Info,
                    message=f"agent-ls: {name} is not offered as a persona: the API refuses its "
                    f"model {model!r} (AL501). Use an alias, a model ID or inherit.",
                )
            )
    return offered


# -- listing ----------------------------------------------------------------------------------


def _supports(server: AgentLanguageServer, dotted: str) -> Any:
    node: Any = server.client_capabilities
    for part in dotted.split("."):
        node = getattr(node, part, None)
        if node is None:
            return None
    return node


def _wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == o or kind.startswith(o + ".") for o in only)


def persona_code_actions(
    server: AgentLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Returns one action per persona and action for a non-empty selection (cheap: no API call).

    Rewrites are resolved lazily when the client resolves edits and nothing needs confirming
    (`personas.confirm = never`); otherwise (and for reports, and always for the VS Code
    extension, which runs the command under its own progress notification) the action carries
    the `agentLs.persona.run` command, which asks before it applies.
    """
    selected = params.range
    only = [str(k) for k in params.context.only] if params.context.only else None
    fixes = _finding_fixes(server, params) if _wanted(only, types.CodeActionKind.QuickFix) else []
    if not (_wanted(only, REWRITE_KIND) or _wanted(only, REPORT_KIND)):
        return fixes
    scope = None
    if selected.start == selected.end:
        found = _cursor_scope(server, params.text_document.uri, selected.start)
        if found is None:
            return fixes
        selected, scope = found
    _warm_up(server)
    uri = params.text_document.uri
    document = server.workspace.text_documents.get(uri)
    resolve_props = _supports(server, "text_document.code_action.resolve_support.properties") or []
    lazy_edits = (
        server.settings.personas.confirm == "never"
        and not _client_extension(server, "previewEdits")
        and "edit" in resolve_props
        and bool(_supports(server, "text_document.code_action.data_support"))
    )
    wire_range = range_to_json(selected)
    actions: list[types.CodeAction] = fixes
    personas = offered_personas(server)
    if len(personas) > MENU_AGENTS:
        context = _menu_context(server, uri, selected)
        ranked = rank_personas(personas.values(), context)
        menu = {"uri": uri, "range": wire_range, "version": document.version if document else None}
        if scope is not None:
            menu["scope"] = scope
        return actions + [
            entry for p in ranked if (entry := _agent_entry(server, p.name, only, menu, scope))
        ]
    for name in sorted(personas):
        for action in actions_for(name, server.settings.personas.actions):
            if not _wanted(only, action.code_action_kind):
                continue
            args = {
                "uri": uri,
                "range": wire_range,
                "agent": name,
                "action": action.id,
                "version": document.version if document else None,
            }
            title = f"{name}: {action.title}"
            if scope is not None:
                args["scope"] = scope
                title += f" · {scope}"
            command = None
            if not (lazy_edits and action.kind == "rewrite"):
                command = types.Command(title=title, command=RUN_COMMAND, arguments=[args])
            actions.append(
                types.CodeAction(
                    title=title,
                    kind=action.code_action_kind,
                    command=command,
                    data={"kind": "persona", **args},
                )
            )
    return actions


def _menu_context(server: AgentLanguageServer, uri: str, selected: types.Range) -> str:
    """Returns what the agents' descriptions are matched against: language, file name, code."""
    document = server.workspace.text_documents.get(uri)
    path = server.path_of(uri)
    language = (document.language_id if document else None) or language_of(path or uri)
    if document is None:
        return f"{language} {uri}"
    index = LineIndex(document.source, server.encoding())
    start = index.offset(selected.start.line, selected.start.character)
    end = index.offset(selected.end.line, selected.end.character)
    return f"{language} {uri} {document.source[start:end]}"


def _agent_entry(
    server: AgentLanguageServer,
    name: str,
    only: list[str] | None,
    menu: dict[str, Any],
    scope: str | None,
) -> types.CodeAction | None:
    """Returns the one code action of agent `name` in a long list ("Ask <agent>…"), None when
    none of its actions is of a kind the client asked for."""
    kinds = [
        a.code_action_kind
        for a in actions_for(name, server.settings.personas.actions)
        if _wanted(only, a.code_action_kind)
    ]
    if not kinds:
        return None
    title = f"Ask {name}…" + (f" · {scope}" if scope else "")
    args = {**menu, "agent": name}
    return types.CodeAction(
        title=title,
        kind=REPORT_KIND if REPORT_KIND in kinds else REWRITE_KIND,
        command=types.Command(title=title, command=CHOOSE_COMMAND, arguments=[args]),
    )


async def choose_and_run(server: AgentLanguageServer, raw: Any) -> Outcome:
    """Asks which of the agent's actions to run (window/showMessageRequest; Neovim shows it with
    vim.ui.select), then runs it (`agentLs.persona.choose`)."""
    try:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("agent"), str):
            raise PersonaError(
                f"{CHOOSE_COMMAND} wants one argument {{uri, range, agent}}", "usage"
            )
        agent = raw["agent"]
        choices = actions_for(agent, server.settings.personas.actions)
        picked = await _ask(
            server,
            types.MessageType.Info,
            f"Ask {agent} to…",
            [a.title for a in choices],
            unanswerable="pick the action from a client that lists every action. Nothing was run.",
        )
    except PersonaError as err:
        _tell(server, err.message, types.MessageType.Error)
        return Outcome("failed", err.message)
    action = next((a for a in choices if a.title == picked), None)
    if action is None:
        return Outcome("declined", "Nothing was run.")
    request = RunRequest.parse({**raw, "action": action.id})
    return await run_persona(server, request, apply=True, progress_token=request.work_done_token)


async def follow_up(server: AgentLanguageServer, raw: Any) -> Outcome:
    """Continues a report's conversation with a question (`agentLs.persona.followUp`,
    `{"report": uri, "question": text}`): the earlier turns are sent again, and the answer is
    appended to the report file, which the editor shows again."""
    progress = _Progress(server, None)
    return await _finished(server, progress, _follow_up(server, raw, progress))


async def _follow_up(server: AgentLanguageServer, raw: Any, progress: _Progress) -> Outcome:
    report_uri = raw.get("report") if isinstance(raw, Mapping) else None
    question = raw.get("question") if isinstance(raw, Mapping) else None
    if not isinstance(report_uri, str) or not isinstance(question, str) or not question.strip():
        raise PersonaError(f"{FOLLOW_UP_COMMAND} wants one argument {{report, question}}", "usage")
    conversation = state_of(server).conversations.get(report_uri)
    if conversation is None:
        raise PersonaError(
            "That report's conversation is not known to this server (it was made before the "
            "server started): run the action again.",
            "usage",
        )
    call = api_settings(server.settings.personas)
    messages = [*conversation.messages, {"role": "user", "content": question.strip()}]
    prompt = dataclasses.replace(conversation.prompt, messages=messages, tool=None, tools=None)
    this = asyncio.current_task()
    await progress.begin(
        conversation.title,
        f"Asking a follow-up of {prompt.model}…",
        on_cancel=this.cancel if this is not None else lambda: None,
    )
    answer = await state_of(server).api.stream(call, prompt, progress.on_text, progress.report)
    said = answer.scrub(answer.text.strip()) or "(no answer)"
    conversation.messages = [*messages, {"role": "assistant", "content": said}]
    asked = answer.scrub(" ".join(question.split()))
    addition = f"\n## Follow-up: {asked}\n\n{said}\n\n_{answer.model} · {usage_line(answer)}_\n"
    await asyncio.to_thread(_append, conversation.path, addition)
    if _supports(server, "window.show_document.support"):
        await server.window_show_document_async(
            types.ShowDocumentParams(uri=report_uri, take_focus=True)
        )
    else:
        _tell(server, f"{conversation.title}: {said[:REPORT_IN_MESSAGE]}", types.MessageType.Info)
    return Outcome("shown", f"{conversation.title}: follow-up answered", document=report_uri)


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


def _cursor_scope(
    server: AgentLanguageServer, uri: str, cursor: types.Position
) -> tuple[types.Range, str] | None:
    """Returns the range and description (e.g. "function f (lines 6-9)") of the function,
    method or class around a bare cursor in an open document; None at the top level."""
    document = server.workspace.text_documents.get(uri)
    if document is None:
        return None
    text = document.source
    index = LineIndex(text, server.encoding())
    language = document.language_id or language_of(server.path_of(uri) or uri)
    scope = enclosing_scope(text, index.offset(cursor.line, cursor.character), language)
    if scope is None:
        return None
    return range_of(index, scope.start, scope.end), scope.describe()


def _finding_fixes(
    server: AgentLanguageServer, params: types.CodeActionParams
) -> list[types.CodeAction]:
    """Returns "Ask <agent> to fix this" for each review finding among the context's diagnostics:
    a rewrite of the finding's lines with the finding as the task (run by the command, so it
    goes through the same confirmation as any rewrite)."""
    uri = params.text_document.uri
    document = server.workspace.text_documents.get(uri)
    fixes = []
    for diagnostic in params.context.diagnostics:
        data = diagnostic.data
        if not isinstance(data, dict) or data.get("kind") != FINDING_DATA:
            continue
        agent, task = str(data.get("agent", "")), str(data.get("task", ""))
        args = {
            "uri": uri,
            "range": range_to_json(  # whole lines
                types.Range(types.Position(diagnostic.range.start.line, 0), diagnostic.range.end)
            ),
            "agent": agent,
            "action": FIX_ACTION,
            "task": task,
            "version": document.version if document else None,
        }
        title = f"Ask {agent} to fix this"
        fixes.append(
            types.CodeAction(
                title=title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                command=types.Command(title=title, command=RUN_COMMAND, arguments=[args]),
            )
        )
    return fixes


# -- review findings on the lines -------------------------------------------------------------


def _keep_findings(
    server: AgentLanguageServer,
    snapshot: Snapshot,
    prepared: PreparedAction,
    found: list[LineFinding],
    report_uri: str | None,
) -> None:
    """Shows a review's findings on the open document's lines (replacing that agent's earlier
    ones there), and has the editor fetch the document's diagnostics again."""
    if snapshot.document is None:
        return
    index = LineIndex(snapshot.text, server.encoding())
    agent = prepared.persona.name
    state = state_of(server)
    kept = [k for k in state.findings.get(snapshot.uri, []) if k.agent != agent]
    for finding in found:
        first, last = finding.first_line - 1, finding.last_line - 1
        lines = snapshot.text[index.line_start(first) : index.line_end(last)]
        kept.append(KeptFinding(agent, finding, first, last, lines, report_uri))
    state.findings[snapshot.uri] = kept
    _republish(server, snapshot.uri)


def finding_diagnostics(server: AgentLanguageServer, uri: str, text: str) -> list[types.Diagnostic]:
    """Returns the diagnostics of the review findings kept on `uri` whose lines still hold the
    text they were reviewed with (the others are dropped for good: an edit touched them)."""
    state = state_of(server)
    kept = state.findings.get(uri)
    if not kept:
        return []
    index = LineIndex(text, server.encoding())
    line_count = text.count("\n") + 1
    still = [
        k
        for k in kept
        if k.last < line_count
        and text[index.line_start(k.first) : index.line_end(k.last)] == k.lines
    ]
    if len(still) != len(kept):
        state.findings[uri] = still
    return [_finding_diagnostic(k, index) for k in still]


def _finding_diagnostic(kept: KeptFinding, index: LineIndex) -> types.Diagnostic:
    finding = kept.finding
    start = index.line_start(kept.first)
    start += len(kept.lines) - len(kept.lines.lstrip())  # from the first non-blank character
    related = None
    if kept.report:
        related = [
            types.DiagnosticRelatedInformation(
                location=types.Location(
                    uri=kept.report, range=types.Range(types.Position(0, 0), types.Position(0, 0))
                ),
                message=f"{kept.agent}'s report",
            )
        ]
    task = f"Fix this problem a review found: {finding.title}"
    if finding.detail:
        task += f"\n\n{finding.detail}"
    return types.Diagnostic(
        range=range_of(index, min(start, index.line_end(kept.last)), index.line_end(kept.last)),
        message=f"{finding.title}\n{finding.detail}".strip(),
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Hint),
        source=kept.agent,
        code=finding.severity,
        related_information=related,
        data={"kind": FINDING_DATA, "agent": kept.agent, "task": task},
    )


def clear_findings(server: AgentLanguageServer, uri: str | None = None) -> int:
    """Forgets the review findings of `uri` (of every document when None); returns how many."""
    findings = state_of(server).findings
    uris = [uri] if uri is not None else list(findings)
    cleared = 0
    for each in uris:
        cleared += len(findings.pop(each, []))
        _republish(server, each)
    return cleared


def _republish(server: AgentLanguageServer, uri: str) -> None:
    """Has the editor show the document's diagnostics anew: published again (push clients), or
    a workspace/diagnostic/refresh (pull clients)."""
    if not server.use_pull:
        if uri in server.workspace.text_documents:
            server.schedule(uri, 0)
        else:
            server.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
            )
    elif _supports(server, "workspace.diagnostics.refresh_support"):
        server.workspace_diagnostic_refresh(None)


def _warm_up(server: AgentLanguageServer) -> None:
    """Starts the SDK's one-time work (about a second) in a daemon thread, once: actions are
    being offered, so a call may follow. Exiting the server never waits for that thread."""
    state = state_of(server)
    if state.warming:
        return
    state.warming = True
    try:
        call: ApiSettings | None = api_settings(server.settings.personas)
    except PersonaError:
        call = None
    thread = threading.Thread(
        target=state.api.warm_up, args=(call,), name="agent-ls-sdk", daemon=True
    )
    thread.start()


def list_personas(server: AgentLanguageServer) -> dict[str, Any]:
    """Returns the agents usable as personas with their actions (`agentLs.persona.list`)."""
    agents = []
    for name, persona in sorted(current_personas(server).items()):
        agents.append(
            {
                "name": name,
                "description": persona.description,
                "model": persona.model,
                "source": "shipped"
                if persona.shipped
                else (from_fs_path(str(persona.path)) if persona.path else None),
                "actions": [
                    {"id": a.id, "title": a.title, "kind": a.kind}
                    for a in actions_for(name, server.settings.personas.actions)
                ],
            }
        )
    return {"agents": agents}


# -- running ----------------------------------------------------------------------------------


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


class _Progress:
    """Work-done progress for one run (silent when the client has none); cancellable."""

    def __init__(self, server: AgentLanguageServer, token: types.ProgressToken | None) -> None:
        self.server = server
        self.token = token
        self.chars = 0
        self.title = ""
        self._last = 0.0
        self._ended = False

    async def begin(self, title: str, message: str, on_cancel: Callable[[], Any]) -> None:
        progress = self.server.work_done_progress
        if self.token is None and _supports(self.server, "window.work_done_progress"):
            token = str(uuid.uuid4())
            try:
                # A client that never answers must not hold the run: go on without progress.
                await asyncio.wait_for(progress.create_async(token), PROGRESS_CREATE_TIMEOUT)
            except Exception as err:  # noqa: BLE001 - a client may refuse: run without progress
                log.info("no progress: window/workDoneProgress/create failed: %s", err)
                return
            self.token = token
        if self.token is None:
            return
        self.title = title
        progress.begin(
            self.token, types.WorkDoneProgressBegin(title=title, message=message, cancellable=True)
        )
        cancelled: Future[Any] = progress.tokens[self.token]
        loop = asyncio.get_running_loop()
        cancelled.add_done_callback(
            lambda f: f.cancelled() and loop.call_soon_threadsafe(on_cancel)
        )

    def report(self, message: str) -> None:
        if self.token is not None and not self._ended:
            self.server.work_done_progress.report(
                self.token, types.WorkDoneProgressReport(message=message)
            )

    def on_text(self, piece: str) -> None:
        self.chars += len(piece)
        now = time.monotonic()
        if now - self._last >= REPORT_INTERVAL:
            self._last = now
            self.report(f"Streaming: {self.chars:,} characters")

    def end(self, message: str) -> None:
        """Ends the progress; a message that repeats the title loses it (editors show both:
        Neovim's `vim.lsp.status()` is "title: message")."""
        if self.title and message.startswith(self.title + ": "):
            message = message[len(self.title) + 2 :]
        if self.token is not None and not self._ended:
            self._ended = True
            self.server.work_done_progress.end(
                self.token, types.WorkDoneProgressEnd(message=message)
            )
            self.server.work_done_progress.tokens.pop(self.token, None)


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
    progress = _Progress(server, progress_token)
    return await _finished(server, progress, _perform(server, request, progress, apply=apply))


async def _finished(
    server: AgentLanguageServer, progress: _Progress, perform: Awaitable[Outcome]
) -> Outcome:
    """Returns the outcome of `perform`, cancelled with the request or the progress, every
    failure turned into an outcome the user is told about; ends the progress."""
    work = asyncio.ensure_future(perform)
    _cancel_with_request(server, work)
    try:
        outcome = await work
    except asyncio.CancelledError:
        progress.end("Cancelled: nothing was applied")
        task = asyncio.current_task()
        if task is not None and getattr(task, "cancelling", lambda: 0)():
            raise
        return Outcome("cancelled", "Cancelled: nothing was applied")
    except PersonaError as err:
        outcome = Outcome("failed", err.message)
    except Exception as err:  # noqa: BLE001 - a bug must still end the progress and be reported
        log.exception("persona action failed")
        outcome = Outcome("failed", f"Internal error: {type(err).__name__}. Nothing was applied.")
    progress.end(outcome.message or outcome.status)
    if outcome.status in ("failed", "stale"):
        _tell(
            server,
            outcome.message,
            types.MessageType.Error if outcome.status == "failed" else types.MessageType.Warning,
        )
    return outcome


def _cancel_with_request(server: AgentLanguageServer, work: asyncio.Future[Any]) -> None:
    """Cancels `work` when the client cancels the request being handled ($/cancelRequest).

    pygls cancels the task of a plain request handler itself, but for workspace/executeCommand it
    only cancels the outer request's future, not the command's own task.
    """
    protocol = server.protocol
    request_future = getattr(protocol, "_request_futures", {}).get(protocol.msg_id)
    if request_future is None:
        return
    loop = asyncio.get_running_loop()
    request_future.add_done_callback(
        lambda f: f.cancelled() and loop.call_soon_threadsafe(work.cancel)
    )


@dataclass(frozen=True)
class Snapshot:
    """The document a run works on: the open instance (None when read from disk), its version
    and its text. An edit is applied only while all three are unchanged."""

    uri: str
    document: Any
    version: int | None
    text: str

    def is_current(self, server: AgentLanguageServer) -> bool:
        """Returns whether the editor's document is still the very one the run was computed on:
        the same open instance (a close and reopen makes a new one, even at the same version),
        the same version and the same text."""
        current = server.workspace.text_documents.get(self.uri)
        if self.document is None:  # read from disk: it must not have been opened meanwhile
            return current is None
        return (
            current is self.document
            and current.version == self.version
            and current.source == self.text
            and not _edit_sent(server, self.uri, current)
        )


async def read_document(server: AgentLanguageServer, uri: str) -> Snapshot:
    """Returns the editor's copy of `uri`, else the saved file read in a worker thread (a bounded,
    non-blocking read: FIFOs, devices and files over READ_LIMIT are refused with PersonaError)."""
    document = server.workspace.text_documents.get(uri)
    if document is not None:
        return Snapshot(uri, document, document.version, document.source)
    path = server.path_of(uri)
    if path is None:
        raise PersonaError(f"Cannot read {uri}: open it in the editor first.", "usage")
    try:
        text = await asyncio.to_thread(_read_saved, path)
    except UnreadableFile as err:
        raise PersonaError(f"Cannot read {path.name}: {err}. Nothing was sent.", "usage") from None
    return Snapshot(uri, None, None, text)


def _read_saved(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError as err:
        raise UnreadableFile(f"cannot read: {err.strerror or err}") from err
    if size > READ_LIMIT:
        raise UnreadableFile(f"{size:,} bytes, over the {READ_LIMIT:,}-byte limit")
    return read_text(path)  # refuses what is not a regular file, without blocking on it


async def _perform(
    server: AgentLanguageServer, request: RunRequest, progress: _Progress, *, apply: bool
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
        file_name=_display_name(server, path, request.uri),
        language=(open_document.language_id if open_document else None)
        or language_of(path or request.uri),
        settings=settings,
        root=server.workspace_root,
    )
    call = api_settings(server.settings.personas)
    if not await _trusted_or_allowed(server, prepared):
        return Outcome("declined", "Nothing was sent: the workspace is not trusted.")
    if prepared.secrets and not await _may_send_secrets(server, prepared):
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
        outcome = await _show_report(server, prepared, markdown, path)
        shown = server.path_of(outcome.document) if outcome.document else None
        if shown is not None:
            said = {"role": "assistant", "content": markdown}
            state_of(server).conversations[outcome.document or ""] = Conversation(
                prepared.prompt, [*prepared.prompt.messages, said], prepared.title, shown
            )
        _keep_findings(
            server, snapshot, prepared, line_findings(prepared, answer), outcome.document
        )
        return outcome
    changes = rewrite_edits(prepared, answer)
    if not await _still_current(server, snapshot):
        return _stale_outcome()
    edit = _workspace_edit(server, snapshot, index, changes)
    if not apply:
        return Outcome("edit", f"{prepared.title}: edit ready", edit=edit)
    if not _supports(server, "workspace.apply_edit"):
        _tell(
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
    if _confirms_here(server):
        progress.report("Waiting for your decision…")
        decided = await _confirm(server, prepared, snapshot, changes)
        if decided is not None:
            return decided
        if not await _still_current(server, snapshot):
            return _stale_outcome()
    previewed = server.settings.personas.confirm == "always" and bool(
        _client_extension(server, "previewEdits")
    )
    progress.report("Showing the change: Apply or Discard" if previewed else "Applying the edit…")
    return await _send_edit(server, snapshot, edit, prepared.title, progress)


async def _still_current(server: AgentLanguageServer, snapshot: Snapshot) -> bool:
    """Returns whether an edit computed on `snapshot` may go out now: the open document is the
    very same (`Snapshot.is_current`); a file read from disk still holds the same text there and
    is still not open (checked last, with no await after it)."""
    if snapshot.document is None:
        try:
            if (await read_document(server, snapshot.uri)).text != snapshot.text:
                return False
        except PersonaError:
            return False
    return snapshot.is_current(server)


def _stale_outcome() -> Outcome:
    return Outcome(
        "stale",
        "The document changed while the agent was working (or was closed and reopened): "
        "nothing was applied. Run the action again.",
    )


async def _send_edit(
    server: AgentLanguageServer,
    snapshot: Snapshot,
    edit: types.WorkspaceEdit,
    title: str,
    progress: _Progress,
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


def _edit_sent(server: AgentLanguageServer, uri: str, document: Any) -> bool:
    """Returns whether an edit computed on `document` as it is now was already sent to the editor
    (its didChange not seen yet); forgets the record once the document has moved on."""
    sent = state_of(server).edits_sent
    record = sent.get(uri)
    if record is None:
        return False
    if record[0] is document and record[1] == document.version:
        return True
    del sent[uri]
    return False


def _confirms_here(server: AgentLanguageServer) -> bool:
    """Whether the server asks before applying: `confirm = always` and the client does not show
    the diff with Apply/Discard itself (the agent-ls VS Code extension does)."""
    return server.settings.personas.confirm == "always" and not _client_extension(
        server, "previewEdits"
    )


async def _confirm(
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
        picked = await _ask(
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
    if _supports(server, "window.show_document.support"):
        shown = await server.window_show_document_async(
            types.ShowDocumentParams(uri=from_fs_path(str(path)) or path.as_uri(), take_focus=True)
        )
        if shown.success:
            return
    server.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=diff))
    _tell(
        server, f"{prepared.title}: the change:\n{diff[:REPORT_IN_MESSAGE]}", types.MessageType.Info
    )


def _client_extension(server: AgentLanguageServer, key: str) -> Any:
    """Returns `key` of the client's `experimental.agentLs` capabilities (None when absent)."""
    experimental = getattr(server.client_capabilities, "experimental", None)
    ours = experimental.get(CLIENT_CAPABILITY) if isinstance(experimental, dict) else None
    return ours.get(key) if isinstance(ours, dict) else None


def workspace_trusted(server: AgentLanguageServer) -> bool:
    """Returns whether the editor trusts the workspace (the last agentLs/workspaceTrust
    notification, else the initialize capability; a client that says nothing trusts it)."""
    trusted = state_of(server).workspace_trusted
    if trusted is None:
        trusted = _client_extension(server, "workspaceTrusted") is not False
    return trusted


async def _trusted_or_allowed(server: AgentLanguageServer, prepared: PreparedAction) -> bool:
    """Returns whether to run: always for the shipped personas and in a trusted workspace; for
    the workspace's own agents in an untrusted one, only on the user's go-ahead."""
    if prepared.persona.shipped or workspace_trusted(server):
        return True
    picked = await _ask(
        server,
        types.MessageType.Warning,
        f"{prepared.title}: this agent comes from a workspace you have not trusted. "
        f"Its instructions and your code ({prepared.file_name}) would go to the API. Run it?",
        [RUN_ANYWAY, "Cancel"],
        unanswerable="trust the workspace to run its agents. Nothing was sent.",
    )
    return picked == RUN_ANYWAY


async def _may_send_secrets(server: AgentLanguageServer, prepared: PreparedAction) -> bool:
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
    picked = await _ask(
        server,
        types.MessageType.Warning,
        f"{prepared.title}: {warning} Send it to the Anthropic API anyway?",
        [SEND_ANYWAY, "Cancel"],
        unanswerable="set agentLs.personas.secrets to decide without a question. Nothing was sent.",
    )
    return picked == SEND_ANYWAY


async def _ask(
    server: AgentLanguageServer,
    kind: types.MessageType,
    message: str,
    choices: list[str],
    *,
    unanswerable: str,
) -> str | None:
    """Returns the title the user picked (window/showMessageRequest), None when dismissed; raises
    PersonaError, saying what to do instead (`unanswerable`), when the editor cannot ask."""
    try:
        answer = await server.window_show_message_request_async(
            types.ShowMessageRequestParams(
                type=kind,
                message=message,
                actions=[types.MessageActionItem(title=c) for c in choices],
            )
        )
    except Exception as err:  # noqa: BLE001 - an editor without showMessageRequest answers an error
        log.info("window/showMessageRequest failed: %s", err)
        raise PersonaError(
            f"The editor cannot ask a question (window/showMessageRequest failed): {unanswerable}",
            "usage",
        ) from None
    return answer.title if answer is not None else None


def _workspace_edit(
    server: AgentLanguageServer, snapshot: Snapshot, index: LineIndex, changes: list[TextChange]
) -> types.WorkspaceEdit:
    """Returns one edit making every change, versioned when the client takes documentChanges."""
    edits = [
        types.TextEdit(range=range_of(index, c.start, c.end), new_text=c.text) for c in changes
    ]
    if not _supports(server, "workspace.workspace_edit.document_changes"):
        return types.WorkspaceEdit(changes={snapshot.uri: list(edits)})
    document = types.OptionalVersionedTextDocumentIdentifier(
        uri=snapshot.uri, version=snapshot.version
    )
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
    )


def _new_output_file(server: AgentLanguageServer, stem: str, suffix: str) -> Path:
    """Returns a new file path in the server's own temporary folder (diffs)."""
    state = state_of(server)
    if state.report_dir is None:
        state.report_dir = Path(tempfile.mkdtemp(prefix="agent-ls-personas-"))
    state.reports += 1
    return state.report_dir / f"{stem}.{state.reports}.{suffix}"


async def _show_report(
    server: AgentLanguageServer, prepared: PreparedAction, markdown: str, source: Path | None
) -> Outcome:
    """Writes the report to a Markdown file the editor opens (else: a message and the log)."""
    stem = source.stem if source else "selection"
    folder = await asyncio.to_thread(_reports_folder, server)
    path = reports.new_report(folder, f"{stem}.{prepared.persona.name}.{prepared.action.id}")
    await asyncio.to_thread(path.write_text, markdown, encoding="utf-8")
    uri = from_fs_path(str(path)) or path.as_uri()
    server.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=markdown))
    if _supports(server, "window.show_document.support"):
        shown = await server.window_show_document_async(
            types.ShowDocumentParams(uri=uri, take_focus=True)
        )
        if shown.success:
            return Outcome("shown", f"{prepared.title}: done", document=uri)
    text = (
        markdown
        if len(markdown) <= REPORT_IN_MESSAGE
        else (
            markdown[:REPORT_IN_MESSAGE] + f"\n\n… (the whole report is in the log and in {path})"
        )
    )
    _tell(server, text, types.MessageType.Info)
    return Outcome("shown", f"{prepared.title}: done", document=uri)


def _reports_folder(server: AgentLanguageServer) -> Path:
    """Returns the folder the workspace's reports are kept in (found once per root; blocking)."""
    state, root = state_of(server), server.workspace_root
    if state.kept_reports is None or state.kept_reports[0] != root:
        state.kept_reports = (root, reports.report_folder(root))
    return state.kept_reports[1]


def list_kept_reports(server: AgentLanguageServer) -> dict[str, Any]:
    """Returns the workspace's kept reports, newest first (`agentLs.persona.reports`)."""
    folder = _reports_folder(server)
    return {
        "folder": from_fs_path(str(folder)),
        "reports": [
            {"uri": from_fs_path(str(p)), "name": p.name} for p in reports.list_reports(folder)
        ],
    }


def _tell(server: AgentLanguageServer, message: str, kind: types.MessageType) -> None:
    """Shows and logs `message`, masking the API key should it ever appear."""
    message = scrub(message, os.environ.get(server.settings.personas.api_key_env))
    server.window_show_message(types.ShowMessageParams(type=kind, message=f"agent-ls: {message}"))
    server.window_log_message(types.LogMessageParams(type=kind, message=f"agent-ls: {message}"))


# -- protocol entry points --------------------------------------------------------------------


async def resolve_persona_action(
    server: AgentLanguageServer, action: types.CodeAction
) -> types.CodeAction:
    """Returns the action with its edit computed (a rewrite), or unchanged (it has a command)."""
    if action.command is not None or action.edit is not None:
        return action
    try:
        request = RunRequest.parse(action.data)
    except PersonaError as err:
        _tell(server, err.message, types.MessageType.Error)
        return action
    outcome = await run_persona(server, request, apply=False)
    if outcome.edit is not None:
        action.edit = outcome.edit
    return action


def on_workspace_trust(server: AgentLanguageServer, params: Any) -> None:
    """Records the trust an `agentLs/workspaceTrust` notification (`{"trusted": bool}`) gives.

    The server registers the notification itself, at start: it may come before any persona
    command has loaded this module."""
    trusted = getattr(params, "trusted", None)
    if isinstance(params, Mapping):
        trusted = params.get("trusted")
    if isinstance(trusted, bool):
        state_of(server).workspace_trusted = trusted


def register(server: AgentLanguageServer) -> None:
    """Registers the persona commands on `server`."""
    state_of(server)

    @server.command(RUN_COMMAND)
    async def run_command(ls: Any, *args: Any) -> dict[str, Any]:
        try:
            request = RunRequest.parse(args[0] if args else None)
        except PersonaError as err:
            _tell(ls, err.message, types.MessageType.Error)
            return Outcome("failed", err.message).as_json()
        outcome = await run_persona(ls, request, apply=True, progress_token=request.work_done_token)
        return outcome.as_json()

    @server.command(LIST_COMMAND)
    def list_command(ls: Any, *args: Any) -> dict[str, Any]:
        return list_personas(ls)

    @server.command(CHOOSE_COMMAND)
    async def choose_command(ls: Any, *args: Any) -> dict[str, Any]:
        return (await choose_and_run(ls, args[0] if args else None)).as_json()

    @server.command(FOLLOW_UP_COMMAND)
    async def follow_up_command(ls: Any, *args: Any) -> dict[str, Any]:
        return (await follow_up(ls, args[0] if args else None)).as_json()

    @server.command(REPORTS_COMMAND)
    async def reports_command(ls: Any, *args: Any) -> dict[str, Any]:
        return await asyncio.to_thread(list_kept_reports, ls)

    @server.command(CLEAR_FINDINGS_COMMAND)
    def clear_findings_command(ls: Any, *args: Any) -> dict[str, Any]:
        """Argument: optionally `{"uri": ...}` (else every document's findings go)."""
        uri = args[0].get("uri") if args and isinstance(args[0], Mapping) else None
        return {"cleared": clear_findings(ls, str(uri) if uri else None)}


# -- small conversions ------------------------------------------------------------------------


def _display_name(server: AgentLanguageServer, path: Path | None, uri: str) -> str:
    if path is None:
        return uri
    root = server.workspace_root
    try:
        return path.relative_to(root).as_posix() if root else path.name
    except ValueError:
        return path.name
