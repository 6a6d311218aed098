"""The registered dialects: a dialect plugs in by one line in `_MODULES` (its module exposes
`DIALECT`). The package (`agent_ls.dialects`) adds the choice of a file's dialect by path; the
plugins dialect looks its components' dialects up here."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from agent_ls.dialects.base import Dialect

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
def all_dialects() -> tuple[Dialect[Any], ...]:
    """Every registered dialect (each module imported once, on first use)."""
    return tuple(importlib.import_module(name).DIALECT for name in _MODULES)


def dialect_named(name: str) -> Dialect[Any] | None:
    """Returns the dialect called `name` (`agents`, `skills`, …), or None."""
    return next((d for d in all_dialects() if d.name == name), None)
