"""Turning a model's answer into the text that replaces a selection: pure functions.

`extract_code` strips the chatter and code fences around the code; `fit_replacement` gives the
code the selection's indentation, line endings and trailing newline.
"""

from __future__ import annotations

import os
import re

_FENCE_OPEN = re.compile(r"^[ \t]{0,3}(?P<fence>`{3,}|~{3,})[^`\n]*$")


def _fenced_blocks(lines: list[str]) -> list[list[str]]:
    """Returns the fenced blocks' contents (an unclosed block runs to the end)."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    fence = ""
    for line in lines:
        if current is None:
            match = _FENCE_OPEN.match(line)
            if match:
                fence, current = match.group("fence"), []
            continue
        stripped = line.strip()
        if stripped.startswith(fence) and set(stripped) == {fence[0]}:
            blocks.append(current)
            current = None
        else:
            current.append(line)
    if current is not None:
        blocks.append(current)
    return blocks


def extract_code(answer: str, tag: str = "selection") -> str | None:
    """Returns the code of an answer without fences or chatter, None when there is no code.

    The longest fenced block wins (chatter may hold small examples); without a fence the whole
    answer is the code, minus selection tags the model may have echoed.
    """
    lines = answer.replace("\r\n", "\n").split("\n")
    blocks = _fenced_blocks(lines)
    if blocks:
        code_lines = max(blocks, key=lambda b: sum(len(line) for line in b))
    else:
        code_lines = lines
        if code_lines and re.fullmatch(rf"\s*<{re.escape(tag)}(-\d+)?>\s*", code_lines[0]):
            code_lines = code_lines[1:]
        if code_lines and re.fullmatch(rf"\s*</{re.escape(tag)}(-\d+)?>\s*", code_lines[-1]):
            code_lines = code_lines[:-1]
    while code_lines and not code_lines[0].strip():
        code_lines = code_lines[1:]
    while code_lines and not code_lines[-1].strip():
        code_lines = code_lines[:-1]
    return "\n".join(code_lines) if code_lines else None


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def common_indent(lines: list[str]) -> str:
    """Returns the leading whitespace shared by all non-blank lines."""
    indents = [_indent(line) for line in lines if line.strip()]
    return os.path.commonprefix(indents) if indents else ""


def fit_replacement(code: str, text: str, start: int, end: int) -> str:
    """Returns `code` ready to replace `text[start:end]`.

    The code is dedented, then given the selection's base indentation; the first line gets none
    when the document already has it before the selection. Line endings follow the document, and
    the result ends with a line break exactly when the selection does.
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    selected = text[start:end].replace("\r\n", "\n")
    prefix = text[text.rfind("\n", 0, start) + 1 : start].rstrip("\r")
    lines = code.replace("\r\n", "\n").rstrip().split("\n")
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
