"""YAML values shown and written back as a user writes them: `true`, not Python's `True`;
quoted so that YAML reads the text unchanged."""

from __future__ import annotations

import reprlib
from typing import Any

_SHORT_REPR = reprlib.Repr()  # bounded: at most 4 items a level, 2 levels deep
_SHORT_REPR.maxlevel, _SHORT_REPR.maxlist, _SHORT_REPR.maxdict = 2, 4, 4
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 60


def show(value: Any, limit: int = 60) -> str:
    """Returns a value as the user wrote it in YAML (`true`, not Python's `True`), shortened.

    Bounded work even for an alias bomb (a list that shares itself 9^10 times).
    """
    if isinstance(value, bool) or value is None:
        shown = {True: "true", False: "false", None: ""}[value]
    else:
        shown = value if isinstance(value, str) else _SHORT_REPR.repr(value)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def dropped_value(value: Any) -> str:
    """`the empty value`, or the value in backticks."""
    return "the empty value" if value is None else f"`{show(value)}`"


def describe_type(value: Any) -> str:
    """The YAML type of a value in words: `empty`, `a boolean`, `a number`, `a list`, …"""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "text"


def quote(value: str) -> str:
    """The value as a double-quoted YAML scalar."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
