"""What a persona action works on at a bare cursor: the enclosing function, method or class.

Pure functions on the document text. Python-like languages are read by indentation (a `def` or
`class` line owns the lines indented deeper than it, decorators included); C-like ones by braces
(a header line owns the block its first `{` opens). Strings and comments are not parsed: a brace
inside a string literal can mislead the brace count, and the range taken is always said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INDENTED_LANGUAGES = frozenset({"python", "coffeescript", "nim"})

_PYTHON_HEADER = re.compile(
    r"^(?P<indent>[ \t]*)(?:async[ \t]+)?(?P<kind>def|class)[ \t]+(?P<name>\w+)"
)
_KEYWORD_HEADER = re.compile(
    r"^[ \t]*(?:(?:export|default|pub(?:\([\w\s]+\))?|public|private|protected|static|abstract"
    r"|async|unsafe|final|open|override|internal)[ \t]+)*"
    r"(?P<kind>function\*?|class|interface|struct|enum|impl|trait|fn|func|namespace|module)"
    r"[ \t]*(?:\([^)]*\)[ \t]*)?(?P<name>[\w$]+)"
)
"""`function f(`, `class C`, `fn f`, `func f(`, `func (r *T) M(`, `impl T`…"""
_GO_TYPE = re.compile(r"^[ \t]*type[ \t]+(?P<name>\w+)[ \t]+(?P<kind>struct|interface)\b")
_ARROW = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?:const|let|var)[ \t]+(?P<name>[\w$]+)[^=]*=[ \t]*(?:async[ \t]*)?"
    r"(?:\([^)]*\)|[\w$]+)[^=]*=>"
)
_METHOD = re.compile(
    r"^[ \t]*(?:(?:public|private|protected|static|async|override|readonly|get|set|final"
    r"|virtual|inline)[ \t]+)*(?P<name>[\w$]+)[ \t]*(?:<[^>]*>)?[ \t]*\([^;]*\{[ \t]*$"
)
_NOT_METHODS = frozenset(
    {"if", "for", "while", "switch", "catch", "return", "else", "do", "try", "with", "new", "await"}
)
_KINDS = {"def": "function", "fn": "function", "func": "function", "function*": "function"}


@dataclass(frozen=True)
class Scope:
    """The code taken: `text[start:end]` (whole lines), what it is and its 1-based lines."""

    start: int
    end: int
    kind: str
    name: str
    first_line: int
    last_line: int

    def describe(self) -> str:
        """Returns e.g. "function create_order (lines 6-9)"."""
        lines = (
            f"line {self.first_line}"
            if self.first_line == self.last_line
            else f"lines {self.first_line}-{self.last_line}"
        )
        return f"{self.kind} {self.name} ({lines})"


def enclosing_scope(text: str, offset: int, language: str) -> Scope | None:
    """Returns the innermost function, method or class around `offset`, None when the cursor is
    at the top level (or the language's blocks cannot be told)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    cursor = text.count("\n", 0, min(max(offset, 0), len(text)))
    finder = _indented_block if language in INDENTED_LANGUAGES else _braced_block
    for header in range(cursor, -1, -1):
        found = finder(lines, header)
        if found is None:
            continue
        first, last, kind, name = found
        if first <= cursor <= last:
            end = min(starts[last + 1], len(text))
            return Scope(starts[first], end, kind, name, first + 1, last + 1)
    return None


def _indent(line: str) -> int:
    return len(line.expandtabs(8)) - len(line.expandtabs(8).lstrip())


def _indented_block(lines: list[str], header: int) -> tuple[int, int, str, str] | None:
    match = _PYTHON_HEADER.match(lines[header])
    if match is None:
        return None
    depth = _indent(lines[header])
    last = header
    for number in range(header + 1, len(lines)):
        line = lines[number]
        if line.strip() and _indent(line) <= depth and not _continues_header(lines, header, number):
            break
        if line.strip():
            last = number
    first = header
    while (
        first > 0
        and lines[first - 1].strip().startswith("@")
        and _indent(lines[first - 1]) == depth
    ):
        first -= 1
    return first, last, _KINDS.get(match["kind"], match["kind"]), match["name"]


def _continues_header(lines: list[str], header: int, number: int) -> bool:
    """Whether line `number` is still inside the header's parentheses (a multi-line signature)."""
    opened = "\n".join(lines[header:number])
    return opened.count("(") > opened.count(")")


def _braced_block(lines: list[str], header: int) -> tuple[int, int, str, str] | None:
    line = lines[header]
    kind, name = _header_of(line)
    if not name:
        return None
    depth, seen = 0, False
    for number in range(header, len(lines)):
        code = _code_part(lines[number])
        if not seen and number > header + 5:
            return None  # no block opens near the header: a declaration or a call
        if not seen and ";" in code and "{" not in code:
            return None  # `function f();` or a call statement
        for char in code:
            if char == "{":
                depth, seen = depth + 1, True
            elif char == "}" and seen:
                depth -= 1
                if depth == 0:
                    return header, number, kind, name
    return None


def _header_of(line: str) -> tuple[str, str]:
    for pattern in (_KEYWORD_HEADER, _GO_TYPE):
        match = pattern.match(line)
        if match:
            kind = match["kind"]
            if kind == "func" and re.match(r"^[ \t]*func[ \t]*\(", line):
                kind = "method"  # a Go method: func (receiver) Name(
            return _KINDS.get(kind, kind), match["name"]
    match = _ARROW.match(line)
    if match:
        return "function", match["name"]
    match = _METHOD.match(line)
    if match and match["name"] not in _NOT_METHODS and line.rstrip().endswith("{"):
        return "method", match["name"]
    return "", ""


_STRING = re.compile(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`[^`]*`")


def _code_part(line: str) -> str:
    """Returns the line without string literals and `//` comments (for counting braces)."""
    code = _STRING.sub('""', line)
    return code.split("//", 1)[0]
