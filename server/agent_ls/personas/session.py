"""One persona action from request to result, without the protocol: shared by server and CLI.

`prepare` checks the request, scans everything that would be sent for credentials (redacting
the context's under `secrets = redact`) and builds the prompt (no I/O); `rewrite_edits` and
`report` turn the answer into what the user gets. Failures are PersonaErrors with a message for
the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent_ls.personas import failures
from agent_ls.personas.actions import PersonaAction, actions_for, find_action
from agent_ls.personas.agents import Persona
from agent_ls.personas.answer import TextChange, Unusable, code_from_text, code_from_tool, place
from agent_ls.personas.client import Answer
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import (
    REPORT_TOOL,
    REWRITE_TOOL,
    PromptRequest,
    Selection,
    SelectionTooLarge,
    build_prompt,
    context_window,
)
from agent_ls.personas.secrets import SecretFinding, describe_secrets, find_secrets_in, redact
from agent_ls.personas.tools import workspace_tools
from agent_ls.settings import PersonaSettings

__all__ = [
    "LineFinding",
    "PreparedAction",
    "TextChange",
    "line_findings",
    "prepare",
    "refused_model",
    "report",
    "rewrite_edits",
]


@dataclass(frozen=True)
class PreparedAction:
    """A checked request, ready to send."""

    persona: Persona
    action: PersonaAction
    selection: Selection
    prompt: PromptRequest
    file_name: str
    secrets: list[SecretFinding]
    """Every likely credential in what will be sent (after redaction, when the policy is
    redact): 0-based file lines."""
    language: str = "text"
    policy: str = "ask"
    """The secrets policy it was prepared under."""
    redacted: int = 0
    """How many secrets of the context were replaced by placeholders."""

    @property
    def title(self) -> str:
        return f"{self.persona.name}: {self.action.title}"

    def secrets_warning(self) -> str:
        """Returns the sentence naming the credentials found (empty when none)."""
        if not self.secrets:
            return ""
        found = describe_secrets(self.secrets)
        where = {f.where for f in self.secrets}
        part = "The selection" if where == {"selection"} else "What would be sent"
        sentence = f"{part} looks like it holds {found}."
        if self.policy == "redact":
            sentence += (
                " Secrets in the context are redacted (secrets = redact), but not those in the "
                "selection: it is the code to work on."
            )
        return sentence


def choose_model(
    persona: Persona, settings: PersonaSettings, action: PersonaAction | None = None
) -> str:
    """Returns the model ID to call: the override, else the action's model, else the agent's,
    else the default."""
    from agent_ls.dialects.agents.catalogue import load_catalogue

    catalogue = load_catalogue()
    wanted = action.model if action is not None else ""
    for value in (settings.model_override, wanted, persona.model or "", settings.default_model):
        resolved = catalogue.resolve_model(value)
        if resolved:
            return resolved
    return settings.default_model


def refused_model(persona: Persona, settings: PersonaSettings) -> str | None:
    """Returns the agent's model when the API would refuse it (an unknown name Claude Code sends
    verbatim, as diagnostic AL501 says), None when it is usable or not used (an override)."""
    from agent_ls.dialects.agents.catalogue import load_catalogue

    if settings.model_override or not isinstance(persona.model, str):
        return None
    model = persona.model.strip()
    return model if load_catalogue().model_kind(model) == "unknown" else None


def prepare(
    personas: Mapping[str, Persona],
    agent: str,
    action_id: str,
    selection: Selection,
    *,
    file_name: str,
    language: str,
    settings: PersonaSettings,
    root: Path | None = None,
) -> PreparedAction:
    """Returns the checked request (with the agent's read-only tools over the workspace `root`,
    when it has any); raises PersonaError (kind usage) for an unknown agent or action, an empty
    selection, or one over the size limit."""
    persona = personas.get(agent)
    if persona is None:
        names = ", ".join(sorted(personas)) or "none"
        raise PersonaError(f"There is no agent called {agent!r}. Agents: {names}.", "usage")
    action = find_action(agent, action_id, settings.actions)
    if action is None:
        ids = ", ".join(a.id for a in actions_for(agent, settings.actions))
        raise PersonaError(f"{agent} has no action {action_id!r}. Its actions: {ids}.", "usage")
    if not selection.selected.strip():
        raise PersonaError("Select the code to work on first: the selection is empty.", "usage")
    before, after = context_window(selection, settings.context_lines)
    first = selection.first_line - 1
    in_before = find_secrets_in(before, "context", first - before.count("\n"))
    ends_line = selection.selected.endswith("\n")
    in_after = find_secrets_in(after, "context", selection.last_line - 1 + ends_line)
    secrets = [
        *find_secrets_in(file_name, "file name", 0),
        *find_secrets_in(selection.selected, "selection", first),
    ]
    redacted = 0
    if settings.secrets == "redact":
        before, after = redact(before, in_before), redact(after, in_after)
        redacted = len(in_before) + len(in_after)
    else:
        secrets += in_before + in_after
    try:
        prompt = build_prompt(
            persona,
            action,
            selection,
            model=choose_model(persona, settings, action),
            max_tokens=settings.max_tokens,
            file_name=file_name,
            language=language,
            context_lines=settings.context_lines,
            max_selection_chars=settings.max_selection_chars,
            context=(before, after),
            tools=workspace_tools(
                root,
                persona.tools,
                persona.disallowed_tools,
                persona.max_turns,
                settings.max_turns,
            ),
        )
    except SelectionTooLarge as err:
        raise PersonaError(str(err), "usage") from None
    found = sorted(secrets, key=lambda f: (f.line, f.kind))
    return PreparedAction(
        persona, action, selection, prompt, file_name, found, language, settings.secrets, redacted
    )


def rewrite_edits(prepared: PreparedAction, answer: Answer) -> list[TextChange]:
    """Returns the changes a rewrite makes to the document, the selection's replacement first
    (then, when the answer needs them, the imports it adds); raises PersonaError when the answer
    was cut off or holds no code that can be placed unambiguously."""
    if answer.stop_reason == "max_tokens":
        raise failures.cut_off(prepared.prompt.max_tokens)
    selection, language = prepared.selection, prepared.language
    tags = prepared.prompt.delimiters
    try:
        if answer.tool is None:
            code = code_from_text(answer.text, language, tags)
        elif answer.tool == REWRITE_TOOL:
            code = code_from_tool(answer.tool_input, language, tags)
        else:
            raise Unusable(f"it calls the tool {answer.tool!r}, not {REWRITE_TOOL}")
        return place(code, selection.text, selection.start, selection.end, language)
    except Unusable as err:
        raise failures.unusable(str(err)) from None


def replacement(prepared: PreparedAction, answer: Answer) -> str:
    """Returns the text to put in place of the selection (the first of `rewrite_edits`)."""
    return rewrite_edits(prepared, answer)[0].text


_SEVERITIES = ("critical", "high", "medium", "low", "info")


def report(prepared: PreparedAction, answer: Answer) -> str:
    """Returns the Markdown document of a review or explanation: the findings of a
    `report_findings` call, each with its exact lines, or a text answer as it came (a cut-off
    answer says so), scrubbed of the call's secrets."""
    first, last = prepared.selection.first_line, prepared.selection.last_line
    parts = [
        f"# {prepared.title}",
        "",
        f"`{prepared.file_name}`, {_lines(first, last)} · {answer.model} · {usage_line(answer)}",
        "",
    ]
    line_count = prepared.selection.text.count("\n") + 1
    parts += answer_markdown(answer, line_count, prepared.language)
    if answer.tool_calls:
        parts += ["", "## Tools used", "", *(f"- {call}" for call in answer.tool_calls)]
    if answer.stop_reason == "max_tokens":
        parts += [
            "",
            f"_(Cut off at {prepared.prompt.max_tokens:,} tokens: "
            "setting agentLs.personas.maxTokens.)_",
        ]
    return answer.scrub("\n".join(parts).rstrip("\n") + "\n")


