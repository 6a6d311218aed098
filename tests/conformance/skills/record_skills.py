"""Records what the real Claude Code does with every skill and slash command in `cases/`.

    .venv/bin/python tests/conformance/skills/record_skills.py          # write goldens.json
    .venv/bin/python tests/conformance/skills/record_skills.py --check  # compare with it (exit 1)

Claude Code loads skills and commands through one loader, so one run covers both: every entry of
`cases/skills/` is copied into the throwaway workspace's `.claude/skills/`, every entry of
`cases/commands/` into `.claude/commands/`, and those of `cases/user/skills/` and
`cases/user/commands/` into HOME's `.claude/` (the user's: who wins a name shared across
levels). The run (`run_claude`, offline against the loopback
fake API, `--output-format stream-json --verbose`) shows:

- the `init` message's `skills` (what the Skill tool can run) and `slash_commands` (what a user
  can type);
- the first request's listing "The following skills are available for use with the Skill tool:"
  (`- NAME: DESCRIPTION`, the description the model is shown);
- for a Skill tool_use per probed name (the name each file's path gives, and its frontmatter
  `name`), the tool result: the allowed tools and model Claude Code resolved, the expanded text
  (arguments, `!`-commands, `@file`) or the error ("Unknown skill: X").

Goldens: per name what the binary shows, per file whether it is loaded (its path's name is known
and, when the text was expanded, its own body was), and the debug-log lines naming it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/conformance, for `record`
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for `fakeapi`

from record import (  # noqa: E402
    RecordError,
    _strings,  # noqa: E402
    comparable,
    install,
    installed_version,
    run_claude,
)
from record import diff as record_diff  # noqa: E402

from fakeapi import Message, RecordedRequest, reply_text, tool_use  # noqa: E402

CASES = HERE / "cases"
GOLDENS = HERE / "goldens.json"
MAIN_PROMPT = "Conformance run: invoke every listed skill."
LISTING_HEADER = "The following skills are available for use with the Skill tool:\n"
KINDS = ("skills", "commands", "user/skills", "user/commands")
"""The case folders: the project's, then the user's (`user/…` is copied into HOME)."""
CASE_ID = re.compile(r"(?<![A-Za-z0-9])[sm]\d{3}(?![0-9])")
ARGS = "first second third"
BATCH = 20
# --allowedTools Skill: without it a skill with allowed-tools asks for permission, which -p denies.
EXTRA_ARGS = ("--output-format", "stream-json", "--verbose", "--allowedTools", "Skill")


def case_files(cases: Path = CASES) -> list[str]:
    """Every file of the case folders (`KINDS`), as its path under `cases`
    (`skills/s001-x/SKILL.md`, `user/commands/m031-x.md`)."""
    return sorted(
        p.relative_to(cases).as_posix()
        for kind in KINDS
        if (cases / kind).is_dir()
        for p in (cases / kind).rglob("*")
        if p.is_file()
    )


def placed(rel: str, workspace: Path, home: Path) -> Path:
    """Where a case file is copied for the run: the workspace's or HOME's `.claude/`."""
    user = rel.startswith("user/")
    return (home if user else workspace) / ".claude" / rel.removeprefix("user/")


def path_name(rel: str) -> str:
    """The name a file's path gives it (a skill's folder; a command's path joined with `:`)."""
    kind, *parts = rel.removeprefix("user/").split("/")
    if kind == "skills":
        return parts[0].removesuffix(".md") if len(parts) == 1 else parts[0]
    if parts[-1] == "SKILL.md" and len(parts) > 1:
        parts = parts[:-1]
    return ":".join(parts).rsplit(".", 1)[0] if "." in parts[-1] else ":".join(parts)


def frontmatter_name(text: str) -> str | None:
    found = re.search(r"^name: *(\S[^\n]*?) *\r?$", text[:4000], re.M)
    return found.group(1) if found else None


