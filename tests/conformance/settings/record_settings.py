"""Records what the real Claude Code does with settings files and their hooks: the goldens.

    .venv/bin/python tests/conformance/settings/record_settings.py          # write goldens.json
    .venv/bin/python tests/conformance/settings/record_settings.py --check  # compare with goldens.json

Each case is a folder of `cases/` holding the files of one run: `workspace/` (the project's
`.claude/settings.json` and `.claude/settings.local.json`) and `home/` (the user's
`~/.claude/settings.json`). The workspace is trusted (`~/.claude.json`), as a user's project is
after the trust dialog; untrusted, Claude Code ignores a project's permission rules.

Offline, with the pinned binary (`run_claude` of the agents' recorder), `claude -p` runs whose
first request the fake API answers with a tool_use of Bash (`echo hi`), so tool hooks fire.
Three cases share a run where they can (`plan`). A hook in a case writes its label to
`fired.log` (`echo LABEL >> fired.log`, made a log of the case's own in the run): the golden
lists the labels that really fired. From stderr: the files that did not load ("These settings
did not load…", with the cause), the entries skipped ("These settings entries were skipped…"), the other
lines (permission-rule notices); and what the Bash tool returned (ran, or denied).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/conformance, for the agents' recorder
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for `fakeapi`

from record import (  # noqa: E402
    RecordError,
    _first_user_text,
    _has_tool_results,
    _strings,
    install,
    installed_version,
    run_claude,
)

from fakeapi import Message, RecordedRequest, reply_text, tool_use  # noqa: E402

CASES = HERE / "cases"
GOLDENS = HERE / "goldens.json"
PROMPT = "Settings conformance run: run the command."
SETTINGS_FILES = (
    "workspace/.claude/settings.json",
    "workspace/.claude/settings.local.json",
    "home/.claude/settings.json",
)
PARALLEL = 4  # runs at once: each spends most of its time waiting for the binary to start
NOT_LOADED_HEADER = "These settings did not load"
SKIPPED_HEADER = "These settings entries were skipped"


class Conductor:
    """Answers the main conversation's first request with `Bash echo hi`, then ends it."""

    def __init__(self) -> None:
        self.tool_result: dict[str, Any] | None = None

    def __call__(self, request: RecordedRequest) -> Message:
        body = request.body if isinstance(request.body, dict) else {}
        if PROMPT not in _first_user_text(body):
            return reply_text("ok")  # a side request (title, classifier…)
        if not _has_tool_results(body):
            command = {"command": "echo hi", "description": "Say hi"}
            return Message(content=[tool_use("Bash", command)], stop_reason="tool_use")
        for message in body.get("messages", []):
            content = message.get("content")
            for block in content if isinstance(content, list) else []:
                if isinstance(block, dict) and block.get("type") == "tool_result":
                    self.tool_result = {
                        "is_error": bool(block.get("is_error")),
                        "text": "\n".join(_strings(block.get("content")))[:300],
                    }
        return reply_text("done")


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def case_files(case: Path) -> list[str]:
    """The settings files a case holds, relative to the case folder."""
    return [name for name in SETTINGS_FILES if (case / name).is_file()]


def _normalise(line: str, root: Path) -> str:
    line = line.rstrip().replace(str(root), "$TMP")
    return re.sub(r"\b\d+(?:\.\d+)?ms\b", "Nms", line)


def _file_of(line: str) -> str | None:
    """The case-relative settings file a stderr line names (`$TMP/workspace/...`)."""
    for name in SETTINGS_FILES:
        if f"$TMP/{name}" in line:
            return name
    return None


def read_stderr(stderr: str, root: Path) -> dict[str, Any]:
    """Splits `-p` stderr into the files not loaded (file → [path, cause]; the path is empty for
    the whole file), the entries skipped ([file, path, message]) and the other lines."""
    not_loaded: dict[str, list[str]] = {}
    skipped: list[list[str]] = []
    other: list[str] = []
    section = ""
    for raw in stderr.splitlines():
        line = _normalise(raw, root)
        if line.startswith(NOT_LOADED_HEADER):
            section = "not-loaded"
            continue
        if line.startswith(SKIPPED_HEADER):
            section = "skipped"
            continue
        name = _file_of(line)
        if section and line.startswith("  ") and name is not None:
            rest = line.split(f"$TMP/{name}", 1)[1]
            entry = re.match(r" \((.*?)\): (.*)", rest)
            if section == "not-loaded":
                not_loaded[name] = [entry.group(1), entry.group(2)] if entry else ["", rest[2:]]
            elif entry is not None:
                skipped.append([name, entry.group(1), entry.group(2)])
            continue
        if not line.startswith("  "):
            section = ""
        if line.strip() and not line.startswith("Fix each problem listed"):
            other.append(line)
    return {"notLoaded": not_loaded, "entries": skipped, "other": other}