def usage_line(answer: Answer) -> str:
    """Returns the tokens a run used, e.g. "1,200 in, 300 out, 0 cache read, 800 cache write"."""
    usage = answer.usage
    return (
        f"{usage.get('input_tokens', 0):,} in, {usage.get('output_tokens', 0):,} out, "
        f"{usage.get('cache_read_input_tokens', 0):,} cache read, "
        f"{usage.get('cache_creation_input_tokens', 0):,} cache write tokens"
    )


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


def answer_markdown(answer: Answer, line_count: int, language: str) -> list[str]:
    """Returns the Markdown lines of a report's answer: its report_findings call (line
    references checked against the file's `line_count`), else its text as it came."""
    if answer.tool == REPORT_TOOL and isinstance(answer.tool_input, dict):
        return _findings(answer.tool_input, line_count, language)
    return [answer.text.strip()]


def _findings(data: dict[str, Any], line_count: int, language: str) -> list[str]:
    """Returns the Markdown lines of a report_findings call; line references are checked
    against the file (one outside it is said to be)."""
    parts: list[str] = []
    summary = data.get("summary")
    if isinstance(summary, str) and summary.strip():
        parts += [summary.strip(), ""]
    findings = data.get("findings")
    findings = [f for f in findings if isinstance(f, dict)] if isinstance(findings, list) else []
    for number, finding in enumerate(findings, 1):
        severity = str(finding.get("severity", "")).lower()
        title = " ".join(str(finding.get("title", "")).split()) or "(untitled)"
        label = f" · {severity}" if severity in _SEVERITIES else ""
        parts += [f"## {number}. {title}{label} · {_where(finding, line_count)}", ""]
        detail = finding.get("detail")
        if isinstance(detail, str) and detail.strip():
            parts += [detail.strip(), ""]
        suggestion = finding.get("suggestion")
        if isinstance(suggestion, str) and suggestion.strip():
            fence = "`" * max(3, _longest_backticks(suggestion) + 1)
            parts += [
                "Suggested change:",
                "",
                f"{fence}{language}",
                suggestion.strip("\n"),
                fence,
                "",
            ]
    if not findings:
        parts.append("No findings.")
    return parts


