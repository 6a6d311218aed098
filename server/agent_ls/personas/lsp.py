"""LSP glue for persona actions: listing, resolving and running them, with progress and cancel.

The lead server calls `persona_code_actions` from its codeAction handler (no API call there),
routes `codeAction/resolve` of persona actions to `resolve_persona_action`, and calls
`register` once to add the `agentLs.persona.run` and `agentLs.persona.list` commands.

A run: checks (selection, size, key, credentials) → progress begins → the answer streams (progress
reports a running count) → a rewrite becomes a versioned WorkspaceEdit (returned by resolve, or
sent with workspace/applyEdit by the command), a report becomes a Markdown document the editor
opens. Cancelling the progress or the request stops the stream and applies nothing.
"""

from __future__ import annotations

import asyncio
import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from lsprotocol import types
from pygls.uris import from_fs_path

from agent_ls.lsp.convert import range_from_json, range_of, range_to_json
from agent_ls.personas.actions import REPORT_KIND, REWRITE_KIND, actions_for
from agent_ls.personas.agents import Persona, PersonaDirectory
from agent_ls.personas.client import ApiSettings, MessagesApi, api_settings
from agent_ls.personas.failures import PersonaError, scrub
from agent_ls.personas.prompt import Selection, language_of
from agent_ls.personas.session import PreparedAction, prepare, replacement, report
from agent_ls.textindex import LineIndex
from agent_ls.workspace import is_agent_path

if TYPE_CHECKING:
    from agent_ls.lsp.server import AgentLanguageServer

log = logging.getLogger(__name__)

RUN_COMMAND = "agentLs.persona.run"
LIST_COMMAND = "agentLs.persona.list"
RESCAN_SECONDS = 2.0
"""Agent files on disk are re-globbed (in a worker thread) when the last scan is older than this."""
REPORT_IN_MESSAGE = 4_000
"""Without showDocument, a report up to this long is shown whole in a message (and logged)."""
REPORT_INTERVAL = 0.1
"""Seconds between two progress reports while the answer streams."""
PROGRESS_CREATE_TIMEOUT = 5.0
"""Seconds to wait for the client to accept a progress token (window/workDoneProgress/create)."""
SEND_ANYWAY = "Send anyway"

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


@dataclass
class PersonaState:
    """What persona actions keep on a server."""

    directory: PersonaDirectory = field(default_factory=PersonaDirectory)
    api: MessagesApi = field(default_factory=MessagesApi)
    scanned_for: tuple[Path | None, tuple[str, ...]] | None = None
    rescanning: bool = False
    warming: bool = False
    report_dir: Path | None = None
    reports: int = 0
    edits_sent: dict[str, tuple[Any, int]] = field(default_factory=dict)
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
    globs = tuple(server.settings.agent_globs)
    state.directory.scan(server.workspace_root, globs)
    state.scanned_for = (server.workspace_root, globs)


