"""The output-styles dialect proved against the real Claude Code (the goldens `record_styles.py`
writes).

- `test_claude_code_matches_goldens` (marked `conformance`): re-records with the pinned Claude
  Code and fails when its behaviour differs from `goldens.json`.
- `test_agent_ls_agrees`: for every case, an Error when Claude Code does not load the style, at
  least a Warning when it logs a warning about it or drops what was written, no Error when it
  loads it.
- `test_agent_ls_names_and_describes_like_claude_code`: the loader gives each loaded style the
  name and the description `/output-style` lists.

Run `python tests/conformance/output_styles/test_styles_conformance.py` for the agreement figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agent_ls.core.findings import Finding, Severity
from agent_ls.core.frontmatter import read_source
from agent_ls.dialects import dialect_for
from agent_ls.dialects.output_styles import DIALECT
from agent_ls.settings import Settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import record_styles  # noqa: E402

GOLDENS = json.loads((HERE / "goldens.json").read_text("utf-8"))
META = record_styles.case_meta()
STEMS = sorted(GOLDENS["cases"])
# Where each case sits in the recorded run, relative to the workspace (or HOME for `user`).
PLACES = {
    "project": ".claude/output-styles",
    "sub": ".claude/output-styles/team/shared",
    "user": ".claude/output-styles",
}

# Cases where agent-ls knowingly disagrees with Claude Code: case → why (strict xfail).
KNOWN_DISAGREEMENTS: dict[str, str] = {
    "s014-uppercase-extension": (
        "Claude Code reads only `*.md`; agent-ls checks only files its output-styles globs "
        "match (`*.md`), so it never sees a `.MD` file and cannot report it"
    ),
    "s015-text-extension": "the same for a `.txt` file in an output-styles folder",
    "s021-duplicate-user": (
        "a project style of the same name hides this user style; agent-ls checks one "
        "output-style file at a time and does not compare names across files yet"
    ),
    "s031-duplicate-same-folder-a": (
        "another style of the same name in the same folder wins by scan order; agent-ls does "
        "not compare names across files yet"
    ),
}


def placed_path(stem: str) -> Path:
    entry = META.get(stem, {})
    folder = PLACES[entry.get("location", "project")]
    return Path("/ws") / folder / entry.get("placeAs", f"{stem}.md")


def findings(stem: str) -> list[Finding]:
    """What agent-ls reports for a case where the recording placed it (none outside its globs)."""
    path = placed_path(stem)
    if dialect_for(path, Path("/ws"), Settings()) is not DIALECT:
        return []
    text = (record_styles.CASES / f"{stem}.md").read_text("utf-8", errors="replace")
    return DIALECT.check(read_source(text), DIALECT.context(stem))


def expected(stem: str) -> str:
    """What Claude Code's behaviour requires: "error", "warning" or "no-error"."""
    golden = GOLDENS["cases"][stem]
    if not golden["loaded"]:
        return "error"
    if any("[WARN]" in line or "[ERROR]" in line for line in golden["log"]):
        return "warning"
    return "no-error"


def agrees(stem: str) -> tuple[bool, str]:
    found = findings(stem)
    worst = min((f.severity for f in found), default=Severity.HINT + 1)
    need = expected(stem)
    ok = {
        "error": worst == Severity.ERROR,
        "warning": Severity.ERROR < worst <= Severity.WARNING,
        "no-error": worst != Severity.ERROR,
    }[need]
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in found) or "nothing"
    return ok, f"Claude Code: {need} ({GOLDENS['cases'][stem]['log'][:1]}); agent-ls: {shown}"


@pytest.mark.parametrize(
    "stem",
    [
        pytest.param(s, marks=pytest.mark.xfail(reason=KNOWN_DISAGREEMENTS[s], strict=True))
        if s in KNOWN_DISAGREEMENTS
        else s
        for s in STEMS
    ],
)
def test_agent_ls_agrees(stem: str) -> None:
    ok, explanation = agrees(stem)
    assert ok, f"{stem}: agent-ls disagrees with Claude Code\n{explanation}"


@pytest.mark.parametrize("stem", [s for s in STEMS if GOLDENS["cases"][s]["loaded"]])
def test_agent_ls_names_and_describes_like_claude_code(stem: str) -> None:
    listed = GOLDENS["cases"][stem]["listed"]
    text = (record_styles.CASES / f"{stem}.md").read_text("utf-8", errors="replace")
    style = DIALECT.load(read_source(text), stem)
    assert (style.name, style.description) == (listed["name"], listed["description"])
    assert style.prompt.startswith(listed["prompt"].strip()[:200])


def test_builtin_styles_are_the_catalogue_s() -> None:
    """The built-in styles Claude Code lists are the catalogue's (s019 and s037 replace two)."""
    replaced = {
        GOLDENS["cases"][s]["listed"]["name"] for s in ("s019-name-builtin", "s037-name-default")
    }
    assert set(GOLDENS["builtinStyles"]) | replaced == set(DIALECT.catalogue.builtin_styles)


@pytest.mark.conformance
def test_claude_code_matches_goldens(claude_code: Path) -> None:
    recorded = record_styles.record(claude_code)
    assert recorded["builtinStyles"] == GOLDENS["builtinStyles"]
    assert recorded["cases"] == GOLDENS["cases"]


if __name__ == "__main__":
    agreed = [s for s in STEMS if agrees(s)[0]]
    not_loaded = [s for s in STEMS if not GOLDENS["cases"][s]["loaded"]]
    caught = [s for s in not_loaded if agrees(s)[0]]
    summary = f"{len(STEMS)} cases: {len(agreed)} agree; not loaded: {len(not_loaded)}"
    print(f"{summary}, with an Error: {len(caught)}")  # noqa: T201
