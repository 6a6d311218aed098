"""A report's conversation, kept beside the report so that a follow-up outlives the server.

`<report>.conversation.json` holds every turn sent and received (the agent's tool_use and
tool_result turns included) with what is needed to send them again: model, system prompt, the
answer tool, which read-only tools the agent had, the file's line count. What is written passes
through the secrets guard: the key and the base URL's credentials are scrubbed, and anything
that looks like a credential is replaced by a placeholder. A follow-up sends the same tools,
system prompt and turns (the same prefix, read from the prompt cache), then the question, and
its answer is appended to the report. Pure but for reading and writing those two files.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from agent_ls.personas.agents import Persona
from agent_ls.personas.client import Answer
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import CACHE, REPORT_TOOL, PromptRequest, system_blocks
from agent_ls.personas.secrets import find_secrets, redact
from agent_ls.personas.session import PreparedAction, answer_markdown, usage_line
from agent_ls.personas.tools import DEFAULT_MAX_TURNS, READ_TOOLS, WorkspaceTools

SUFFIX = ".conversation.json"
FORMAT = 1
"""The version of the file's layout (a file of another version is refused, not misread)."""
SHOWN = "The report was shown to the user, who asks a follow-up question."
"""The tool_result that closes the report's answer tool call before a follow-up question."""
FOLLOW_UP_FORMAT = """\
Answer through the {tool} tool: your answer to the question in its summary (Markdown), and \
findings only for points the report did not make, each with its exact lines."""


@dataclass(frozen=True)
class Conversation:
    """What a follow-up needs to continue a report's conversation."""

    title: str
    model: str
    max_tokens: int
    system: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    """Every turn, the last the assistant's."""
    file_name: str
    language: str
    line_count: int
    """Lines of the reviewed file (a follow-up's findings are checked against it)."""
    read_tools: list[str]
    """The agent's read-only tools (run again, in the workspace of the follow-up)."""
    other_tools: list[str]
    max_turns: int = DEFAULT_MAX_TURNS
    format: int = FORMAT


def conversation_path(report: Path) -> Path:
    """Returns where the conversation of `report` (a `.md` file) is kept."""
    return report.with_name(report.stem + SUFFIX)


def conversation_of(prepared: PreparedAction, answer: Answer) -> Conversation:
    """Returns the conversation of a report's run (its turns as the answer carries them)."""
    tools = prepared.prompt.tools
    return Conversation(
        title=prepared.title,
        model=prepared.prompt.model,
        max_tokens=prepared.prompt.max_tokens,
        system=prepared.prompt.system,
        messages=list(answer.messages),
        file_name=prepared.file_name,
        language=prepared.language,
        line_count=prepared.selection.text.count("\n") + 1,
        read_tools=list(tools.available) if tools is not None else [],
        other_tools=list(tools.unavailable) if tools is not None else [],
        max_turns=tools.max_turns if tools is not None else DEFAULT_MAX_TURNS,
    )


def _guarded(value: Any, answer: Answer) -> Any:
    """Returns `value` with every string scrubbed of the call's secrets and credentials."""
    if isinstance(value, str):
        return answer.scrub(redact(value, find_secrets(value)))
    if isinstance(value, list):
        return [_guarded(v, answer) for v in value]
    if isinstance(value, dict):
        return {k: _guarded(v, answer) for k, v in value.items()}
    return value


