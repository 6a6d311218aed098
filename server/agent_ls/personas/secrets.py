"""Spotting credentials in what would leave the machine (selection, context, file name) before
it does, and redacting them from the context: pure, pattern-based.

It errs on the side of asking: a false alarm costs one click, a leaked key costs a rotation.
Values that are obviously placeholders or references (`${TOKEN}`, `<your key>`) are not flagged.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Literal

Where = Literal["selection", "context", "file name"]


@dataclass(frozen=True)
class SecretFinding:
    """A likely credential: what it looks like, its 0-based line in the text given, the span of
    its value (`start`, `end`: offsets in that text) and which part of a request holds it."""

    kind: str
    line: int
    start: int = 0
    end: int = 0
    where: Where = "selection"


_PATTERNS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    # (kind, literals one of which any match contains, pattern)
    (
        "a private key",
        ("PRIVATE KEY",),
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
    ),
    ("an Anthropic API key", ("sk-ant-",), re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    (
        "an API key (sk-…)",
        ("sk-",),
        re.compile(r"\bsk-(?!ant-)(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}"),
    ),
    ("an AWS access key", ("AKIA", "ASIA"), re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    ("a Slack token", ("xox",), re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", ("AIza",), re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Stripe key", ("k_live_",), re.compile(r"\b[rs]k_live_[0-9A-Za-z]{16,}")),
    (
        "a JSON Web Token",
        ("eyJ",),
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    ),
    (
        "a password in a URL",
        ("://",),
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<value>[^\s@/'\"]{3,})@"),
    ),
)
"""Credentials by their form. The literals let a text without them skip the pattern (a large
selection is scanned in milliseconds)."""

_KEY_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")

_NAME = (
    r"secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?"
)
_NAME_WORDS = ("secret", "token", "passw", "pwd", "api", "private", "access", "credential")
"""Lowercase literals every match of `_NAME` contains: only lines holding one are scanned for
credential assignments."""

# `.env` and shell lines: API_KEY=value, export DB_PASSWORD="value"
_ENV_LINE = re.compile(
    rf"^[ \t]*(?:export[ \t]+)?(?P<name>[A-Z0-9_]*(?:{_NAME.upper()})[A-Z0-9_]*)[ \t]*=[ \t]*"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s#]+)",
    re.MULTILINE,
)
# YAML / config lines with a bare value that looks generated: password: hunter2hunter
_CONFIG_LINE = re.compile(
    rf"^[ \t]*(?P<name>[A-Za-z0-9_.-]*(?:{_NAME})[A-Za-z0-9_.-]*)[ \t]*:[ \t]+"
    r"(?P<value>(?=[^\s]*\d)[^\s#'\"()\[\]{};,<>]{8,})[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
# Quoted literals in code and config: password = "…", "apiKey": "…", token := '…'
_LITERAL = re.compile(
    rf"(?P<name>[A-Za-z0-9_.-]*(?:{_NAME})[A-Za-z0-9_.-]*)[\"']?\s*(?::=|=|:)\s*"
    r"(?P<value>\"[^\"\n]{8,}\"|'[^'\n]{8,}')",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"^(?:|x+|\*+|\.+|<.*>|\$.*|\{\{.*\}\}|%\(.*|.*(?:your|example|placeholder|changeme|dummy|redacted|xxxx).*"
    r"|true|false|none|null|os\.environ.*|process\.env.*|env\(.*|getenv.*)$",
    re.IGNORECASE,
)


def _is_placeholder(value: str) -> bool:
    value = value.strip().strip("\"'")
    return len(value) < 6 or bool(_PLACEHOLDER.match(value))


def find_secrets(text: str) -> list[SecretFinding]:
    """Returns the likely credentials in `text` in order (a generic one only where no other is)."""
    found: dict[tuple[str, int], SecretFinding] = {}

    def add(kind: str, offset: int, start: int, end: int) -> None:
        line = text.count("\n", 0, offset)
        found.setdefault((kind, line), SecretFinding(kind, line, start, end))

    for kind, hints, pattern in _PATTERNS:
        if not any(hint in text for hint in hints):
            continue
        for match in pattern.finditer(text):
            has_value = "value" in pattern.groupindex
            if has_value and _is_placeholder(match.group("value")):
                continue
            start, end = match.span("value") if has_value else match.span()
            if kind == "a private key":  # the whole block, up to its END line
                close = _KEY_END.search(text, end)
                end = close.end() if close else len(text)
            add(kind, match.start(), start, end)
    specific = {line for _, line in found}
    for offset, line in _lines_naming_a_credential(text):
        for pattern in (_ENV_LINE, _CONFIG_LINE, _LITERAL):
            for match in pattern.finditer(line):
                if (
                    not _is_placeholder(match.group("value"))
                    and text.count("\n", 0, offset) not in specific
                ):
                    start, end = match.span("value")
                    if line[start] in "\"'":
                        start, end = start + 1, end - 1
                    add(
                        "a credential assignment",
                        offset + match.start("name"),
                        offset + start,
                        offset + end,
                    )
    return sorted(found.values(), key=lambda f: (f.line, f.kind))


def _lines_naming_a_credential(text: str) -> list[tuple[int, str]]:
    """Returns (offset, line) of each line of `text` holding one of `_NAME_WORDS`, any case."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lowercase is longer: offsets would drift
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    starts: set[int] = set()
    for word in _NAME_WORDS:
        at = lowered.find(word)
        while at >= 0:
            starts.add(text.rfind("\n", 0, at) + 1)
            next_line = text.find("\n", at)
            at = -1 if next_line < 0 else lowered.find(word, next_line)
    lines = []
    for start in sorted(starts):
        end = text.find("\n", start)
        lines.append((start, text[start : len(text) if end < 0 else end]))
    return lines


def find_secrets_in(text: str, where: Where, first_line: int) -> list[SecretFinding]:
    """Returns `find_secrets(text)` with lines counted from `first_line` (0-based, in the file)
    and marked as found in `where`."""
    return [
        dataclasses.replace(f, line=f.line + first_line, where=where) for f in find_secrets(text)
    ]


def redact(text: str, findings: list[SecretFinding]) -> str:
    """Returns `text` with each finding's value replaced by `[redacted: <kind>]` (the findings'
    offsets are into `text`)."""
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        text = f"{text[: finding.start]}[redacted: {finding.kind}]{text[finding.end :]}"
    return text


def describe_secrets(findings: list[SecretFinding], first_line: int = 1) -> str:
    """Returns e.g. "a private key (line 3), an AWS access key (line 7, in the context)" with
    1-based lines (`first_line`: the number of the findings' line 0)."""

    def place(f: SecretFinding) -> str:
        if f.where == "file name":
            return "in the file name"
        line = f"line {f.line + first_line}"
        return line if f.where == "selection" else f"{line}, in the context"

    return ", ".join(f"{f.kind} ({place(f)})" for f in findings[:4]) + (
        f" and {len(findings) - 4} more" if len(findings) > 4 else ""
    )
