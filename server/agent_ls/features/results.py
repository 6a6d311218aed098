"""What the features return: completion candidates, document symbols, colour swatches. Plain
data with no imports of the package, so the seam (`dialects.base`) can name them in its
signatures while the features import the seam."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Candidate(NamedTuple):
    """One completion: what to show and what replaces text[start:end] (a tuple: tens are built
    per keystroke, and a tuple builds several times faster than a frozen dataclass)."""

    label: str
    kind: str  # "key", or the value type's `completion_kind`: "tool", "value", "color"
    detail: str
    documentation: str
    insert_text: str
    snippet: str | None  # the same insertion as an LSP snippet, when there is one
    start: int  # replace text[start:end]
    end: int
    sort: str = ""


@dataclass
class Symbol:
    name: str
    kind: str  # "frontmatter", "key", "heading"
    start: int
    end: int
    detail: str = ""
    children: list[Symbol] = field(default_factory=list)


@dataclass(frozen=True)
class Swatch:
    start: int
    end: int
    hex: str
