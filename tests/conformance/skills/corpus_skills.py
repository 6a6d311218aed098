"""The real-world check: the skills and commands that public npm packages ship, recorded with
the real Claude Code and scored against agent-ls.

    .venv/bin/python tests/conformance/skills/corpus_skills.py

Reads the packages `tests/conformance/corpus.py` fetched into `tests/conformance/.corpus/`
(gitignored). In each package, every folder holding a `skills/` or `commands/` folder is one
workspace's `.claude/` for one recorder run (`recorder.record`). A file counts as loaded when
Claude Code knows the name its path gives (the Skill tool's listing, the `init` lists); agent-ls
must give an Error exactly to the files it does not load or that cannot run (a refused model).
Nothing is written; the figures are printed, then every file with an Error or a Warning
(`DISAGREE` where agent-ls and Claude Code disagree).
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from oracle import Expectation, Score, refused_model  # noqa: E402
from record_skills import install, record  # noqa: E402
from test_skills_conformance import _worst, dialect_of  # noqa: E402

from agent_ls.core.findings import Severity  # noqa: E402
from agent_ls.core.frontmatter import read_source  # noqa: E402
from agent_ls.dialects.base import CheckContext  # noqa: E402
from agent_ls.dialects.skills.loader import SUPPORT  # noqa: E402

CORPUS = HERE.parent / ".corpus"


def roots(unpacked: Path) -> list[Path]:
    """The folders that hold a `skills/` or `commands/` folder (outermost ones only)."""
    found = sorted(
        {p.parent for name in ("skills", "commands") for p in unpacked.rglob(name) if p.is_dir()}
    )
    return [r for r in found if not any(o != r and o in r.parents for o in found)]


def known(goldens: dict[str, Any], name: str) -> bool:
    seen = goldens["names"].get(name, {})
    return bool(seen.get("skill_tool") or seen.get("slash_command") or seen.get("listed"))


def score_root(binary: Path, root: Path, label: str) -> tuple[Score, list[str]]:
    goldens = record(binary, root)
    score, lines = Score(), []
    for rel, golden in goldens["files"].items():
        dialect = dialect_of(rel)
        if dialect is None:
            continue
        path = root / rel
        source = read_source(path.read_bytes().decode("utf-8", "replace"))
        if dialect.place(path, source).kind == SUPPORT:
            continue  # a skill's reference or template: not a skill, for either
        findings = dialect.check(source, CheckContext(dialect.catalogue, path=path))
        loaded = known(goldens, golden["name"])
        model = goldens["names"].get(golden["name"], {}).get("invoked", {}).get("model")
        if not loaded and dialect.load_at(source, path) is None:
            expected = Expectation("error", "not loaded")
        elif not loaded:
            expected = Expectation("error", "not loaded (agent-ls loads it)")
        elif refused_model(model):
            expected = Expectation("error", f"refused model {model}")
        else:
            expected = Expectation("no-error", "loaded")
        error = _worst(findings) == Severity.ERROR
        ok = error == (expected.need == "error")
        score.add(expected, findings, ok)
        if not ok or error or _worst(findings) <= Severity.WARNING:
            codes = ", ".join(f.code for f in findings) or "nothing"
            mark = "" if ok else "DISAGREE "
            lines.append(f"  {mark}{label}/{rel}: Claude Code {expected.why}; agent-ls {codes}")
    return score, lines


def main() -> int:
    binary = install()
    packages = sorted(CORPUS.glob("*.tgz"))
    if not packages:
        print(f"no packages in {CORPUS}: run tests/conformance/corpus.py first", file=sys.stderr)  # noqa: T201
        return 2
    total, disagreements = Score(), []
    with tempfile.TemporaryDirectory(prefix="agent-ls-skills-corpus-") as tmp:
        for package in packages:
            unpacked = Path(tmp) / package.stem
            with tarfile.open(package) as archive:
                archive.extractall(unpacked, filter="data")
            score = Score()
            for root in roots(unpacked):
                part, lines = score_root(binary, root, package.stem)
                disagreements += lines
                for field in vars(score):
                    setattr(score, field, getattr(score, field) + getattr(part, field))
            if score.files:
                print(f"{package.stem}: {score.summary()}")  # noqa: T201
            for field in vars(total):
                setattr(total, field, getattr(total, field) + getattr(score, field))
            shutil.rmtree(unpacked)
    print(f"all: {total.summary()}")  # noqa: T201
    print("\n".join(disagreements))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
