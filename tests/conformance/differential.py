"""Differential testing of the YAML reading: generated frontmatter, the real Claude Code as oracle.

    .venv/bin/python tests/conformance/differential.py          # record differential.json
    .venv/bin/python tests/conformance/differential.py --check  # compare agent-ls with it

`generate()` builds, from a fixed seed, thousands of agent files whose frontmatter lines mix what
trips YAML and Claude Code's lenient retry: quotes at one or both ends, `: `, brackets and flow
lists, `#`, tabs, block scalars, anchors and aliases, `{`, `%`, `@`, backticks, CRLF, a BOM.
`record_all()` places them all in a throwaway workspace and runs the pinned Claude Code once
(`record.run_claude`, offline, no agent spawned; about 5 s): the agent listing of its first request says,
per file, whether it loaded and the name, description and tools it lists. `differential.json`
keeps that per file (with a hash of the text, so a changed generator cannot pass unnoticed);
`test_differential.py` checks agent-ls against it offline.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import record  # noqa: E402

from agent_ls.dialects.agents import read_agent  # noqa: E402
from agent_ls.dialects.agents.tools import split_tool_names  # noqa: E402
from fakeapi import RecordedRequest, reply_text  # noqa: E402

GOLDENS = HERE / "differential.json"
SEED = 20261201
COUNT = 3000
PROMPT = "Differential run: list the agents."

# Pieces of values: each one trips YAML, the retry, or neither.
ATOMS = [
    "plain words",
    "Use when: the user asks",
    "a: b: c",
    "Use for C# code",
    "x #tag",
    "#start",
    "50% done",
    "@user",
    "`code`",
    "!important",
    "a|b",
    "> quoted",
    "*",
    "&anchor value",
    "*alias",
    "{a: 1}",
    "{open",
    "[Read, Grep]",
    "[Read, Grep",
    "Read, Grep]",
    "[Read]",
    "[]",
    "[a: b]",
    "'single'",
    '"double"',
    '"start only',
    'end only"',
    "'mixed\"",
    '"a" and "b"',
    '"Helps" with things: a lot',
    "back\\slash",
    "tab\there",
    "emoji 🎉 ok",
    "- dash",
    "? question",
    "true",
    "123",
    "null",
    "~",
    "Read Grep Glob",
    "Bash(git diff:*)",
    "Read, Write, Bash",
    'user: "We need a fix" assistant: "On it" Context: bugs',
    "\\n literal",
    "key: val # comment",
    "trailing  ",
    "ünïcödé",
    "%TAG",
]
QUOTES = ['"', "'"]
SEPARATORS = [" ", ": ", ", ", "", " # ", "\t"]
KEYS = ["description", "description", "description", "tools", "tools", "model", "color", "x-note"]


def _value(rng: random.Random) -> str:
    parts = [rng.choice(ATOMS) for _ in range(rng.choice([1, 1, 2, 3]))]
    value = parts[0]
    for part in parts[1:]:
        value += rng.choice(SEPARATORS) + part
    shape = rng.random()
    if shape < 0.15:
        q = rng.choice(QUOTES)
        value = q + value + q
    elif shape < 0.25:
        value = rng.choice(QUOTES) + value
    elif shape < 0.32:
        value = value + rng.choice(QUOTES)
    elif shape < 0.37:
        value = (
            "[" + ", ".join(rng.sample(["Read", "Grep", "Glob", "Bash", "Edit", "x: y"], 2)) + "]"
        )
    return value


def _line(rng: random.Random, key: str) -> list[str]:
    """One `key: value` entry as lines (a block scalar or a list takes more than one)."""
    shape = rng.random()
    if shape < 0.08:
        indicator = rng.choice(["|", ">", "|-", ">-"])
        indent = rng.choice(["  ", "  ", "\t", "    "])
        lines = [f"{key}: {indicator}"]
        # (a block line never starts with `- `, which would read like the next listing item)
        lines += [indent + rng.choice(ATOMS).lstrip("- ?") for _ in range(rng.choice([1, 2]))]
        return lines
    if shape < 0.14 and key == "tools":
        indent = rng.choice(["  ", "\t", ""])
        return [f"{key}:"] + [
            f"{indent}- {rng.choice(['Read', 'Grep', 'Bash', '[Read', 'x: y'])}"
            for _ in range(rng.choice([1, 2]))
        ]
    if shape < 0.18:
        return [f"{key}: &a {_value(rng)}"]
    separator = rng.choice([": ", ": ", ": ", ":\t", ":  "])
    lines = [f"{key}{separator}{_value(rng)}"]
    if rng.random() < 0.06:  # a continuation line of a plain scalar
        lines.append(rng.choice(["  more text", "\tmore text", "  more: text", "  - item"]))
    if rng.random() < 0.05:
        lines.insert(0, "\t" + lines.pop(0))
    return lines


def generate(seed: int = SEED, count: int = COUNT) -> dict[str, str]:
    """Returns file id → agent file text, the same for the same seed."""
    rng = random.Random(seed)
    files = {}
    for number in range(count):
        ident = f"d{number:04d}"
        entries = [["description: plain"]] if rng.random() < 0.1 else []
        keys = ["description"] + rng.sample(KEYS, rng.choice([0, 1, 2]))
        entries += [_line(rng, key) for key in keys[len(entries) :]]
        if rng.random() < 0.05:
            entries.append(["x-alias: *a"])
        if rng.random() < 0.2:
            rng.shuffle(entries)
        lines = [f"name: {ident}"] + [line for entry in entries for line in entry]
        text = "---\n" + "\n".join(lines) + "\n---\n" + f"Differential case {ident}.\n"
        if rng.random() < 0.1:
            text = text.replace("\n", "\r\n")
        if rng.random() < 0.03:
            text = "\ufeff" + text
        files[ident] = text
    return files


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_GENERATED = re.compile(r"d\d{4}")  # the id leads a generated agent's name


class Lister:
    """Answers every request with text; keeps the agent listing of the first main request."""

    def __init__(self) -> None:
        self.listing: list[dict[str, str]] | None = None

    def __call__(self, request: RecordedRequest) -> Any:
        if self.listing is None and PROMPT in record._first_user_text(request.body):
            self.listing = record.listed_agents(request.body, _GENERATED.match)
        return reply_text("ok")


def record_files(binary: Path, files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Runs Claude Code once over `files` (id → text); returns id → what it listed."""
    lister = Lister()
    with tempfile.TemporaryDirectory(prefix="agent-ls-differential-") as tmp:
        root = Path(tmp).resolve()
        agents = root / "workspace" / ".claude" / "agents"
        agents.mkdir(parents=True)
        (root / "home").mkdir()
        for ident, text in files.items():
            (agents / f"{ident}.md").write_bytes(text.encode("utf-8"))
        run, _, _ = record.run_claude(binary, root, lister, PROMPT)
    if lister.listing is None:
        raise record.RecordError(f"no agent listing seen (exit {run.returncode})")
    # The id leads the name; a continuation line may add to it (`name: d0001\n  more`).
    listed = {agent["name"][:5]: agent for agent in lister.listing}
    return {
        ident: {
            "sha": text_hash(text),
            "loaded": ident in listed,
            **({"listed": listed[ident]} if ident in listed else {}),
        }
        for ident, text in files.items()
    }


