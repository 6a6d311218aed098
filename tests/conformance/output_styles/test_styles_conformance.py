"""The output-styles dialect proved against the real Claude Code (the goldens `record_styles.py`
writes).

- `test_claude_code_matches_goldens` (marked `conformance`): re-records with the pinned Claude
  Code and fails when its behaviour differs from `goldens.json`.
- `test_agent_ls_agrees`: for every case (all checked in one run, placed as recorded, so names
  are compared across files), an Error when Claude Code does not load the style, OS204 (no
  Error) when another style of its name is listed instead, at least a Warning when it logs a
  warning about it or drops what was written, no Error when it loads it.
- `test_agent_ls_names_and_describes_like_claude_code`: the loader gives each loaded style the
  name and the description `/output-style` lists.

Run `python tests/conformance/output_styles/test_styles_conformance.py` for the agreement figures.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from agent_ls.core.findings import Finding, Severity
from agent_ls.core.frontmatter import read_source
from agent_ls.dialects.output_styles import DIALECT
from agent_ls.settings import Settings
from agent_ls.workspace import check_paths

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # tests/conformance, for `oracle`

import record_styles  # noqa: E402
from oracle import duplicate_claim_contradicted  # noqa: E402

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
KNOWN_DISAGREEMENTS: dict[str, str] = {}


def placed_path(stem: str, workspace: Path = Path("/ws"), home: Path = Path("/home")) -> Path:
    """Where the recording placed a case (`location`: the workspace's, a subfolder, HOME's)."""
    entry = META.get(stem, {})
    location = entry.get("location", "project")
    base = home if location == "user" else workspace
    return base / PLACES[location] / entry.get("placeAs", f"{stem}.md")


def _all_findings() -> dict[str, list[Finding]]:
    """What `agent-ls check` reports for every case placed as recorded, all in one run (so
    names are compared across the files, as Claude Code loaded them together)."""
    with tempfile.TemporaryDirectory(prefix="agent-ls-styles-") as tmp:
        workspace, home = Path(tmp) / "workspace", Path(tmp) / "home"
        placed = {}
        for stem in STEMS:
            path = placed_path(stem, workspace, home)
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(record_styles.CASES / f"{stem}.md", path)
            placed[path] = stem
        paths = sorted(placed)
        reports, errors = check_paths(paths, set(paths), workspace, Settings(), home)
    assert not errors, errors
    return {placed[r.path]: r.findings for r in reports}


FINDINGS = _all_findings()
LOADED = {s: GOLDENS["cases"][s]["loaded"] for s in STEMS}


def findings(stem: str) -> list[Finding]:
    return FINDINGS.get(stem, [])


def style_name(stem: str) -> str:
    text = (record_styles.CASES / f"{stem}.md").read_text("utf-8", errors="replace")
    return DIALECT.load(read_source(text), stem).name


def hidden_by(stem: str) -> str | None:
    """The loaded case whose style took this case's name (Claude Code lists it instead)."""
    if LOADED[stem]:
        return None
    name = style_name(stem)
    return next(
        (s for s in STEMS if LOADED[s] and GOLDENS["cases"][s]["listed"]["name"] == name), None
    )


def shares_a_name(stem: str) -> bool:
    return any(s != stem and style_name(s) == style_name(stem) for s in STEMS)


def expected(stem: str) -> str:
    """What Claude Code's behaviour requires: "error", "duplicate", "warning" or "no-error"."""
    golden = GOLDENS["cases"][stem]
    if hidden_by(stem) is not None:
        return "duplicate"
    if not golden["loaded"]:
        return "error"
    if any("[WARN]" in line or "[ERROR]" in line for line in golden["log"]):
        return "warning"
    return "no-error"


def agrees(stem: str) -> tuple[bool, str]:
    found = findings(stem)
    worst = min((f.severity for f in found), default=Severity.HINT + 1)
    need = expected(stem)
    hidden = [f for f in found if f.code == DIALECT.name_slot.code]
    ok = {
        "error": worst == Severity.ERROR,
        "duplicate": bool(hidden) and worst != Severity.ERROR,
        "warning": Severity.ERROR < worst <= Severity.WARNING,
        "no-error": worst != Severity.ERROR,
    }[need]
    # A name shared with no other case, or a winner named that Claude Code did not load.
    ok = ok and (shares_a_name(stem) or not hidden)
    ok = ok and not any(duplicate_claim_contradicted(LOADED, stem, f) for f in hidden)
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


def test_a_hidden_style_names_the_style_that_hides_it() -> None:
    """s021 (a user style) is hidden by s020 (the project's); s031 and s032 share one folder, so
    only the scan order decides, and both say so."""
    (user,) = [f for f in findings("s021-duplicate-user") if f.code == "OS204"]
    assert "s020-duplicate-project.md` (a project style wins over a user style)" in user.message
    for stem in ("s031-duplicate-same-folder-a", "s032-duplicate-same-folder-b"):
        (twin,) = [f for f in findings(stem) if f.code == "OS204"]
        assert "scan order" in twin.message
    assert not [f for f in findings("s020-duplicate-project") if f.code == "OS204"]


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