def body_marker(text: str) -> str | None:
    """The words of a file's body that name its case (`case s001`), to tell who served a name."""
    found = re.search(r"(?:case|line of) [sm]\d{3}\b", text, re.I)
    return found.group() if found else None


def parse_listing(body: Any) -> dict[str, str]:
    """The skills listing of a request: name → the description the model is shown."""
    for text in _strings(body):
        at = text.find(LISTING_HEADER)
        if at == -1:
            continue
        block = text[at + len(LISTING_HEADER) :].lstrip("\n").split("\n\n", 1)[0]
        listed = {}
        for item in re.split(r"\n(?=- )", block):
            name, _, description = item.removeprefix("- ").partition(": ")
            listed[name] = description
        return listed
    return {}


class Conductor:
    """Answers the main conversation: one Skill tool_use per probed name, in batches."""

    def __init__(self, probes: list[str]) -> None:
        self.probes = probes
        self.lock = threading.Lock()
        self.listing: dict[str, str] | None = None  # name → description
        self.display: dict[str, str] = {}  # name → the frontmatter name shown beside it
        self.pending: list[dict[str, Any]] = []
        self.asked: dict[str, str] = {}  # tool_use id → name

    def __call__(self, request: RecordedRequest) -> Message:
        body = request.body if isinstance(request.body, dict) else {}
        messages = body.get("messages") or [{}]
        if MAIN_PROMPT not in "\n".join(_strings(messages[0].get("content"))):
            return reply_text("ok")  # a side request (title, classifier…)
        with self.lock:
            if self.listing is None:
                self.listing, self.display = _listed_by_name(parse_listing(body), set(self.probes))
                listed = [n for n in self.listing if CASE_ID.search(n)]
                names = list(dict.fromkeys(self.probes + listed))
                for name in names:
                    block = tool_use("Skill", {"skill": name, "args": ARGS})
                    self.asked[block["id"]] = name
                    self.pending.append(block)
            batch, self.pending = self.pending[:BATCH], self.pending[BATCH:]
        if not batch:
            return reply_text("All invoked.")
        return Message(content=batch, stop_reason="tool_use")


def _normalise(text: str, root: Path) -> str:
    text = re.sub(r"^\S+Z \[", "[", text.rstrip())  # a log line's timestamp
    text = text.replace(str(root), "$TMP")
    return re.sub(r"\b\d+(?:\.\d+)?ms\b", "Nms", text)


def _tool_outcomes(stdout: str, asked: dict[str, str], root: Path) -> dict[str, dict[str, Any]]:
    """Per invoked name, from the stream-json events: the tool result and the expanded text."""
    outcomes: dict[str, dict[str, Any]] = {}
    current: dict[str, Any] | None = None
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") != "user":
            current = None if event.get("type") == "assistant" else current
            continue
        content = event.get("message", {}).get("content")
        if not isinstance(content, list):
            continue
        for block in content:
            if block.get("type") == "tool_result" and block.get("tool_use_id") in asked:
                name = asked[block["tool_use_id"]]
                meta = event.get("tool_use_result")
                current = {
                    "ok": not block.get("is_error"),
                    "result": _normalise("\n".join(_strings(block.get("content"))), root),
                }
                if isinstance(meta, dict):
                    for key in ("allowedTools", "model"):
                        if key in meta:
                            current[key] = meta[key]
                outcomes[name] = current
            elif block.get("type") == "text" and current is not None and event.get("isSynthetic"):
                current.setdefault("text", []).append(_normalise(block["text"], root))
    return outcomes


