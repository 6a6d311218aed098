"""Records what the real Claude Code does with every output-style file in `cases/`: the goldens.

    .venv/bin/python tests/conformance/output_styles/record_styles.py          # write goldens.json
    .venv/bin/python tests/conformance/output_styles/record_styles.py --check  # compare (exit 1)
    .venv/bin/python tests/conformance/output_styles/record_styles.py --measure FOLDER...

One run places every case where `cases.json` says (`location`: `project` = the workspace's
`.claude/output-styles/` (the default), `sub` = two folders below it, `user` =
`~/.claude/output-styles/`; `placeAs`: another file name, e.g. `.MD`) and asks `claude -p
/output-style`, which prints every style it loaded with its description. Then one run per listed
custom style selects it (`--settings {"outputStyle": NAME}`): the first request to the fake API
carries `# Output Style: NAME` and the style's prompt, whose `style case sNNN` marker says which
file won the name. The debug log gives the lines naming each file.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/conformance, for `record`
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for `fakeapi`

from record import RecordError, diff, install, installed_version, run_claude  # noqa: E402
from record import _strings as strings  # noqa: E402

from fakeapi import reply_text  # noqa: E402

CASES = HERE / "cases"
CASES_META = HERE / "cases.json"
GOLDENS = HERE / "goldens.json"
LIST_PROMPT = "/output-style"
STYLE_HEADER = re.compile(r"# Output Style: ([^\n]*)\n")
MARKER = re.compile(r"style case (s\d{3})")
CASE_ID = re.compile(r"(?<![A-Za-z0-9])(s\d{3})(?![0-9])")


def parse_style_listing(stdout: str) -> list[dict[str, str]]:
    """Returns the styles `/output-style` prints (`- NAME: DESCRIPTION`, `- NAME (current)`)."""
    _, _, block = stdout.partition("Available styles:\n")
    block = block.split("\n\nUsage:", 1)[0]
    styles: list[dict[str, str]] = []
    for line in block.splitlines():
        if not line.startswith("- "):
            if styles and line:  # a description that goes on over several lines
                styles[-1]["description"] += "\n" + line
            continue
        name, _, description = line[2:].partition(": ")
        name = name.removesuffix(" (current)")
        styles.append({"name": name, "description": description})
    return styles


def selected_style(requests: list[Any]) -> dict[str, str] | None:
    """Returns the style a run's requests carry: its name and the start of its prompt."""
    for request in requests:
        text = decoded(request.body)
        match = STYLE_HEADER.search(text)
        if match is not None:
            prompt = text[match.end() :].split("\n\nThe following deferred", 1)[0]
            return {"name": match.group(1), "prompt": prompt[:300]}
    return None


def decoded(body: Any) -> str:
    """Every string of a request body, joined."""
    return "\n".join(strings(body))


def normalise_log(line: str, root: Path) -> str:
    line = re.sub(r"^\S+Z \[", "[", line.rstrip())  # timestamp
    return line.replace(str(root), "$TMP")


def fresh_root(prefix: str) -> Path:
    root = Path(tempfile.mkdtemp(prefix=prefix)).resolve()
    (root / "home").mkdir()
    (root / "workspace").mkdir()
    return root


def case_meta() -> dict[str, dict[str, Any]]:
    return json.loads(CASES_META.read_text()) if CASES_META.exists() else {}


def _place(root: Path) -> dict[str, Path]:
    """Copies each case where its `location` says; returns stem → its path in the run."""
    meta = case_meta()
    folders = {
        "project": root / "workspace" / ".claude" / "output-styles",
        "sub": root / "workspace" / ".claude" / "output-styles" / "team" / "shared",
        "user": root / "home" / ".claude" / "output-styles",
    }
    placed = {}
    for path in sorted(CASES.glob("*.md")):
        entry = meta.get(path.stem, {})
        folder = folders[entry.get("location", "project")]
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / entry.get("placeAs", path.name)
        shutil.copyfile(path, target)
        placed[path.stem] = target
    return placed


