"""The catalogue of persona actions: what an agent can be asked to do with selected code.

Every agent gets the general actions; an agent with a set of its own (designed from its working
style) gets that set instead. Adding an action means adding a row here, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActionKind = Literal["report", "rewrite"]

REWRITE_KIND = "refactor.rewrite.agentLs.persona"
REPORT_KIND = "refactor.agentLs.persona"


@dataclass(frozen=True)
class PersonaAction:
    """One thing an agent can be asked to do: a report (shown) or a rewrite (applied as an edit)."""

    id: str
    title: str
    kind: ActionKind
    task: str
    """The instruction sent to the model, after the code."""

    @property
    def code_action_kind(self) -> str:
        return REWRITE_KIND if self.kind == "rewrite" else REPORT_KIND


REVIEW = PersonaAction(
    "review",
    "review",
    "report",
    "Review the selected code from your point of view. Lead with the most serious problems: "
    "contracts and interfaces, data integrity, failure cases (what could go wrong?), validation of "
    "untrusted input, logging, security. For each finding name the line, say what breaks and how, "
    "and show the fix. Say briefly what is already good. No preamble.",
)
EXPLAIN = PersonaAction(
    "explain",
    "explain",
    "report",
    "Explain the selected code to a developer who has to change it: what it does, how data flows "
    "through it, what it depends on, the contracts it assumes, and how it behaves when something "
    "fails. Refer to lines by number. No preamble.",
)
IMPROVE = PersonaAction(
    "improve",
    "improve",
    "rewrite",
    "Rewrite the selected code the way you would write it, applying your expertise. Keep its "
    "behaviour and its interface unless they are wrong.",
)

BACKEND_ACTIONS = (
    REVIEW,
    EXPLAIN,
    PersonaAction(
        "failure-modes",
        "what could go wrong?",
        "report",
        "List what could go wrong with the selected code in production: slow or unavailable "
        "dependencies, invalid or hostile input, concurrent updates, partial failures, "
        "retries that duplicate work, resource leaks, missing timeouts. For each: the trigger, "
        "the consequence, the line, and the fix. Most likely and most damaging first. No preamble.",
    ),
    PersonaAction(
        "harden",
        "harden error handling",
        "rewrite",
        "Rewrite the selected code so it handles the unhappy path: every call that can fail is "
        "handled or propagated deliberately, external calls have timeouts, retries (if any) back "
        "off and are safe to repeat, errors carry context and are never swallowed, resources are "
        "released. Keep the happy-path behaviour and the interface unchanged.",
    ),
    PersonaAction(
        "validate",
        "validate input at boundaries",
        "rewrite",
        "Rewrite the selected code so every piece of external input (request data, parameters, "
        "environment, files, third-party responses) is validated and normalised where it enters, "
        "with clear errors for invalid input, using the validation style the surrounding code "
        "already uses. Keep the interface unchanged.",
    ),
    PersonaAction(
        "log",
        "add structured logging",
        "rewrite",
        "Rewrite the selected code to log with structured, queryable fields: consistent field "
        "names, request or correlation IDs where available, context with errors (not only the "
        "message), external calls with their outcome and duration. Use the logging library the "
        "surrounding code uses. Never log secrets or personal data.",
    ),
)

GENERAL_ACTIONS = (REVIEW, EXPLAIN, IMPROVE)

OWN_ACTIONS: dict[str, tuple[PersonaAction, ...]] = {"backend-engineer": BACKEND_ACTIONS}


def actions_for(agent_name: str) -> tuple[PersonaAction, ...]:
    """Returns the actions offered for the agent called `agent_name`, in menu order."""
    return OWN_ACTIONS.get(agent_name, GENERAL_ACTIONS)


def find_action(agent_name: str, action_id: str) -> PersonaAction | None:
    """Returns the action `action_id` of that agent, or None when it has no such action."""
    return next((a for a in actions_for(agent_name) if a.id == action_id), None)