def record_all(binary: Path) -> dict[str, Any]:
    """Records every generated file in one run."""
    files = record_files(binary, generate())
    return {"claudeCode": record.installed_version(), "seed": SEED, "files": files}


def _declared(value: Any) -> list[str] | None:
    """Tool names as Claude Code's listing shows them; None for "every tool"."""
    if value is None:
        return None
    if not value:
        return []
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    names = [n for item in items if isinstance(item, str) for n in split_tool_names(item)]
    return None if "*" in names else names


def listed_tools(data: dict[str, Any]) -> str:
    """The `(Tools: …)` part of Claude Code's listing line, from agent-ls's reading."""
    tools, denied = _declared(data.get("tools")), _declared(data.get("disallowedTools")) or []
    if tools and denied:
        kept = [t for t in tools if t not in set(denied)]
        return ", ".join(kept) if kept else "None"
    if tools:
        return ", ".join(tools)
    return f"All tools except {', '.join(denied)}" if denied else "All tools"


def agent_ls_listing(text: str) -> dict[str, str] | None:
    """What agent-ls says Claude Code lists for a file: None when it says the agent is dropped."""
    agent = read_agent(text)
    if agent is None:
        return None
    return {"name": agent.name, "description": agent.description, "tools": listed_tools(agent.data)}


def mismatches(files: dict[str, str], goldens: dict[str, Any]) -> list[str]:
    """Returns one line per file where agent-ls and the recorded Claude Code disagree."""
    out = []
    for ident, text in files.items():
        golden = goldens["files"].get(ident)
        if golden is None or golden["sha"] != text_hash(text):
            out.append(f"{ident}: not recorded for this text (re-record: differential.py)")
            continue
        mine = agent_ls_listing(text)
        theirs = golden.get("listed")
        if (mine is None) != (theirs is None):
            verdict = "drops" if mine is None else "loads"
            out.append(f"{ident}: agent-ls {verdict} it, Claude Code does not; {text!r}")
        elif mine is not None and mine != theirs:
            out.append(f"{ident}: agent-ls reads {mine}, Claude Code lists {theirs}; {text!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=GOLDENS)
    parser.add_argument(
        "--check", action="store_true", help="compare agent-ls with the goldens (no recording)"
    )
    args = parser.parse_args(argv)
    if args.check:
        found = mismatches(generate(), json.loads(GOLDENS.read_text("utf-8")))
        for line in found:
            print(line)  # noqa: T201
        print(f"{COUNT - len(found)} of {COUNT} files agree")  # noqa: T201
        return 1 if found else 0
    try:
        goldens = record_all(record.install())
    except record.RecordError as err:
        print(f"differential.py: {err}", file=sys.stderr)  # noqa: T201
        return 2
    args.output.write_text(json.dumps(goldens, indent=0, ensure_ascii=False, sort_keys=True) + "\n")
    loaded = sum(f["loaded"] for f in goldens["files"].values())
    print(f"{len(goldens['files'])} files, {loaded} loaded → {args.output}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
