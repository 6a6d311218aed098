"""The persona code actions: one per agent and action, or one "Ask <agent>…" per agent in a long
list (`agentLs.persona.choose` then asks which action); `agentLs.persona.list`."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from agent_ls.core.textindex import LineIndex
from agent_ls.lsp.convert import range_of, range_to_json
from agent_ls.lsp.personas.directory import offered_personas
from agent_ls.lsp.personas.editor import ask, state_of, tell
from agent_ls.lsp.personas.findings import finding_fixes
from agent_ls.lsp.personas.run import RunRequest, run_persona
from agent_ls.lsp.personas.state import CHOOSE_COMMAND, NOT_OFFERED_COMMAND, RUN_COMMAND, Outcome
from agent_ls.personas.actions import REPORT_KIND, REWRITE_KIND, actions_for
from agent_ls.personas.agents import rank_personas
from agent_ls.personas.client import ApiSettings, api_settings
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import language_of
from agent_ls.personas.scope import enclosing_scope

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer


MENU_AGENTS = 3
"""Up to this many agents, each of their actions is a code action; beyond, each agent is one
("Ask <agent>…") whose command asks which of its actions to run."""


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
    fixes = finding_fixes(server, params) if _wanted(only, types.CodeActionKind.QuickFix) else []
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
    lazy_edits = (
        server.settings.personas.confirm == "never"
        and not server.client.previews_edits
        and server.client.code_action_resolves_edit
    )
    wire_range = range_to_json(selected)
    actions: list[types.CodeAction] = fixes
    personas, left_out = offered_personas(server)
    hint = [_not_offered_entry(left_out)] if left_out else []
    if len(personas) > MENU_AGENTS:
        context = _menu_context(server, uri, selected)
        ranked = rank_personas(personas.values(), context)
        menu = {"uri": uri, "range": wire_range, "version": document.version if document else None}
        if scope is not None:
            menu["scope"] = scope
        entries = [e for p in ranked if (e := _agent_entry(server, p.name, only, menu, scope))]
        return actions + entries + hint
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
    return actions + hint


def _not_offered_entry(left_out: list[str]) -> types.CodeAction:
    """Returns the entry that names the agents not offered; picking it shows why for each
    (`agentLs.persona.notOffered`). Not a disabled action: VS Code hides those from the quick-fix
    menu (Ctrl+.) and Neovim shows none, so it would say nothing where the user looks."""
    names = ", ".join(reason.split(": ", 1)[0] for reason in left_out)
    title = f"Not offered: {names}"
    return types.CodeAction(
        title=title,
        kind=REPORT_KIND,
        command=types.Command(title=title, command=NOT_OFFERED_COMMAND, arguments=[]),
    )


def explain_not_offered(server: AgentLanguageServer) -> dict[str, Any]:
    """Shows why agents are not offered (`agentLs.persona.notOffered`); returns the reasons."""
    _, left_out = offered_personas(server)
    if left_out:
        tell(
            server, "Not offered as personas: " + "; ".join(left_out) + ".", types.MessageType.Info
        )
    else:
        tell(server, "Every agent is offered as a persona.", types.MessageType.Info)
    return {"notOffered": left_out}


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
        picked = await ask(
            server,
            types.MessageType.Info,
            f"Ask {agent} to…",
            [a.title for a in choices],
            unanswerable="pick the action from a client that lists every action. Nothing was run.",
        )
    except PersonaError as err:
        tell(server, err.message, types.MessageType.Error)
        return Outcome("failed", err.message)
    action = next((a for a in choices if a.title == picked), None)
    if action is None:
        return Outcome("declined", "Nothing was run.")
    request = RunRequest.parse({**raw, "action": action.id})
    return await run_persona(server, request, apply=True, progress_token=request.work_done_token)


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
    """Returns the agents usable as personas with their actions, and why others are not
    (`agentLs.persona.list`)."""
    agents = []
    personas, left_out = offered_personas(server)
    for name, persona in sorted(personas.items()):
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
    return {"agents": agents, "notOffered": left_out}
