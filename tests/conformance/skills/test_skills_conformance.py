"""Skills and slash commands proved against the real Claude Code (the goldens `record_skills.py`
writes; one run covers both, as one loader reads both).

- `test_claude_code_matches_goldens` (marked `conformance`): re-records with the pinned Claude
  Code and fails when it behaves differently from `goldens.json`.
- `test_agent_ls_agrees` (fast): for every case file, an Error when Claude Code never reads it
  (or the skill cannot run: a model the API refuses); at least a Warning when it loads it but
  drops or ignores something written; no Error when it loads it as written.
- `test_agent_ls_loads_what_claude_code_lists`: the skills loader gives the name, the listing's
  description, the allowed tools, the model and who may invoke it, as Claude Code does.

`python tests/conformance/skills/test_skills_conformance.py` prints the figures.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from agent_ls.core.findings import Finding, Severity
from agent_ls.core.frontmatter import read_source
from agent_ls.dialects import dialect_for
from agent_ls.dialects.base import CheckContext, Dialect
from agent_ls.dialects.commands import DIALECT as COMMANDS
from agent_ls.dialects.skills import DIALECT as SKILLS
from agent_ls.dialects.skills import SkillsDialect
from agent_ls.settings import Settings
from agent_ls.workspace import name_table

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import record_skills  # noqa: E402
from oracle import Expectation, Score, refused_model  # noqa: E402

CASES = HERE / "cases"
GOLDENS: dict[str, Any] = json.loads((HERE / "goldens.json").read_text("utf-8"))
META: dict[str, dict[str, Any]] = json.loads((HERE / "cases.json").read_text("utf-8"))
FILES = sorted(GOLDENS["files"])


def dialect_of(rel: str) -> Dialect | None:
    """The dialect agent-ls checks a case file with (None: not a skill or command file; a
    `.txt` in `commands/` is one Claude Code skips for its extension)."""
    if not rel.lower().endswith(".md"):
        return dialect_for(record_skills.placed(rel, WS, HOME), WS, Settings())
    return SKILLS if rel.removeprefix("user/").startswith("skills/") else COMMANDS


WS, HOME = Path("/ws"), Path("/home/user")


def findings_of(rel: str) -> list[Finding]:
    """What agent-ls reports for a case file: by its own text and place, plus names across
    every case file (`hidden_findings`)."""
    dialect = dialect_of(rel)
    assert dialect is not None
    path = CASES / rel
    source = read_source(path.read_bytes().decode("utf-8", "replace"))
    own = dialect.check(source, CheckContext(dialect.catalogue, path=path, file_stem=path.stem))
    hidden = hidden_findings().get(rel)
    return own if hidden is None else [*own, hidden]


@functools.cache
def hidden_findings() -> dict[str, Finding]:
    """The name findings (SK114, CM114) of the case files placed as recorded (the project's
    in a workspace, `user/…` in HOME), all in one name table as Claude Code loaded them."""
    with tempfile.TemporaryDirectory(prefix="agent-ls-skills-") as tmp:
        workspace, home = Path(tmp) / "ws", Path(tmp) / "home"
        table = name_table(home)
        placed = {}
        for rel in FILES:
            to = record_skills.placed(rel, workspace, home)
            to.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(CASES / rel, to)
            placed[to] = rel
        for to, rel in placed.items():
            dialect = dialect_of(rel)
            if dialect is not None and rel.endswith(".md"):
                source = read_source(to.read_bytes().decode("utf-8", "replace"))
                table.record(to, dialect.declared_name(to, source))
        found = {rel: table.duplicates(to) for to, rel in placed.items()}
    return {rel: f for rel, f in found.items() if f is not None}


def hidden_by(rel: str) -> str | None:
    """The loaded case file that took this one's name (Claude Code ran it instead)."""
    golden = GOLDENS["files"][rel]
    if golden["loaded"]:
        return None
    return next(
        (
            other
            for other, seen in GOLDENS["files"].items()
            if other != rel and seen["loaded"] and seen["name"] == golden["name"]
        ),
        None,
    )


def expectation(rel: str) -> Expectation:
    """What agent-ls must report for a case file, from what Claude Code did with it."""
    golden = GOLDENS["files"][rel]
    meta = META.get(rel, {})
    if meta.get("conditional"):
        return Expectation("no-error", "conditional: listed once a matching file is touched")
    winner = hidden_by(rel)
    # Across levels a file of the same name hides it (SK114, CM114); inside the project a
    # skill hides its command by CM108, an Error of the command's place.
    if winner is not None and rel.startswith("user/") != winner.startswith("user/"):
        return Expectation("duplicate", f"Claude Code runs {winner} under its name")
    if not golden["loaded"]:
        return Expectation("error", f"not loaded ({(golden['log'] or ['no log line'])[0]})")
    named = GOLDENS["names"].get(golden["name"], {})
    model = named.get("invoked", {}).get("model")
    if refused_model(model):
        return Expectation("error", f"cannot run: the API refuses the model {model}")
    changes = [meta["changes"]] if meta.get("changes") else []
    changes += [line for line in golden["log"] if "[WARN]" in line or "[ERROR]" in line]
    if (named.get("listed") or "").endswith("…"):
        changes.append("the listing cuts the description")
    if changes:
        return Expectation("warning", "; ".join(changes))
    return Expectation("no-error", "loaded as written")


