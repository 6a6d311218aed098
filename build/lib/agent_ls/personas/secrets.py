"""Spotting credentials in a selection before it leaves the machine: pure, pattern-based.

It errs on the side of asking: a false alarm costs one click, a leaked key costs a rotation.
Values that are obviously placeholders or references (`${TOKEN}`, `<your key>`) are not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretFinding:
    """A likely credential: what it looks like, and its 0-based line in the text given."""

    kind: str
    line: int


_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("an Anthropic API key", re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an API key (sk-…)", re.compile(r"\bsk-(?!ant-)(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}")),
    ("an AWS access key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ),
    ("a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    ("a Stripe key", re.compile(r"\b[rs]k_live_[0-9A-Za-z]{16,}")),
    (
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    ),
    (
        "a password in a URL",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:(?P<value>[^\s@/'\"]{3,})@"),
    ),
)

_NAME = (
    r"secret|token|passw(?:or)?d|pwd|api[_-]?key|apikey|private[_-]?key|access[_-]?key|credentials?"
)

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

    def add(kind: str, offset: int) -> None:
        line = text.count("\n", 0, offset)
        found.setdefault((kind, line), SecretFinding(kind, line))

    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            if "value" in pattern.groupindex and _is_placeholder(match.group("value")):
                continue
            add(kind, match.start())
    specific = {line for _, line in found}
    for pattern in (_ENV_LINE, _CONFIG_LINE, _LITERAL):
        for match in pattern.finditer(text):
            if (
                not _is_placeholder(match.group("value"))
                and text.count("\n", 0, match.start()) not in specific
            ):
                add("a credential assignment", match.start("name"))
    return sorted(found.values(), key=lambda f: (f.line, f.kind))


def describe_secrets(findings: list[SecretFinding], first_line: int = 1) -> str:
    """Returns e.g. "a private key (line 3), an AWS access key (line 7)" with 1-based file lines."""
    return ", ".join(f"{f.kind} (line {f.line + first_line})" for f in findings[:4]) + (
        f" and {len(findings) - 4} more" if len(findings) > 4 else ""
    )