def record(binary: Path, cases: Path = CASES) -> dict[str, Any]:
    """Runs Claude Code once over every file of the case folders (`KINDS`, any may be
    missing); returns the goldens."""
    files = case_files(cases)
    texts = {rel: (cases / rel).read_bytes().decode("utf-8", "replace") for rel in files}
    probes = list(dict.fromkeys(path_name(rel) for rel in files))
    probes += [n for rel in files if (n := frontmatter_name(texts[rel])) and len(n) < 80]
    conductor = Conductor(list(dict.fromkeys(probes)))
    with tempfile.TemporaryDirectory(prefix="agent-ls-skills-") as tmp:
        root = Path(tmp).resolve()
        (root / "home").mkdir()
        claude = root / "workspace" / ".claude"
        claude.mkdir(parents=True)
        for kind in KINDS:
            if (cases / kind).is_dir():
                to = placed(kind, root / "workspace", root / "home")
                shutil.copytree(cases / kind, to, symlinks=True)
        run, _requests, elapsed = run_claude(
            binary, root, conductor, MAIN_PROMPT, extra_args=EXTRA_ARGS
        )
        if conductor.listing is None:
            raise RecordError(f"no request seen (exit {run.returncode}):\n{run.stderr[-2000:]}")
        init = next(
            (e for e in map(_event, run.stdout.splitlines()) if e.get("subtype") == "init"), {}
        )
        log_path = root / "debug.log"
        log = log_path.read_text(errors="replace").splitlines() if log_path.exists() else []
        outcomes = _tool_outcomes(run.stdout, conductor.asked, root)
        skills, commands = set(init.get("skills", [])), set(init.get("slash_commands", []))
        listed, display = conductor.listing, conductor.display
        names: dict[str, Any] = {}
        for name in conductor.asked.values():
            names[name] = {
                "skill_tool": name in skills,
                "slash_command": name in commands,
                "listed": listed.get(name),
                "invoked": outcomes.get(name, {"ok": False, "result": "no tool result"}),
            }
            if name in display:
                names[name]["display"] = display[name]
        goldens: dict[str, Any] = {}
        for rel in files:
            name = path_name(rel)
            seen = names.get(name, {})
            known = bool(seen.get("skill_tool") or seen.get("slash_command") or seen.get("listed"))
            expanded = "\n".join(seen.get("invoked", {}).get("text", []))
            marker = body_marker(texts[rel]) or texts[rel].rsplit("---\n", 1)[-1].strip()
            served = not expanded or marker in expanded
            where = str(placed(rel, root / "workspace", root / "home"))
            goldens[rel] = {
                "name": name,
                "loaded": known and served,
                "log": [_normalise(line, root) for line in log if where in line],
            }
        summary = [_normalise(line, root) for line in log if "Loaded " in line and "skills" in line]
    return {
        "claudeCode": installed_version(),
        "exitCode": run.returncode,
        "seconds": round(elapsed, 1),
        "loaderLog": summary,
        "names": names,
        "files": goldens,
    }


def _listed_by_name(
    listing: dict[str, str], probes: set[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The listing by skill name, and the display names: an item `NAME (DISPLAY): …` is a skill
    whose frontmatter `name` differs from the name it is invoked by."""
    listed, display = {}, {}
    for item, description in listing.items():
        shown = re.fullmatch(r"(.+?) \((.*)\)", item)
        if item not in probes and shown and shown.group(1) in probes:
            listed[shown.group(1)], display[shown.group(1)] = description, shown.group(2)
        else:
            listed[item] = description
    return listed, display


def _event(line: str) -> dict[str, Any]:
    try:
        event = json.loads(line)
    except ValueError:
        return {}
    return event if isinstance(event, dict) else {}


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable differences between two recordings."""
    return record_diff(old, new, sections=("names", "files"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with goldens.json")
    args = parser.parse_args(argv)
    try:
        goldens = record(install())
    except RecordError as err:
        print(f"record_skills.py: {err}", file=sys.stderr)  # noqa: T201
        return 2
    if args.check:
        changes = diff(json.loads(GOLDENS.read_text()), goldens)
        for change in changes:
            print(change)  # noqa: T201
        return 1 if changes else 0
    GOLDENS.write_text(
        json.dumps(comparable(goldens), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    )
    loaded = sum(f["loaded"] for f in goldens["files"].values())
    print(f"{len(goldens['files'])} files, {loaded} loaded, {goldens['seconds']} s → {GOLDENS}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
