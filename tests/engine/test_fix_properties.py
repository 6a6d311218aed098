"""Quick fixes can only make a file better: a property test over every fix agent-ls offers.

Inputs: every conformance case (`tests/conformance/cases`), and mutants of each: CRLF line
ends, a BOM, an emoji at the start of the description, a tab after every top-level key's
colon. For every finding and every fix it offers:
- the edits lie inside the text and do not overlap;
- applying them removes the finding (no finding of its code is left on the edited range; for a
  fix that only deletes, whose cut touches the neighbours, no finding with the same message);
- no new Error appears (the Errors after are among the Errors before);
- nothing outside the fix's stated ranges changed: the text between its edits is the same
  before and after.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_ls.core.findings import Edit, Finding, Fix, Severity
from agent_ls.dialects.agents import CheckContext, check
from agent_ls.dialects.agents.catalogue import load_catalogue
from agent_ls.workspace import read_text

CASES = [  # (the case over 1 MiB is never read: Claude Code skips it, agent-ls says AL901)
    p
    for p in sorted((Path(__file__).parents[1] / "conformance" / "cases").glob("*.md"))
    if p.stat().st_size <= 1024 * 1024
]
CATALOGUE = load_catalogue()

MUTANTS: dict[str, Callable[[str], str]] = {
    "as-is": lambda text: text,
    "crlf": lambda text: text.replace("\r\n", "\n").replace("\n", "\r\n"),
    "bom": lambda text: text if text.startswith("\ufeff") else "\ufeff" + text,
    "emoji": lambda text: text.replace("description: ", "description: 😀 ", 1),
    "tabs": lambda text: re.sub(r"(?m)^([A-Za-z][\w-]*): ", "\\1:\t", text),
}


def findings(text: str, stem: str) -> list[Finding]:
    return check(text, CheckContext(CATALOGUE, True, stem, None))


def apply(text: str, fix: Fix) -> str:
    for edit in sorted(fix.edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def shift(offset: int, fix: Fix) -> int:
    """Where an offset outside the edits lands after the fix."""
    return offset + sum(
        len(e.text) - (e.end - e.start) for e in fix.edits if e.end <= offset and e.start < offset
    )


def outside(text: str, edits: list[Edit], original: bool = False) -> list[str]:
    """The text between the edits: in the original, or (original=False) after applying them."""
    pieces, at, shift_by = [], 0, 0
    for edit in edits:
        start = edit.start + (0 if original else shift_by)
        pieces.append(text[at:start])
        at = start + ((edit.end - edit.start) if original else len(edit.text))
        shift_by += len(edit.text) - (edit.end - edit.start)
    return [*pieces, text[at:]]


def problems_of(text: str, stem: str) -> list[str]:
    """Every property a fix breaks on `text`, one line each."""
    out = []
    before = findings(text, stem)
    errors_before = Counter(f.code for f in before if f.severity == Severity.ERROR)
    for finding in before:
        for fix in finding.fixes:
            label = f"{finding.code} {fix.title!r}"
            edits = sorted(fix.edits, key=lambda e: e.start)
            if not all(0 <= e.start <= e.end <= len(text) for e in edits) or any(
                a.end > b.start for a, b in zip(edits, edits[1:], strict=False)
            ):
                out.append(f"{label}: edits outside the text or overlapping")
                continue
            fixed = apply(text, fix)
            after = findings(fixed, stem)
            spans = [(shift(e.start, fix), shift(e.start, fix) + len(e.text)) for e in edits]
            same_place = [
                f
                for f in after
                if f.code == finding.code
                and any(
                    f.start < hi and lo < f.end or f.start <= lo == hi <= f.end for lo, hi in spans
                )
            ]
            if all(not e.text for e in edits):  # a removal: its neighbours touch the cut
                same_place = [
                    f for f in after if (f.code, f.message) == (finding.code, finding.message)
                ]
            if finding.code not in ("AL110", "AL111") and same_place:
                out.append(f"{label}: {finding.code} is still there:\n{fixed}")
            if finding.code in ("AL110", "AL111") and any(f.code == finding.code for f in after):
                out.append(f"{label}: the YAML error is still there:\n{fixed}")
            errors_after = Counter(f.code for f in after if f.severity == Severity.ERROR)
            if errors_after - errors_before:
                out.append(f"{label}: new Error {dict(errors_after - errors_before)}:\n{fixed}")
            if outside(fixed, edits) != outside(text, edits, original=True):
                out.append(f"{label}: changed text outside its edits")
    return out


@pytest.mark.parametrize("mutant", list(MUTANTS))
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem[:4])
def test_every_fix_only_makes_the_file_better(path: Path, mutant: str) -> None:
    text = MUTANTS[mutant](read_text(path))
    problems = problems_of(text, path.stem)
    assert not problems, "\n".join(problems)


def test_the_yaml_quote_fix_quotes_only_what_breaks_and_keeps_comments_outside() -> None:
    text = (
        "---\nname: reviewer # the reviewer\ndescription: Use when: the user asks # why\n"
        "tools: Read, Grep # fine as it is\n---\nBody\n"
    )
    [fix] = next(f for f in findings(text, "reviewer") if f.code == "AL111").fixes
    assert apply(text, fix) == (
        '---\nname: reviewer # the reviewer\ndescription: "Use when: the user asks" # why\n'
        "tools: Read, Grep # fine as it is\n---\nBody\n"
    )


def test_the_yaml_quote_fix_is_not_offered_when_quoting_cannot_help() -> None:
    text = (
        "---\nname: a\ndescription: Use this agent for reviews.\n  Example: the user asks\n---\nB\n"
    )
    [error] = [f for f in findings(text, "a") if f.code == "AL110"]
    assert error.fixes == ()


# The common mistakes whose fixes remove or merge (not every one has a conformance case): the
# same properties, over the same mutants.
MISTAKES = {
    "tools-string": "tools: Read, Frob, TodoWrite, read, Read, Grep",
    "tools-flow": 'tools: [Read, "TodoWrite", Frob, Read]',
    "tools-block": "tools:\n  - Read\n  - TodoWrite\n  - 'Frob'\n  - Read",
    "tools-block-item-string": "tools:\n  - Read, Frob\n  - Grep",
    "disallowed": "tools: Read\ndisallowedTools: Frob, Write, Write",
    "allowed-renamed": "allowedTools: Read, Grep",
    "allowed-merged": "tools: Read, Bash\nallowedTools:\n  - Grep\n  - Read",
    "allowed-into-flow": "tools: []\nallowedTools: Grep",
    "allowed-into-block": "tools:\n  - Read\nallowedTools: Grep, Bash\nmodel: opus",
    "name-case": "Name: other\nmodel: gpt-4",
    "enums": "permissionMode: plann\neffort: hihg\ncolor: Blue\nmodel: sonet",
}


@pytest.mark.parametrize("mutant", list(MUTANTS))
@pytest.mark.parametrize("lines", list(MISTAKES.values()), ids=list(MISTAKES))
def test_every_fix_of_a_common_mistake_only_makes_the_file_better(lines: str, mutant: str) -> None:
    text = MUTANTS[mutant](f"---\nname: mistake\ndescription: d\n{lines}\n---\nBody\n")
    problems = problems_of(text, "mistake")
    assert not problems, "\n".join(problems)