def save(report: Path, conversation: Conversation, answer: Answer) -> Path:
    """Writes the conversation beside `report`, secrets guarded, in one step (a temporary file,
    then a rename); returns its path. Raises OSError."""
    path = conversation_path(report)
    data = _guarded(asdict(conversation), answer)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load(report: Path) -> Conversation:
    """Returns the conversation kept beside `report`; raises PersonaError (usage) saying why
    there is none."""
    path = conversation_path(report)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise PersonaError(
            f"No conversation is kept beside {report.name} (a report of an older agent-ls, or "
            f"{path.name} was removed): run the action again.",
            "usage",
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise PersonaError(
            f"Cannot read {path.name}: {err}. Run the action again.", "usage"
        ) from None
    try:
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, not {FORMAT}")
        conversation = Conversation(**data)
        if not conversation.messages or conversation.messages[-1].get("role") != "assistant":
            raise ValueError("it does not end with the agent's answer")
    except (AttributeError, TypeError, ValueError) as err:
        raise PersonaError(
            f"{path.name} is not usable ({err}): run the action again.", "usage"
        ) from None
    return conversation


def from_shipped(conversation: Conversation, shipped: Iterable[Persona]) -> bool:
    """Whether the conversation's system prompt is exactly one a shipped persona builds (then a
    follow-up sends nothing of the workspace's agents)."""
    return any(conversation.system == system_blocks(persona) for persona in shipped)


def follow_up_prompt(
    conversation: Conversation, question: str, root: Path | None, default_max_turns: int
) -> PromptRequest:
    """Returns the request of a follow-up: the same system prompt, tools and earlier turns
    (marked as a cached prefix), the report's answer-tool call closed by a tool_result, then the
    question; the agent's read-only tools run in the workspace `root` (None: none)."""
    last = conversation.messages[-1]
    content = last["content"] if isinstance(last["content"], list) else []
    closing: list[dict[str, Any]] = [
        {"type": "tool_result", "tool_use_id": block["id"], "content": SHOWN}
        for block in content
        if isinstance(block, dict) and block.get("type") == "tool_use" and "id" in block
    ]
    ask = f"Follow-up question: {question.strip()}\n\n{FOLLOW_UP_FORMAT.format(tool=REPORT_TOOL)}"
    kept = [_unmarked(m) for m in conversation.messages]
    earlier = [*kept[:-1], _marked(kept[-1])]
    messages = [*earlier, {"role": "user", "content": [*closing, {"type": "text", "text": ask}]}]
    read = tuple(n for n in READ_TOOLS if n in conversation.read_tools)
    tools = None
    if root is not None and read:
        turns = conversation.max_turns if conversation.max_turns > 0 else default_max_turns
        tools = WorkspaceTools(root.resolve(), read, tuple(conversation.other_tools), turns)
    return PromptRequest(
        model=conversation.model,
        max_tokens=conversation.max_tokens,
        system=conversation.system,
        messages=messages,
        tool=REPORT_TOOL,
        tools=tools,
    )


def _unmarked(message: dict[str, Any]) -> dict[str, Any]:
    """Returns the message without cache breakpoints (a follow-up sets its own: at most the
    API's four in all)."""
    content = message.get("content")
    if not isinstance(content, list):
        return message
    blocks = [
        {k: v for k, v in b.items() if k != "cache_control"} if isinstance(b, dict) else b
        for b in content
    ]
    return {**message, "content": blocks}


def _marked(message: dict[str, Any]) -> dict[str, Any]:
    """Returns the message with a cache breakpoint on its last block (the earlier turns end)."""
    content = message["content"]
    blocks = [{"type": "text", "text": content}] if isinstance(content, str) else list(content)
    if blocks:
        blocks[-1] = {**blocks[-1], "cache_control": CACHE}
    return {**message, "content": blocks}


def follow_up_section(conversation: Conversation, question: str, answer: Answer) -> str:
    """Returns the Markdown appended to the report: the question, the answer (findings checked
    against the file), the tools it used and its usage, scrubbed of the call's secrets."""
    asked = " ".join(question.split())
    parts = [
        "",
        f"## Follow-up: {asked}",
        "",
        *answer_markdown(answer, conversation.line_count, conversation.language),
    ]
    if answer.tool_calls:
        parts += ["", "Tools used:", "", *(f"- {call}" for call in answer.tool_calls)]
    parts += ["", f"_{answer.model} · {usage_line(answer)}_"]
    return answer.scrub("\n".join(parts) + "\n")


def continued(conversation: Conversation, answer: Answer) -> Conversation:
    """Returns the conversation with the follow-up's turns (the question and its answer)."""
    return Conversation(**{**asdict(conversation), "messages": list(answer.messages)})


def append(report: Path, text: str) -> None:
    """Appends `text` to the report file."""
    with report.open("a", encoding="utf-8") as out:
        out.write(text)
