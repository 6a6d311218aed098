"""What Claude Code loads from an agent file it keeps: the name it goes by and the values it
reads. Whether it keeps the file is the dialect's verdict (`AgentsDialect.load`: its rules and
the codes' `dropsFile`), so the loader and the diagnostics cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent_ls.core.frontmatter import MarkdownSource


@dataclass(frozen=True)
class LoadedAgent:
    """What Claude Code loads from an agent file (a `Loaded`)."""

    name: str
    description: str
    model: str | None
    tools: Any
    body: str
    data: dict[str, Any]


def loaded_agent(source: MarkdownSource) -> LoadedAgent:
    """Returns what Claude Code takes from an agent file it loads (the dialect has judged that
    it does: `name` and `description` are there)."""
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
