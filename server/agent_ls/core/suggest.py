"""The nearest of a set of names to a misspelt one: the "did you mean" of every dialect."""

from __future__ import annotations

import functools
from typing import Any


def suggest(word: str, candidates: list[str] | dict[str, Any], cutoff: float = 0.6) -> str | None:
    """Returns the candidate closest to `word` (case-insensitive match first), or None."""
    return _suggest(word, tuple(candidates), cutoff)


@functools.lru_cache(maxsize=1024)
def _suggest(word: str, names: tuple[str, ...], cutoff: float) -> str | None:
    """`suggest`, remembered: the same misspellings come back file after file (`check` over a
    folder, keystrokes in the server), each against the same names."""
    lowered = {c.lower(): c for c in names}
    if word.lower() in lowered:
        return lowered[word.lower()]
    squashed = {c.lower().replace("-", "").replace("_", ""): c for c in names}
    key = word.lower().replace("-", "").replace("_", "")
    if key in squashed:
        return squashed[key]
    import difflib  # only for a near miss: not on the way to a server's first answer

    close = difflib.get_close_matches(word.lower(), tuple(lowered), n=1, cutoff=cutoff)
    return None if not close else lowered[close[0]]