def current_personas(server: AgentLanguageServer) -> dict[str, Persona]:
    """Returns the personas by name: shipped, then workspace files, then open agent documents."""
    state = state_of(server)
    root, globs = server.workspace_root, tuple(server.settings.agent_globs)
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

    Rewrites are resolved lazily when the client resolves edits; otherwise (and for reports)
    the action carries the `agentLs.persona.run` command.
    """
    selected = params.range
    if selected.start == selected.end:
        return []
    only = [str(k) for k in params.context.only] if params.context.only else None
    if not (_wanted(only, REWRITE_KIND) or _wanted(only, REPORT_KIND)):
        return []
    _warm_up(server)
    uri = params.text_document.uri
    document = server.workspace.text_documents.get(uri)
    resolve_props = _supports(server, "text_document.code_action.resolve_support.properties") or []
    lazy_edits = "edit" in resolve_props and bool(
        _supports(server, "text_document.code_action.data_support")
    )
    wire_range = range_to_json(selected)
    actions: list[types.CodeAction] = []
    for name in sorted(current_personas(server)):
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
    """The arguments of a run: `{"uri", "range", "agent", "action"}` and the listing's `version`."""

    uri: str
    range: types.Range
    agent: str
    action: str
    version: int | None = None

    @staticmethod
    def parse(raw: Any) -> RunRequest:
        if not isinstance(raw, Mapping):
            raise PersonaError(
                f"{RUN_COMMAND} wants one argument {{uri, range, agent, action}}", "usage"
            )
        try:
            version = raw.get("version")
            return RunRequest(
                str(raw["uri"]),
                range_from_json(raw["range"]),
                str(raw["agent"]),
                str(raw["action"]),
                version if isinstance(version, int) else None,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise PersonaError(f"{RUN_COMMAND}: bad argument ({err})", "usage") from None


class _Progress:
    """Work-done progress for one run (silent when the client has none); cancellable."""

    def __init__(self, server: AgentLanguageServer, token: types.ProgressToken | None) -> None:
        self.server = server
        self.token = token
        self.chars = 0
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
    work = asyncio.ensure_future(_perform(server, request, progress, apply=apply))
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


async def _perform(
    server: AgentLanguageServer, request: RunRequest, progress: _Progress, *, apply: bool
) -> Outcome:
    documents = server.workspace.text_documents
    open_document = documents.get(request.uri)
    version = open_document.version if open_document is not None else None
    if request.version is not None and version is not None and request.version != version:
        return Outcome(
            "stale",
            "The document changed since the action was offered: select the code and try again.",
        )
    document = open_document or server.workspace.get_text_document(request.uri)
    try:
        text = document.source
    except OSError as err:
        raise PersonaError(f"Cannot read {request.uri}: {err}", "usage") from None
    index = LineIndex(text, server.encoding())
    start = index.offset(request.range.start.line, request.range.start.character)
    end = index.offset(request.range.end.line, request.range.end.character)
    path = server.path_of(request.uri)
    prepared = prepare(
        current_personas(server),
        request.agent,
        request.action,
        Selection(text, start, end),
        file_name=_display_name(server, path, request.uri),
        language=(open_document.language_id if open_document else None)
        or language_of(path or request.uri),
        settings=server.settings.personas,
        root=server.workspace_root,
    )
    call = api_settings(server.settings.personas)
    if prepared.secrets and not await _may_send_secrets(server, prepared):
        return Outcome("declined", "Nothing was sent.")

    lines = prepared.selection.last_line - prepared.selection.first_line + 1
    this = asyncio.current_task()
    await progress.begin(
        prepared.title,
        f"Sending {lines} line{'s' if lines != 1 else ''} to {prepared.prompt.model}…",
        on_cancel=this.cancel if this is not None else lambda: None,
    )
    api = state_of(server).api
    answer = await api.stream(call, prepared.prompt, progress.on_text, progress.report)

    if prepared.action.kind == "report":
        return await _show_report(server, prepared, report(prepared, answer), path)
    new_text = replacement(prepared, answer)
    current = documents.get(request.uri)
    if version is not None and (
        current is None or current.version != version or _edit_sent(server, request.uri, current)
    ):
        return Outcome(
            "stale",
            "The document changed while the agent was working: nothing was applied. "
            "Run the action again.",
        )
    edit = _workspace_edit(
        server,
        request.uri,
        version,
        range_of(index, start, end),
        new_text,
        prepared.title,
        apply=apply,
    )
    if not apply:
        return Outcome("edit", f"{prepared.title}: edit ready", edit=edit)
    if not _supports(server, "workspace.apply_edit"):
        _tell(
            server,
            f"{prepared.title}: the editor cannot apply edits; the proposed code is in the log.",
            types.MessageType.Warning,
        )
        server.window_log_message(
            types.LogMessageParams(type=types.MessageType.Log, message=new_text)
        )
        return Outcome("failed", "The editor cannot apply edits (workspace/applyEdit).")
    progress.report("Applying the edit…")
    sent = state_of(server).edits_sent
    if current is not None and version is not None:
        sent[request.uri] = (current, version)  # no await since the check above: no race
    applying: asyncio.Future[types.ApplyWorkspaceEditResult] = asyncio.ensure_future(
        server.workspace_apply_edit_async(
            types.ApplyWorkspaceEditParams(edit=edit, label=prepared.title)
        )
    )
    try:
        result = await asyncio.shield(applying)
    except asyncio.CancelledError:
        # The editor has the edit (VS Code may be showing it for review): a cancel cannot take
        # it back, so report what the editor did rather than "nothing was applied".
        progress.end("Too late to cancel: the edit is with the editor, which applies it or not")
        result = await applying
    if not result.applied:
        record = sent.get(request.uri)
        if record is not None and record[0] is current and record[1] == version:
            del sent[request.uri]
        reason = f" ({result.failure_reason})" if result.failure_reason else ""
        return Outcome(
            "stale",
            f"The editor did not apply the edit{reason}: the document probably changed. "
            "Nothing was applied.",
        )
    return Outcome("applied", f"{prepared.title}: applied")


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


async def _may_send_secrets(server: AgentLanguageServer, prepared: PreparedAction) -> bool:
    """Returns whether to send a selection that seems to hold credentials (the secrets setting)."""
    policy = server.settings.personas.secrets
    if policy == "allow":
        return True
    warning = prepared.secrets_warning()
    if policy == "refuse":
        raise PersonaError(
            f"{warning} Not sent (setting agentLs.personas.secrets is refuse).", "usage"
        )
    answer = await server.window_show_message_request_async(
        types.ShowMessageRequestParams(
            type=types.MessageType.Warning,
            message=f"{prepared.title}: {warning} Send it to the Anthropic API anyway?",
            actions=[
                types.MessageActionItem(title=SEND_ANYWAY),
                types.MessageActionItem(title="Cancel"),
            ],
        )
    )
    return answer is not None and answer.title == SEND_ANYWAY


def _workspace_edit(
    server: AgentLanguageServer,
    uri: str,
    version: int | None,
    where: types.Range,
    new_text: str,
    label: str,
    *,
    apply: bool,
) -> types.WorkspaceEdit:
    """Returns a versioned edit replacing exactly `where`, marked for confirmation when possible."""
    if not _supports(server, "workspace.workspace_edit.document_changes"):
        return types.WorkspaceEdit(changes={uri: [types.TextEdit(range=where, new_text=new_text)]})
    annotated = (
        _supports(server, "workspace.workspace_edit.change_annotation_support") is not None
        if apply
        else bool(_supports(server, "text_document.code_action.honors_change_annotations"))
    )
    annotation_id = f"agentLs.persona.{uuid.uuid4().hex[:8]}"
    edit: types.TextEdit | types.AnnotatedTextEdit = (
        types.AnnotatedTextEdit(range=where, new_text=new_text, annotation_id=annotation_id)
        if annotated
        else types.TextEdit(range=where, new_text=new_text)
    )
    document_edit = types.TextDocumentEdit(
        text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
        edits=[edit],
    )
    annotations = (
        {
            annotation_id: types.ChangeAnnotation(
                label=label,
                needs_confirmation=True,
                description="Code written by an AI agent: review it before applying.",
            )
        }
        if annotated
        else None
    )
    return types.WorkspaceEdit(document_changes=[document_edit], change_annotations=annotations)


async def _show_report(
    server: AgentLanguageServer, prepared: PreparedAction, markdown: str, source: Path | None
) -> Outcome:
    """Writes the report to a Markdown file the editor opens (else: a message and the log)."""
    state = state_of(server)
    if state.report_dir is None:
        state.report_dir = Path(tempfile.mkdtemp(prefix="agent-ls-personas-"))
    state.reports += 1
    stem = source.stem if source else "selection"
    path = (
        state.report_dir / f"{stem}.{prepared.persona.name}.{prepared.action.id}.{state.reports}.md"
    )
    path.write_text(markdown, encoding="utf-8")
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
        outcome = await run_persona(ls, request, apply=True)
        return outcome.as_json()

    @server.command(LIST_COMMAND)
    def list_command(ls: Any, *args: Any) -> dict[str, Any]:
        return list_personas(ls)


# -- small conversions ------------------------------------------------------------------------


def _display_name(server: AgentLanguageServer, path: Path | None, uri: str) -> str:
    if path is None:
        return uri
    root = server.workspace_root
    try:
        return path.relative_to(root).as_posix() if root else path.name
    except ValueError:
        return path.name