def _trust(root: Path) -> None:
    config = root / "home" / ".claude.json"
    if not config.exists():
        projects = {str(root / "workspace"): {"hasTrustDialogAccepted": True}}
        config.write_text(json.dumps({"projects": projects}), "utf-8")


Slots = dict[str, str]
"""A case's settings files → where they go in a run (the same names unless batched)."""

_SHARED = re.compile(r'"(?:permissions|disableAllHooks|env)"')
"""Settings that act on every file of a run (a deny rule, a mode) or print lines that name no
file path (notices about rules): a case with one of them runs alone."""


def batchable(case: Path) -> bool:
    """A case of one project file that changes nothing for the other files of its run."""
    files = case_files(case)
    return files == [SETTINGS_FILES[0]] and not _SHARED.search((case / files[0]).read_text("utf-8"))


def plan(cases: list[Path]) -> list[list[tuple[Path, Slots]]]:
    """The runs that record `cases`: three batchable cases share a run, one per settings file
    (project, local, user; each file loads or fails alone, and each case's hooks write their own
    log); any other case runs alone."""
    runs: list[list[tuple[Path, Slots]]] = []
    batch = [case for case in cases if batchable(case)]
    for at in range(0, len(batch), len(SETTINGS_FILES)):
        group = batch[at : at + len(SETTINGS_FILES)]
        runs.append(
            [(case, {SETTINGS_FILES[0]: SETTINGS_FILES[i]}) for i, case in enumerate(group)]
        )
    runs += [[(case, {f: f for f in case_files(case)})] for case in cases if not batchable(case)]
    return runs


def record_run(binary: Path, run: list[tuple[Path, Slots]]) -> dict[str, dict[str, Any]]:
    """Runs Claude Code once on the cases of `run`; returns their goldens."""
    with tempfile.TemporaryDirectory(prefix="agent-ls-settings-") as tmp:
        root = Path(tmp).resolve()
        for part in ("workspace", "home"):
            (root / part).mkdir()
        for case, slots in run:
            for name, slot in slots.items():
                target = root / slot
                target.parent.mkdir(parents=True, exist_ok=True)
                text = (case / name).read_bytes().replace(b"fired.log", _log(case).encode())
                target.write_bytes(text)
        _trust(root)
        conductor = Conductor()
        done, _, _ = run_claude(binary, root, conductor, PROMPT)
        stderr = read_stderr(done.stderr, root)
        goldens = {}
        for case, slots in run:
            log = root / "workspace" / _log(case)
            fired = log.read_text("utf-8").split() if log.exists() else []
            others = set(slots.values()) ^ set().union(*(s.values() for _, s in run))
            goldens[case.name] = {
                "loaded": {name: slot not in stderr["notLoaded"] for name, slot in slots.items()},
                "notLoaded": {
                    name: stderr["notLoaded"][slot]
                    for name, slot in slots.items()
                    if slot in stderr["notLoaded"]
                },
                "entries": [
                    [name, path, message]
                    for name, slot in slots.items()
                    for file, path, message in stderr["entries"]
                    if file == slot
                ],
                "other": [
                    line for line in stderr["other"] if not any(f"$TMP/{o}" in line for o in others)
                ],
                "fired": sorted(set(fired)),
                "bash": conductor.tool_result,
                "exitCode": done.returncode,
            }
        return goldens


def _log(case: Path) -> str:
    return f"fired-{case.name}.log"


def record(binary: Path, only: list[str] | None = None) -> dict[str, Any]:
    """Records every case (or `only` these); runs overlap, since each mostly waits."""
    cases = [c for c in case_dirs() if not only or c.name in only]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        recorded = list(pool.map(lambda run: record_run(binary, run), plan(cases)))
    goldens = {name: golden for part in recorded for name, golden in sorted(part.items())}
    return {"claudeCode": installed_version(), "cases": dict(sorted(goldens.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with goldens.json")
    parser.add_argument("--print", action="store_true", help="print the recording, write nothing")
    parser.add_argument("cases", nargs="*", help="only these cases")
    args = parser.parse_args(argv)
    try:
        goldens = record(install(), args.cases)
    except RecordError as err:
        print(f"record_settings.py: {err}", file=sys.stderr)  # noqa: T201
        return 2
    if args.print:
        print(json.dumps(goldens, indent=1, ensure_ascii=False))  # noqa: T201
        return 0
    if args.check:
        stored = json.loads(GOLDENS.read_text("utf-8"))
        changed = [k for k in goldens["cases"] if stored["cases"].get(k) != goldens["cases"][k]]
        for name in changed:
            print(f"{name}: {json.dumps(goldens['cases'][name], ensure_ascii=False)}")  # noqa: T201
        return 1 if changed else 0
    if args.cases and GOLDENS.exists():  # re-record some cases: keep the others
        stored = json.loads(GOLDENS.read_text("utf-8"))
        goldens["cases"] = {**stored["cases"], **goldens["cases"]}
    GOLDENS.write_text(json.dumps(goldens, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(goldens['cases'])} cases → {GOLDENS}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
