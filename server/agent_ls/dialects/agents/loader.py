"""What Claude Code loads from an agent file: whether it loads it, under which name, and the
values it reads. The verdict comes from the agents dialect's rules and its table of codes
(`dropsFile`), so the loader and the diagnostics cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_ls.core.frontmatter import MarkdownSource, read_source


@dataclass(frozen=True)
class LoadedAgent:
    """What Claude Code loads from an agent file (a `Loaded`)."""

    name: str
    description: str
    model: str | None
    tools: Any
    body: str
    data: dict[str, Any]


def load_agent(source: MarkdownSource) -> LoadedAgent | None:
    """Returns the agent Claude Code loads from `source`, or None when it drops the file."""
    from agent_ls.dialects.agents import DIALECT

    if DIALECT.drops(DIALECT.check(source, DIALECT.default_context())):
        return None
    data = source.data
    model = data.get("model")
    return LoadedAgent(
        name=str(data["name"]),
        description=str(data["description"]).replace("\\n", "\n"),
        model=model.strip() if isinstance(model, str) else None,
        tools=data.get("tools"),
        body=source.body.strip(),
        data=data,
    )


def read_agent(text: str) -> LoadedAgent | None:
    """Returns the agent Claude Code would load from `text`, or None when it would drop it."""
    return load_agent(read_source(text))
