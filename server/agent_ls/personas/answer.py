"""Turning a model's answer into exact edits of the document: pure functions.

An answer comes as the input of the `replace_selection` tool (`code_from_tool`) or, from a
gateway or model that ignores the tool, as text (`code_from_text`, which reads code fences by
CommonMark's rules). Both refuse anything ambiguous with `Unusable`, whose message says why.
`place` fits the code into the document: the file's indentation unit, the selection's base
indentation, no duplicated enclosing header, and the imports as a separate change at the file's
import block.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class Unusable(ValueError):
    """The answer cannot be turned into an edit; the message says why (lowercase, no period)."""


@dataclass(frozen=True)
class Code:
    """The code an answer proposes for the selection, and the import lines it needs."""

    code: str
    imports: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextChange:
    """Replace `text[start:end]` of the document the action was prepared on with `text`."""

    start: int
    end: int
    text: str


# -- languages --------------------------------------------------------------------------------

_FENCE_NAMES: dict[str, frozenset[str]] = {
    "python": frozenset({"python", "py", "python3", "py3"}),
    "javascript": frozenset({"javascript", "js", "mjs", "cjs", "node"}),
    "javascriptreact": frozenset({"jsx", "javascript", "js"}),
    "typescript": frozenset({"typescript", "ts"}),
    "typescriptreact": frozenset({"tsx", "typescript", "ts"}),
    "shellscript": frozenset({"sh", "bash", "shell", "zsh"}),
    "go": frozenset({"go", "golang"}),
    "rust": frozenset({"rust", "rs"}),
    "csharp": frozenset({"csharp", "cs", "c#"}),
    "cpp": frozenset({"cpp", "c++", "cc", "cxx", "hpp"}),
    "ruby": frozenset({"ruby", "rb"}),
    "kotlin": frozenset({"kotlin", "kt"}),
    "yaml": frozenset({"yaml", "yml"}),
    "markdown": frozenset({"markdown", "md"}),
    "terraform": frozenset({"terraform", "tf", "hcl"}),
}
"""Fence info strings naming each LSP language id (otherwise: the id itself)."""

_IMPORT_LINE: dict[str, re.Pattern[str]] = {
    "python": re.compile(r"^(?:import\s+[\w.]|from\s+[\w.]+\s+import\b)"),
    "javascript": re.compile(r"^(?:import\b|(?:const|let|var)\s+[\w{}\s,]+=\s*require\()"),
    "typescript": re.compile(r"^(?:import\b|(?:const|let|var)\s+[\w{}\s,]+=\s*require\()"),
    "go": re.compile(r"^import\b"),
    "rust": re.compile(r"^(?:pub\s+)?use\s"),
    "java": re.compile(r"^import\s"),
    "kotlin": re.compile(r"^import\s"),
    "scala": re.compile(r"^import\s"),
    "c": re.compile(r"^#\s*include\b"),
    "cpp": re.compile(r"^#\s*include\b"),
    "csharp": re.compile(r"^using\s+[\w.=\s]+;"),
    "ruby": re.compile(r"^require(?:_relative)?\b"),
    "php": re.compile(r"^use\s"),
    "swift": re.compile(r"^import\s"),
}
"""What an import line looks like, by language (languages without one get no import edits)."""
_IMPORT_LINE["javascriptreact"] = _IMPORT_LINE["javascript"]
_IMPORT_LINE["typescriptreact"] = _IMPORT_LINE["typescript"]

_PREAMBLE = re.compile(
    r"^(?:#!|#|//|/\*|\*|--|package\s|namespace\s|['\"]use strict['\"]|<\?php|@file)"
)
"""Lines that may come before the import block: shebang, comments, package clauses."""


def _fence_language(info: str, language: str) -> str:
    """Returns "" for no info string, `language` when the info names it, else the info word."""
    word = info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""
    if not word:
        return ""
    return language if word in _FENCE_NAMES.get(language, frozenset({language})) else word


def _is_import(line: str, language: str) -> bool:
    pattern = _IMPORT_LINE.get(language)
    return pattern is not None and bool(pattern.match(line.strip()))


# -- text answers: CommonMark fences ------------------------------------------------------------

_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
_ANY_FENCE = re.compile(r"^\s*(?:`{3,}|~{3,})")


@dataclass
class FencedBlock:
    """A fenced code block of Markdown: its info string, its lines (the fence's indentation
    removed), whether a closing fence ended it, and whether it began inside a list item."""

    info: str
    lines: list[str]
    closed: bool = False
    in_list: bool = False


def _is_closing(line: str, fence: str, any_indent: bool) -> bool:
    stripped = line.lstrip(" ")
    if not any_indent and len(line) - len(stripped) > 3:
        return False
    run = len(stripped) - len(stripped.lstrip(fence[0]))
    return run >= len(fence) and not stripped[run:].strip()


def fenced_blocks(text: str) -> list[FencedBlock]:
    """Returns the fenced code blocks of Markdown `text`, by CommonMark's rules: an opening fence
    has at most 3 spaces of indentation; a closing one too, with the same character, at least as
    long, and nothing after it. A fence that starts inside a list item is marked `in_list`."""
    blocks: list[FencedBlock] = []
    current: FencedBlock | None = None
    fence, strip, in_list = "", 0, False
    for line in text.split("\n"):
        if current is not None:
            if _is_closing(line, fence, current.in_list):
                current.closed = True
                current = None
            else:
                current.lines.append(line[min(strip, len(line) - len(line.lstrip(" "))) :])
            continue
        item = _LIST_ITEM.match(line)
        if item:
            in_list, line_in_item = True, line[item.end() :]
        elif line.strip() and not line[:1].isspace():
            in_list, line_in_item = False, line
        else:
            line_in_item = line
        candidate = line_in_item.lstrip(" ") if in_list else line
        opening = _OPEN.match(candidate)
        if opening is None or (opening.group("fence")[0] == "`" and "`" in opening["info"]):
            continue
        fence, strip = opening.group("fence"), len(opening.group("indent"))
        current = FencedBlock(opening.group("info").strip(), [], in_list=in_list)
        blocks.append(current)
    return blocks


def _echoed_tag(text: str, tags: tuple[str, ...]) -> str | None:
    for tag in tags:
        if re.search(rf"</?{re.escape(tag)}>", text):
            return tag
    return None


def _first_sentence(text: str) -> str:
    words = " ".join(text.split())
    return words[:160] + ("…" if len(words) > 160 else "")


def code_from_text(answer: str, language: str, tags: tuple[str, ...] = ("selection",)) -> Code:
    """Returns the code of a text answer: its one fenced block in the file's language (plus
    blocks holding only import lines); raises Unusable for anything ambiguous."""
    text = answer.replace("\r\n", "\n")
    tag = _echoed_tag(text, tags)
    if tag is not None:
        raise Unusable(f"it echoes the <{tag}> delimiters of the request")
    blocks = fenced_blocks(text)
    if any(b.in_list for b in blocks):
        raise Unusable("its code is inside a list item, mixed with the list's text")
    if any(not b.closed for b in blocks):
        raise Unusable("a code block is not closed (the answer may be cut off)")
    if any(b.info.split(maxsplit=1)[0].lower() in ("diff", "patch") for b in blocks if b.info):
        raise Unusable("it is a diff, not the replacement code")
    if not blocks:
        said = _first_sentence(text)
        raise Unusable(f'it holds no code block, only text ("{said}")' if said else "it is empty")
    same = [b for b in blocks if _fence_language(b.info, language) in (language, "")]
    if not same and len(blocks) == 1 and language not in _FENCE_NAMES | _IMPORT_LINE.keys():
        same = blocks  # e.g. a .env file answered in a `bash` block: its one block is the code
    if not same:
        others = ", ".join(sorted({_fence_language(b.info, language) for b in blocks}))
        raise Unusable(f"it holds no {language} code block (only {others})")
    main = [b for b in same if not _only_imports(b.lines, language)]
    extra = [b for b in same if b not in main]
    if not main:
        main, extra = extra[:1], extra[1:]
    if len(main) > 1:
        raise Unusable(
            f"it holds {len(main)} {language} code blocks, so which one replaces the selection "
            "is not clear"
        )
    imports = tuple(line.strip() for b in extra for line in b.lines if line.strip())
    return _checked(Code("\n".join(main[0].lines), imports), language, tags)


def _only_imports(lines: list[str], language: str) -> bool:
    code = [line for line in lines if line.strip()]
    return bool(code) and all(_is_import(line, language) for line in code)


_NUMBERED = re.compile(r"^\s*\d+ \| ?")


def _checked(code: Code, language: str, tags: tuple[str, ...]) -> Code:
    """Returns `code` once it passes the checks every answer gets (no delimiters, no fence lines,
    not empty), without echoed line numbers."""
    tag = _echoed_tag(code.code, tags)
    if tag is not None:
        raise Unusable(f"its code holds the <{tag}> delimiters of the request")
    lines = code.code.replace("\r\n", "\n").split("\n")
    if not any(line.strip() for line in lines):
        raise Unusable("it holds no code")
    if all(_NUMBERED.match(line) for line in lines if line.strip()):
        lines = [_NUMBERED.sub("", line, count=1) for line in lines]
    if language != "markdown":
        fences = [n for n, line in enumerate(lines, 1) if _ANY_FENCE.match(line)]
        if fences and not any(_inside_string(lines, n) for n in fences):
            raise Unusable(f"its code holds a Markdown fence (line {fences[0]} of the code)")
    return Code("\n".join(lines), code.imports)


def _inside_string(lines: list[str], number: int) -> bool:
    """Returns whether line `number` (1-based) is inside a triple-quoted string: an example in a
    docstring, indented like the code around it."""
    before = "\n".join(lines[: number - 1])
    return before.count('"""') % 2 == 1 or before.count("'''") % 2 == 1