@dataclass(frozen=True)
class LineFinding:
    """One finding of a report_findings call on lines of the file (1-based, inclusive)."""

    first_line: int
    last_line: int
    severity: str
    title: str
    detail: str


def line_findings(prepared: PreparedAction, answer: Answer) -> list[LineFinding]:
    """Returns the findings of a report_findings answer that name lines of the file (one without
    lines, or with lines outside the file, stays in the report only)."""
    if answer.tool != REPORT_TOOL or not isinstance(answer.tool_input, dict):
        return []
    findings = answer.tool_input.get("findings")
    line_count = prepared.selection.text.count("\n") + 1
    found = []
    for finding in findings if isinstance(findings, list) else []:
        if not isinstance(finding, dict) or _where(finding, line_count) == "no line given":
            continue
        start, end = finding["start_line"], finding.get("end_line", finding["start_line"])
        first, last = min(start, end), max(start, end)
        if first < 1 or last > line_count:
            continue
        severity = str(finding.get("severity", "")).lower()
        found.append(
            LineFinding(
                first,
                last,
                severity if severity in _SEVERITIES else "info",
                answer.scrub(" ".join(str(finding.get("title", "")).split()) or "(untitled)"),
                answer.scrub(str(finding.get("detail", "")).strip()),
            )
        )
    return found


def _where(finding: dict[str, Any], line_count: int) -> str:
    start, end = finding.get("start_line"), finding.get("end_line", finding.get("start_line"))
    if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
        return "no line given"
    start, end = min(start, end), max(start, end)
    if start < 1 or end > line_count:
        return f"{_lines(start, end)} (not in the file, which has {line_count} lines)"
    return _lines(start, end)


def _longest_backticks(text: str) -> int:
    run = longest = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    return longest