def _worst(findings: list[Finding]) -> int:
    return min((f.severity for f in findings), default=Severity.HINT + 1)


def verdict(rel: str) -> tuple[bool, str]:
    expected = expectation(rel)
    findings = findings_of(rel)
    level = _worst(findings)
    hidden = [f for f in findings if f.code in ("SK114", "CM114")]
    ok = {
        "error": level == Severity.ERROR,
        "duplicate": bool(hidden) and level != Severity.ERROR,
        "warning": level <= Severity.WARNING,
        "no-error": level != Severity.ERROR,
    }[expected.need]
    if hidden and expected.need != "duplicate":
        ok = False  # says another file takes its name, where Claude Code runs this one
    winner = hidden_by(rel)
    if hidden and winner is not None:  # the winner it names is the one Claude Code ran
        ok = ok and f"{record_skills.placed(winner, Path('ws'), Path('home'))}`" in (
            hidden[0].message
        )
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in findings) or "nothing"
    return ok, f"Claude Code: {expected.need} — {expected.why}\nagent-ls: {shown}"


CHECKED = [rel for rel in FILES if dialect_of(rel) is not None]


@pytest.mark.parametrize("rel", CHECKED)
def test_agent_ls_agrees(rel: str) -> None:
    ok, explanation = verdict(rel)
    assert ok, f"{rel}: agent-ls disagrees with Claude Code\n{explanation}"


@pytest.mark.parametrize("rel", [rel for rel in FILES if rel not in CHECKED])
def test_files_agent_ls_does_not_check_are_not_loaded(rel: str) -> None:
    """A file that is no Markdown is no skill or command: Claude Code does not load it either."""
    assert not GOLDENS["files"][rel]["loaded"]


def _invocable_text(rel: str) -> bool:
    """Whether Claude Code served this file's own text when its name was invoked."""
    golden = GOLDENS["files"][rel]
    return golden["loaded"] and GOLDENS["names"][golden["name"]]["invoked"]["ok"]


@pytest.mark.parametrize("rel", [rel for rel in CHECKED if GOLDENS["files"][rel]["loaded"]])
def test_agent_ls_loads_what_claude_code_lists(rel: str) -> None:
    dialect = dialect_of(rel)
    assert dialect is not None
    path = CASES / rel
    assert isinstance(dialect, SkillsDialect)
    loaded = dialect.load_at(read_source(path.read_bytes().decode("utf-8", "replace")), path)
    assert loaded is not None, f"{rel}: Claude Code loads it, agent-ls says it does not"
    golden = GOLDENS["files"][rel]
    named = GOLDENS["names"][golden["name"]]
    assert loaded.name == golden["name"]
    assert loaded.display_name == named.get("display")
    if named["listed"] is not None:
        assert loaded.description == named["listed"]
    # Listed only when the model may invoke it; a slash command only when a user may.
    assert (named["listed"] is not None) == loaded.model_invocable
    assert named["slash_command"] == loaded.user_invocable
    invoked = named["invoked"]
    if _invocable_text(rel):
        assert loaded.allowed_tools == invoked.get("allowedTools", [])
        model = invoked.get("model")
        if model is not None and not refused_model(model) and model.startswith("claude-"):
            expected = loaded.model if loaded.model in _known_ids() else model
            assert expected == model


def _known_ids() -> set[str]:
    return set(SKILLS.catalogue.agents.model_ids)


@pytest.mark.conformance
def test_claude_code_matches_goldens(claude_code: Path) -> None:
    import record_skills as recorder  # noqa: PLC0415 - the recorder lives next to this file

    recorded = recorder.record(claude_code)
    changes = recorder.diff(GOLDENS, recorded)
    assert not changes, (
        "Claude Code behaves differently from skills/goldens.json (re-record with "
        "tests/conformance/skills/record_skills.py if intended):\n" + "\n".join(changes)
    )


def agreement() -> str:
    """The agreement figures, one line per disagreement."""
    score, lines = Score(), []
    for rel in CHECKED:
        ok, explanation = verdict(rel)
        score.add(expectation(rel), findings_of(rel), ok)
        if not ok:
            lines.append(f"  {rel}: " + explanation.replace("\n", " | "))
    return "\n".join([score.summary(), *lines])


if __name__ == "__main__":
    print(agreement())  # noqa: T201