def code_from_tool(
    tool_input: Mapping[str, Any] | None, language: str, tags: tuple[str, ...] = ("selection",)
) -> Code:
    """Returns the code of a `replace_selection` call; its strings get the same scrutiny as a
    text answer (a code field that is itself one fenced block is read as one)."""
    data = tool_input or {}
    code, summary, imports = data.get("code"), data.get("summary", ""), data.get("imports", [])
    summary = summary if isinstance(summary, str) else ""
    if isinstance(imports, str):
        imports = imports.split("\n")
    if not isinstance(code, str) or not isinstance(imports, list):
        raise Unusable("its replace_selection call has no code (or imports that are not a list)")
    if not code.strip():
        said = f' (it says: "{_first_sentence(summary)}")' if summary.strip() else ""
        raise Unusable(f"it proposes no code{said}")
    wanted = tuple(str(line).strip() for line in imports if str(line).strip())
    for line in wanted:
        first = line.split("\n", 1)[0]
        if (
            _echoed_tag(line, tags)
            or any(_ANY_FENCE.match(part) for part in line.split("\n"))
            or (language in _IMPORT_LINE and not _is_import(first, language))
        ):
            raise Unusable(f"its imports hold {_first_sentence(line)!r}, which is not an import")
    if _OPEN.match(code.lstrip("\n").split("\n", 1)[0]):
        inner = code_from_text(code, language, tags)
        return Code(inner.code, wanted + inner.imports)
    return _checked(Code(code, wanted), language, tags)