def list_styles(binary: Path, root: Path, args: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Runs `claude -p /output-style` in `root`; returns the styles it lists."""
    run, _, _ = run_claude(binary, root, lambda _r: reply_text("ok"), LIST_PROMPT, args)
    styles = parse_style_listing(run.stdout)
    if not styles:
        raise RecordError(f"/output-style listed nothing (exit {run.returncode}):\n{run.stdout}")
    return styles


def select_style(
    binary: Path, root: Path, name: str, args: tuple[str, ...] = ()
) -> dict[str, str] | None:
    """Runs one prompt with `outputStyle: name`; returns the style the request carries."""
    settings = ("--settings", json.dumps({"outputStyle": name}))
    _, requests, _ = run_claude(binary, root, lambda _r: reply_text("ok"), "hello", args + settings)
    return selected_style(requests)


def record(binary: Path) -> dict[str, Any]:
    """Runs Claude Code over every case; returns the goldens."""
    root = fresh_root("agent-ls-styles-")
    try:
        placed = _place(root)
        styles = list_styles(binary, root)
        builtin = [
            s["name"] for s in styles if CASE_ID.search(s["description"] + s["name"]) is None
        ]
        log = (root / "debug.log").read_text(errors="replace").splitlines()
        winners: dict[str, dict[str, Any]] = {}
        for style in styles:
            selected = select_style(binary, root, style["name"])
            if selected is None:
                continue  # the built-in `default` adds no section
            found = MARKER.search(selected["prompt"]) or CASE_ID.search(style["name"])
            if found is None:
                continue  # a built-in style
            stem = next(s for s in placed if s.startswith(found.group(1)))
            winners[stem] = {**style, "selectedAs": selected["name"], "prompt": selected["prompt"]}
        cases: dict[str, Any] = {}
        for stem, where in placed.items():
            lines = [normalise_log(line, root) for line in log if str(where) in line]
            style = winners.get(stem)
            if style is not None:
                lines += [
                    normalise_log(line, root)
                    for line in log
                    if f'Output style "{style["name"]}"' in line
                ]
            cases[stem] = {"loaded": style is not None, "log": lines}
            if style is not None:
                cases[stem]["listed"] = style
        return {
            "claudeCode": installed_version(),
            "builtinStyles": [
                n for n in builtin if not any(n == w["name"] for w in winners.values())
            ],
            "cases": cases,
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def measure(binary: Path, folders: list[Path]) -> int:
    """Lists each folder of style files as a project's `.claude/output-styles/` and prints
    whether agent-ls names and describes every style as Claude Code lists it, and what it
    reports (nothing is written); returns 1 when a style disagrees."""
    from agent_ls.core.findings import Severity
    from agent_ls.core.frontmatter import read_source
    from agent_ls.dialects.output_styles import DIALECT

    disagree = 0
    for folder in folders:
        root = fresh_root("agent-ls-styles-")
        try:
            target = root / "workspace" / ".claude" / "output-styles"
            shutil.copytree(folder, target)
            listed = {(s["name"], s["description"]) for s in list_styles(binary, root)}
            files = sorted(p for p in target.rglob("*.md") if p.is_file())
        finally:
            shutil.rmtree(root, ignore_errors=True)
        worst: dict[str, int] = {}
        mine = set()
        for path in sorted(p for p in folder.rglob("*.md") if p.is_file()):
            source = read_source(path.read_text("utf-8", errors="replace"))
            style = DIALECT.load(source, path.stem)
            mine.add((style.name, style.description))
            found = DIALECT.check(source, DIALECT.context(path.stem))
            level = min((f.severity for f in found), default=Severity.HINT + 1)
            label = Severity(level).label if level <= Severity.HINT else "clean"
            worst[label] = worst.get(label, 0) + 1
        # The style in use is listed without its description (`- default (current)`).
        current = {n for n, d in listed if not d}
        wrong = {x for x in mine - listed if x[0] not in current}
        disagree += bool(wrong)
        same = len(mine) - len(wrong)
        report = f"{same} named and described as Claude Code lists them; worst finding: {worst}"
        print(f"{folder}: {len(files)} files; {report}")  # noqa: T201
        for name, description in sorted(wrong):
            print(f"  agent-ls: {name!r}: {description[:80]!r}")  # noqa: T201
    return 1 if disagree else 0


def main(argv: list[str] | None = None) -> int:
    return recorder_main(argv, __doc__, "STYLES_FOLDER", record, measure, GOLDENS, _summary)


def _summary(goldens: dict[str, Any]) -> str:
    loaded = sum(c["loaded"] for c in goldens["cases"].values())
    return f"{len(goldens['cases'])} cases, {loaded} loaded"


def recorder_main(
    argv: list[str] | None,
    doc: str | None,
    metavar: str,
    record_all: Callable[[Path], dict[str, Any]],
    measure_all: Callable[[Path, list[Path]], int],
    path: Path,
    summary: Callable[[dict[str, Any]], str],
) -> int:
    """The command line of a recorder: write the goldens, `--check` them, or `--measure`."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with goldens.json")
    parser.add_argument("--measure", nargs="+", type=Path, metavar=metavar)
    args = parser.parse_args(argv)
    try:
        if args.measure:
            return measure_all(install(), args.measure)
        goldens = record_all(install())
    except RecordError as err:
        print(f"{Path(sys.argv[0]).name}: {err}", file=sys.stderr)  # noqa: T201
        return 2
    return finish(goldens, path, args.check, summary(goldens))


def finish(goldens: dict[str, Any], path: Path, check: bool, summary: str) -> int:
    """Writes the goldens to `path`, or with `check` prints how they differ from it (exit 1)."""
    if check:
        changes = diff(json.loads(path.read_text()), goldens)
        for change in changes:
            print(change)  # noqa: T201
        return 1 if changes else 0
    path.write_text(json.dumps(goldens, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{summary} → {path}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
