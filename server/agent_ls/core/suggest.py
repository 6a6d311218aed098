"""The nearest of a set of names to a misspelt one: the "did you mean" of every dialect."""

from __future__ import annotations

import functools
from typing import Any


def suggest(word: str, candidates: list[str] | dict[str, Any], cutoff: float = 0.6) -> str | None:
    """Returns the candidate closest to `word` (case-insensitive match first), or None."""
    names = list(candidates)
    lowered = {c.lower(): c for c in names}
    if word.lower() in lowered:
        return lowered[word.lower()]
    squashed = {c.lower().replace("-", "").replace("_", ""): c for c in names}
    key = word.lower().replace("-", "").replace("_", "")
    if key in squashed:
        return squashed[key]
    close = _closest(word.lower(), tuple(lowered), cutoff)
    return None if close is None else lowered[close]


@functools.lru_cache(maxsize=1024)
def _closest(word: str, names: tuple[str, ...], cutoff: float) -> str | None:
    """The closest of `names` to `word` by difflib's ratio: remembered, because the same
    misspellings come back file after file (`check` over a folder, keystrokes in the server)."""
    import difflib  # only for a near miss: not on the way to a server's first answer

    close = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return close[0] if close else None