# -- placing the code -------------------------------------------------------------------------


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def common_indent(lines: list[str]) -> str:
    """Returns the leading whitespace shared by all non-blank lines."""
    indents = [_indent(line) for line in lines if line.strip()]
    return os.path.commonprefix(indents) if indents else ""


_UNITS = (2, 3, 4, 8)
"""Widths an indentation unit of spaces can have."""


def indent_unit(lines: list[str]) -> str | None:
    """Returns the indentation unit of some code: a tab, or the usual step of spaces between a
    line and a deeper one; None when nothing in it is nested."""
    indents = [_indent(line) for line in lines if line.strip()]
    tabs = sum(1 for i in indents if i.startswith("\t"))
    spaces = sum(1 for i in indents if i.startswith(" "))
    if tabs and tabs >= spaces:
        return "\t"
    steps: Counter[int] = Counter()
    widths = [len(i) for i in indents if "\t" not in i]
    for previous, width in zip(widths, widths[1:], strict=False):
        if width - previous in _UNITS:  # larger steps align continuation lines
            steps[width - previous] += 1
    if not steps:
        return None
    best = max(steps.values())
    return " " * min(step for step, n in steps.items() if n == best)


def _reindent(lines: list[str], unit: str, target: str) -> list[str]:
    """Returns `lines` with each indentation level of `unit` rewritten as one of `target`."""
    out = []
    for line in lines:
        indent = _indent(line)
        if unit == "\t":
            levels = len(indent) - len(indent.lstrip("\t"))
            rest = len(indent) - levels
        else:
            columns = len(indent.expandtabs(len(unit)))
            levels, rest = divmod(columns, len(unit))
        new = (
            target * levels + " " * rest if target == "\t" else " " * (levels * len(target) + rest)
        )
        out.append(new + line[len(indent) :] if line.strip() else "")
    return out


_HEADER = re.compile(
    r"^(?:export\s+)?(?:default\s+)?(?:pub(?:\([\w\s]+\))?\s+)?(?:async\s+)?"
    r"(?P<kind>def|class|function|fn|func|interface|struct|impl|trait|module)\b\s*(?P<name>[\w$]*)"
)


def _enclosing_line(text: str, start: int, base: str) -> str | None:
    """Returns the nearest line above `start` indented less than `base` (e.g. the `def` of a
    selected body), None for a selection at the top level."""
    if not base:
        return None
    end = text.rfind("\n", 0, start)
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        line = text[begin:end].rstrip("\r")
        if line.strip() and len(_indent(line)) < len(base):
            return line
        end = begin - 1
    return None


def _same_header(line: str, header: str) -> bool:
    if " ".join(line.split()) == " ".join(header.split()):
        return True
    a, b = _HEADER.match(line.strip()), _HEADER.match(header.strip())
    return bool(a and b and a["kind"] == b["kind"] and a["name"] and a["name"] == b["name"])


