"""The dialects, and the choice of a file's dialect by path.

The registered dialects are `registry.py`'s (a dialect plugs in by one line in its `_MODULES`).
Globs are per dialect, each dialect's defaults extended by the settings (`[globs] <name> =
[...]`; for agents also `agent-globs`); the first dialect whose globs match a path is its
dialect, else a plugin's component folder decides (`plugins.component_dialect`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agent_ls.core.findings import Code
from agent_ls.core.names import DeclaredName
from agent_ls.dialects.base import Dialect
from agent_ls.dialects.extensions import misnamed_dialect
from agent_ls.dialects.plugins import CODES as LAYOUT_CODES
from agent_ls.dialects.plugins import component_dialect
from agent_ls.dialects.registry import all_dialects, dialect_named
from agent_ls.settings import Settings

__all__ = ["all_codes", "all_dialects", "declared_name", "dialect_for", "dialect_named"]


def all_codes() -> dict[str, Code]:
    """Every code of every registered dialect, the plugins' layout codes included, by code."""
    return {code: row for d in all_dialects() for code, row in d.codes.items()} | LAYOUT_CODES


def dialect_for(path: Path, root: Path | None, settings: Settings) -> Dialect[Any] | None:
    """Returns the dialect whose globs match `path` (relative to `root`), else the dialect of a
    file in a plugin's component folder (`plugins.component_dialect`), else that of a file
    Claude Code skips for its extension (`extensions.misnamed_dialect`), or None."""
    dialects = all_dialects()
    for dialect in dialects:
        if dialect.matches(path, root, settings):
            return dialect
    return component_dialect(path) or misnamed_dialect(path, root, settings, dialects)


def declared_name(dialect: Dialect[Any], path: Path, source: Any) -> DeclaredName | None:
    """The name `path` loads under, compared across files: its plugin's prefixed name when a
    dialect whose globs reach into plugins (skills) holds a plugin's file, else its dialect's."""
    in_plugin = component_dialect(path) if dialect.globs_reach_plugins else None
    return (in_plugin or dialect).declared_name(path, source)
