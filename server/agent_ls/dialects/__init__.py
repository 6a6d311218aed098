"""The registry of dialects, and the choice of a file's dialect by path.

A dialect plugs in by one line in `_MODULES` (its module exposes `DIALECT`). Globs are per
dialect, each dialect's defaults extended by the settings (`[globs] <name> = [...]`; for agents
also `agent-globs`); the first dialect whose globs match a path is its dialect.
"""

from __future__ import annotations

import functools
import importlib
from pathlib import Path

from agent_ls.core.findings import Code
from agent_ls.dialects.base import Dialect
from agent_ls.dialects.extensions import misnamed_dialect
from agent_ls.settings import Settings

_MODULES = (
    "agent_ls.dialects.agents",
    "agent_ls.dialects.skills",
    "agent_ls.dialects.commands",
    "agent_ls.dialects.settings",
    "agent_ls.dialects.output_styles",
    "agent_ls.dialects.mcp",
    "agent_ls.dialects.plugin_manifest",
    "agent_ls.dialects.marketplace",
)
"""Every dialect's module, in the order their globs are tried (the most specific first)."""


@functools.cache
def all_dialects() -> tuple[Dialect, ...]:
    """Every registered dialect (each module imported once, on first use)."""
    return tuple(importlib.import_module(name).DIALECT for name in _MODULES)


def all_codes() -> dict[str, Code]:
    """Every code of every registered dialect, the plugins' layout codes included, by code."""
    from agent_ls.dialects.plugins import CODES as LAYOUT_CODES

    return {code: row for d in all_dialects() for code, row in d.codes.items()} | LAYOUT_CODES


def dialect_named(name: str) -> Dialect | None:
    """Returns the dialect called `name` (`agents`, `skills`, …), or None."""
    return next((d for d in all_dialects() if d.name == name), None)


def dialect_for(path: Path, root: Path | None, settings: Settings) -> Dialect | None:
    """Returns the dialect whose globs match `path` (relative to `root`), else the dialect of a
    file in a plugin's component folder (`plugins.component_dialect`), else that of a file
    Claude Code skips for its extension (`extensions.misnamed_dialect`), or None."""
    dialects = all_dialects()
    for dialect in dialects:
        if dialect.matches(path, root, settings):
            return dialect
    from agent_ls.dialects.plugins import component_dialect

    return component_dialect(path) or misnamed_dialect(path, root, settings, dialects)