def fit_replacement(code: str, text: str, start: int, end: int) -> str:
    """Returns `code` ready to replace `text[start:end]`.

    The code takes the file's indentation unit (tabs, or spaces of the file's width), is
    dedented, then given the selection's base indentation; the first line gets none when the
    document already has it before the selection. Line endings follow the document, and the
    result ends with a line break exactly when the selection does.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    selected = text[start:end].replace("\r\n", "\n")
    prefix = text[text.rfind("\n", 0, start) + 1 : start].rstrip("\r")
    lines = code.replace("\r\n", "\n").rstrip().split("\n")
    ours, theirs = indent_unit(text.replace("\r\n", "\n").split("\n")), indent_unit(lines)
    if ours and theirs and ours != theirs:
        lines = _reindent(lines, theirs, ours)
    own = common_indent(lines)
    lines = [line[len(own) :] if line.strip() else "" for line in lines]
    if prefix.strip():  # the selection starts mid-line: indent continuation lines like that line
        base = _indent(prefix)
        out = [lines[0], *(base + line if line else "" for line in lines[1:])]
    else:
        base = common_indent((prefix + selected).split("\n"))
        out = [base + line if line else "" for line in lines]
        out[0] = out[0][len(prefix) :] if out[0].startswith(prefix) else out[0].lstrip(" \t")
    result = newline.join(out)
    return result + newline if selected.endswith("\n") else result


def place(code: Code, text: str, start: int, end: int, language: str) -> list[TextChange]:
    """Returns the changes that put `code` in place of `text[start:end]`: the replacement first,
    then (when the code needs imports the file lacks) an insertion at the file's import block."""
    lines = code.code.replace("\r\n", "\n").strip("\n").split("\n")
    imports = list(code.imports)
    selected = text[start:end]
    prefix = text[text.rfind("\n", 0, start) + 1 : start]
    base = common_indent((prefix + selected).replace("\r\n", "\n").split("\n"))
    first_selected = next((line for line in selected.split("\n") if line.strip()), "")
    if not _is_import(first_selected, language):
        while lines and (_is_import(lines[0], language) or (imports and not lines[0].strip())):
            if lines[0].strip():  # imports at the top of the answer go to the import block
                imports.append(lines[0].strip())
            lines = lines[1:]
    header = _enclosing_line(text, start, base)
    if (
        header is not None
        and len(lines) > 1
        and _same_header(lines[0], header)
        and not _same_header(first_selected, header)
    ):
        lines = lines[1:]  # the model repeated the enclosing `def`/`class` line
    if not any(line.strip() for line in lines):
        raise Unusable("it holds only import lines, no code for the selection")
    at = import_point(text, language)
    present = {line.strip() for line in text.split("\n")} | {line.strip() for line in lines}
    needed = list(dict.fromkeys(i for i in imports if i not in present))
    if needed and (at is None or at >= start):  # the selection holds the top of the file
        lines = needed + lines
        needed = []
    replacement = fit_replacement("\n".join(lines), text, start, end)
    changes = [TextChange(start, end, replacement)]
    if needed and at is not None:
        newline = "\r\n" if "\r\n" in text else "\n"
        block = newline.join(needed).replace("\r\n", "\n").replace("\n", newline) + newline
        if at > 0 and text[at - 1] != "\n":
            block = newline + block
        elif not _has_imports(text, language, at):
            block += newline  # a new import block: a blank line after it
        changes.append(TextChange(at, at, block))
    return changes


def _has_imports(text: str, language: str, at: int) -> bool:
    return any(_is_import(line, language) for line in text[:at].split("\n"))


def import_point(text: str, language: str) -> int | None:
    """Returns the offset just after the last line of the file's top import block (after its
    preamble when it has none yet); None for a language without imports."""
    if language not in _IMPORT_LINE:
        return None
    offset, depth, last, docstring = 0, 0, None, ""
    first_code = len(text)
    for line in text.splitlines(keepends=True):
        here, offset = offset, offset + len(line)
        stripped = line.strip()
        if docstring:
            if docstring in stripped:
                docstring = ""
            continue
        if depth > 0:
            depth += _opened(stripped)
            last = offset if depth <= 0 else last
            continue
        if _is_import(stripped, language):
            depth = _opened(stripped)
            last = offset if depth <= 0 else last
            continue
        if language == "python" and last is None and stripped[:3] in ('"""', "'''"):
            quote = stripped[:3]
            docstring = "" if stripped.count(quote) >= 2 and len(stripped) > 3 else quote
            continue
        if not stripped or _PREAMBLE.match(stripped):
            continue
        first_code = here
        break
    return last if last is not None else first_code


def _opened(line: str) -> int:
    return sum(line.count(c) for c in "([{") - sum(line.count(c) for c in ")]}")
