"""The catalogue of persona actions: what an agent can be asked to do with selected code.

Actions are data. The shipped ones live in `actions.toml` beside this module; a project declares
its own in `.agent-ls.toml` in the same form (`[[personas.actions]]`: `agent` — a name or `*` —,
`id`, `title`, `kind` report|rewrite, `task`, optional `model`). Every agent gets the shipped
general actions (`agent = "*"`), or its own set when it has one; a project's actions for the
agent (or for `*`) come after them, and one with the id of an action it already has replaces it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

ActionKind = Literal["report", "rewrite"]

REWRITE_KIND = "refactor.rewrite.agentLs.persona"
REPORT_KIND = "refactor.agentLs.persona"
SHIPPED_ACTIONS = Path(__file__).with_name("actions.toml")
ANY_AGENT = "*"


@dataclass(frozen=True)
class PersonaAction:
    """One thing an agent can be asked to do: a report (shown) or a rewrite (applied as an edit)."""

    id: str
    title: str
    kind: ActionKind
    task: str
    """The instruction sent to the model, after the code."""
    agent: str = ANY_AGENT
    """The agent it is offered for (`*`: every agent)."""
    model: str = ""
    """The model (alias or ID) it runs on instead of the agent's; empty: the agent's."""

    @property
    def code_action_kind(self) -> str:
        return REWRITE_KIND if self.kind == "rewrite" else REPORT_KIND


def actions_from_data(rows: Any) -> tuple[tuple[PersonaAction, ...], list[str]]:
    """Returns the actions of a list of `[[actions]]` tables, and one message per table that is
    not a valid action (skipped)."""
    if not isinstance(rows, list):
        return (), ["must be a list of tables ([[personas.actions]])"]
    actions: list[PersonaAction] = []
    problems: list[str] = []
    for number, row in enumerate(rows, 1):
        if not isinstance(row, Mapping):
            problems.append(f"entry {number} is not a table")
            continue
        missing = [k for k in ("agent", "id", "title", "kind", "task") if not _text(row.get(k))]
        wrong = [k for k in ("agent", "id", "title", "kind", "task", "model") if k in row]
        wrong = [k for k in wrong if not isinstance(row[k], str)]
        unknown = sorted(set(row) - {"agent", "id", "title", "kind", "task", "model"})
        kind = row.get("kind")
        if missing or wrong or kind not in ("report", "rewrite") or unknown:
            why = (
                f"{', '.join(missing)} missing"
                if missing
                else f"{', '.join(wrong)} must be text"
                if wrong
                else f"unknown key {', '.join(unknown)}"
                if unknown
                else f"kind {kind!r} is not report or rewrite"
            )
            problems.append(f"entry {number} ({row.get('id', '?')}) is skipped: {why}")
            continue
        actions.append(
            PersonaAction(
                str(row["id"]).strip(),
                str(row["title"]).strip(),
                "rewrite" if kind == "rewrite" else "report",
                str(row["task"]).strip(),
                str(row["agent"]).strip(),
                str(row.get("model", "")).strip(),
            )
        )
    return tuple(actions), problems


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


@cache
def shipped_actions() -> tuple[PersonaAction, ...]:
    """Returns the shipped actions (read once from `actions.toml`)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    data = tomllib.loads(SHIPPED_ACTIONS.read_text("utf-8"))
    actions, problems = actions_from_data(data.get("actions"))
    if problems:  # a broken package: fail loudly in the tests, not silently for users
        raise ValueError(f"{SHIPPED_ACTIONS}: {'; '.join(problems)}")
    return actions


def actions_for(
    agent_name: str, project: tuple[PersonaAction, ...] = ()
) -> tuple[PersonaAction, ...]:
    """Returns the actions offered for the agent called `agent_name`, in menu order (`project`:
    the actions the project declares)."""
    shipped = shipped_actions()
    own = [a for a in shipped if a.agent == agent_name]
    offered = {a.id: a for a in own or [a for a in shipped if a.agent == ANY_AGENT]}
    for action in project:
        if action.agent in (agent_name, ANY_AGENT):
            offered[action.id] = action
    return tuple(offered.values())


def find_action(
    agent_name: str, action_id: str, project: tuple[PersonaAction, ...] = ()
) -> PersonaAction | None:
    """Returns the action `action_id` of that agent, or None when it has no such action."""
    return next((a for a in actions_for(agent_name, project) if a.id == action_id), None)
