"""A report: written to a Markdown file the editor opens (kept per workspace,
`agentLs.persona.reports`), and its conversation continued (`agentLs.persona.followUp`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from agent_ls.lsp.personas.apply import trusted_or_allowed
from agent_ls.lsp.personas.editor import REPORT_IN_MESSAGE, state_of, tell
from agent_ls.lsp.personas.progress import Progress, finished
from agent_ls.lsp.personas.state import FOLLOW_UP_COMMAND, Outcome
from agent_ls.personas import conversations
from agent_ls.personas import reports as report_files
from agent_ls.personas.client import Answer, api_settings
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import cache_shortfall
from agent_ls.personas.session import PreparedAction, usage_line

if TYPE_CHECKING:
    from agent_ls.lsp.languageserver import AgentLanguageServer

log = logging.getLogger(__name__)


async def show_report(
    server: AgentLanguageServer,
    prepared: PreparedAction,
    answer: Answer,
    markdown: str,
    source: Path | None,
) -> Outcome:
    """Writes the report, and its conversation beside it, to a Markdown file the editor opens
    (else: a message and the log)."""
    stem = source.stem if source else "selection"
    folder = await asyncio.to_thread(_reports_folder, server)
    path = report_files.new_report(folder, f"{stem}.{prepared.persona.name}.{prepared.action.id}")
    await asyncio.to_thread(path.write_text, markdown, encoding="utf-8")
    try:
        conversation = conversations.conversation_of(prepared, answer)
        await asyncio.to_thread(conversations.save, path, conversation, answer)
    except OSError as err:  # the report stands; only its follow-ups are lost
        log.info("the conversation of %s is not kept: %s", path.name, err)
    uri = from_fs_path(str(path)) or path.as_uri()
    server.window_log_message(types.LogMessageParams(type=types.MessageType.Log, message=markdown))
    if server.client.show_document:
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
    tell(server, text, types.MessageType.Info)
    return Outcome("shown", f"{prepared.title}: done", document=uri)


def _reports_folder(server: AgentLanguageServer) -> Path:
    """Returns the folder the workspace's reports are kept in (found once per root; blocking)."""
    state, root = state_of(server), server.workspace_root
    if state.kept_reports is None or state.kept_reports[0] != root:
        state.kept_reports = (root, report_files.report_folder(root))
    return state.kept_reports[1]


def list_kept_reports(server: AgentLanguageServer) -> dict[str, Any]:
    """Returns the workspace's kept reports, newest first (`agentLs.persona.reports`)."""
    folder = _reports_folder(server)
    return {
        "folder": from_fs_path(str(folder)),
        "reports": [
            {"uri": from_fs_path(str(p)), "name": p.name} for p in report_files.list_reports(folder)
        ],
    }


async def follow_up(server: AgentLanguageServer, raw: Any) -> Outcome:
    """Continues a report's conversation with a question (`agentLs.persona.followUp`,
    `{"report": uri, "question": text}`, optionally the client's own progress token
    `workDoneToken`): the earlier turns are sent again, and the answer is appended to the report
    file, which the editor shows again."""
    token = raw.get("workDoneToken") if isinstance(raw, Mapping) else None
    valid = isinstance(token, (str, int)) and not isinstance(token, bool)
    progress = Progress(server, token if valid else None)
    return await finished(server, progress, _follow_up(server, raw, progress))


async def _follow_up(server: AgentLanguageServer, raw: Any, progress: Progress) -> Outcome:
    report_uri = raw.get("report") if isinstance(raw, Mapping) else None
    question = raw.get("question") if isinstance(raw, Mapping) else None
    if not isinstance(report_uri, str) or not isinstance(question, str) or not question.strip():
        raise PersonaError(f"{FOLLOW_UP_COMMAND} wants one argument {{report, question}}", "usage")
    path = server.path_of(report_uri)
    if path is None:
        raise PersonaError(f"{report_uri} is not a report file.", "usage")
    conversation = await asyncio.to_thread(conversations.load, path)
    # The kept file is not proof of where its instructions came from (it may sit in the
    # workspace): only a system prompt a shipped persona builds counts as shipped.
    shipped = conversations.from_shipped(conversation, state_of(server).directory.shipped())
    if not await trusted_or_allowed(server, shipped, conversation.title, conversation.file_name):
        return Outcome("declined", "Nothing was sent: the workspace is not trusted.")
    call = api_settings(server.settings.personas)
    settings = server.settings.personas
    prompt = conversations.follow_up_prompt(
        conversation, question, server.workspace_root, settings.max_turns
    )
    this = asyncio.current_task()
    await progress.begin(
        conversation.title,
        f"Asking a follow-up of {prompt.model}…",
        on_cancel=this.cancel if this is not None else lambda: None,
    )
    answer = await state_of(server).api.stream(call, prompt, progress.on_text, progress.report)
    section = conversations.follow_up_section(conversation, question, answer)
    await asyncio.to_thread(conversations.append, path, section)
    continued = conversations.continued(conversation, answer)
    await asyncio.to_thread(conversations.save, path, continued, answer)
    done = f"{conversation.title}: follow-up answered · {usage_line(answer)}"
    if server.client.show_document:
        await server.window_show_document_async(
            types.ShowDocumentParams(uri=report_uri, take_focus=True)
        )
    else:
        tell(server, f"{conversation.title}: {section[:REPORT_IN_MESSAGE]}", types.MessageType.Info)
    return Outcome("shown", done, document=report_uri)


def note_cache_shortfall(server: AgentLanguageServer, prepared: PreparedAction) -> None:
    """Logs once per agent and model when the persona is too short for the API to cache it."""
    shortfall = cache_shortfall(prepared.prompt)
    key = (prepared.persona.name, prepared.prompt.model)
    state = state_of(server)
    if shortfall is None or key in state.cache_noted:
        return
    state.cache_noted.add(key)
    tokens, minimum = shortfall
    server.window_log_message(
        types.LogMessageParams(
            type=types.MessageType.Info,
            message=f"agent-ls: {prepared.persona.name}'s persona is too short for the prompt "
            f"cache: about {tokens:,} tokens with the tools, under the {minimum:,} "
            f"{prepared.prompt.model} caches, so it is sent in full with every action (the "
            "file's code is still cached once it is long enough).",
        )
    )
