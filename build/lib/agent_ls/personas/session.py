"""One persona action from request to result, without the protocol: shared by server and CLI.

`prepare` checks the request and builds the prompt (no I/O); `replacement` and `report` turn the
answer into what the user gets. Failures are PersonaErrors with a message for the user.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from agent_ls.personas import failures
from agent_ls.personas.actions import PersonaAction, actions_for, find_action
from agent_ls.personas.agents import Persona
from agent_ls.personas.answer import extract_code, fit_replacement
from agent_ls.personas.client import Answer
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import PromptRequest, Selection, SelectionTooLarge, build_prompt
from agent_ls.personas.secrets import SecretFinding, describe_secrets, find_secrets
from agent_ls.settings import PersonaSettings


@dataclass(frozen=True)
class PreparedAction:
    """A checked request, ready to send."""

    persona: Persona
    action: PersonaAction
    selection: Selection
    prompt: PromptRequest
    file_name: str
    secrets: list[SecretFinding]

    @property
    def title(self) -> str:
        return f"{self.persona.name}: {self.action.title}"

    def secrets_warning(self) -> str:
        """Returns the sentence naming the credentials found (empty when none)."""
        if not self.secrets:
            return ""
        found = describe_secrets(self.secrets, self.selection.first_line)
        return f"The selection looks like it holds {found}."


def choose_model(persona: Persona, settings: PersonaSettings) -> str:
    """Returns the model ID to call: the override, else the agent's model, else the default."""
    from agent_ls.catalogue import load_catalogue

    catalogue = load_catalogue()
    for value in (settings.model_override, persona.model or "", settings.default_model):
        resolved = catalogue.resolve_model(value)
        if resolved:
            return resolved
    return settings.default_model


def prepare(
    personas: Mapping[str, Persona],
    agent: str,
    action_id: str,
    selection: Selection,
    *,
    file_name: str,
    language: str,
    settings: PersonaSettings,
) -> PreparedAction:
    """Returns the checked request; raises PersonaError (kind usage) for an unknown agent or
    action, an empty selection, or one over the size limit."""
    persona = personas.get(agent)
    if persona is None:
        names = ", ".join(sorted(personas)) or "none"
        raise PersonaError(f"There is no agent called {agent!r}. Agents: {names}.", "usage")
    action = find_action(agent, action_id)
    if action is None:
        ids = ", ".join(a.id for a in actions_for(agent))
        raise PersonaError(f"{agent} has no action {action_id!r}. Its actions: {ids}.", "usage")
    if not selection.selected.strip():
        raise PersonaError("Select the code to work on first: the selection is empty.", "usage")
    try:
        prompt = build_prompt(
            persona,
            action,
            selection,
            model=choose_model(persona, settings),
            max_tokens=settings.max_tokens,
            file_name=file_name,
            language=language,
            context_lines=settings.context_lines,
            max_selection_chars=settings.max_selection_chars,
        )
    except SelectionTooLarge as err:
        raise PersonaError(str(err), "usage") from None
    return PreparedAction(
        persona, action, selection, prompt, file_name, find_secrets(selection.selected)
    )


@dataclass(frozen=True)
class TextChange:
    """Replace `text[start:end]` of the document the action was prepared on with `text`."""

    start: int
    end: int
    text: str


def rewrite_edits(prepared: PreparedAction, answer: Answer) -> list[TextChange]:
    """Returns the changes a rewrite makes to the document, the selection's replacement first
    (then, when the answer needs them, the imports it adds); raises PersonaError when the answer
    holds no code that can be placed unambiguously."""
    selection = prepared.selection
    return [TextChange(selection.start, selection.end, replacement(prepared, answer))]


def replacement(prepared: PreparedAction, answer: Answer) -> str:
    """Returns the text to put in place of the selection; raises PersonaError when the answer
    was cut off or holds no code."""
    if answer.stop_reason == "max_tokens":
        raise failures.cut_off(prepared.prompt.max_tokens)
    code = extract_code(answer.text)
    if code is None:
        raise failures.no_code()
    selection = prepared.selection
    return fit_replacement(code, selection.text, selection.start, selection.end)


def report(prepared: PreparedAction, answer: Answer) -> str:
    """Returns the Markdown document of a review or explanation (a cut-off answer says so)."""
    first, last = prepared.selection.first_line, prepared.selection.last_line
    lines = f"line {first}" if first == last else f"lines {first}-{last}"
    parts = [
        f"# {prepared.title}",
        "",
        f"`{prepared.file_name}`, {lines} · {answer.model}",
        "",
        answer.text.strip(),
    ]
    if answer.stop_reason == "max_tokens":
        parts += [
            "",
            f"_(Cut off at {prepared.prompt.max_tokens:,} tokens: "
            "setting agentLs.personas.maxTokens.)_",
        ]
    return "\n".join(parts) + "\n"
