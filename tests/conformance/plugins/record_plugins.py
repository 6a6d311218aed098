"""Records what the real Claude Code finds in every plugin folder in `cases/`: the goldens.

    .venv/bin/python tests/conformance/plugins/record_plugins.py          # write goldens.json
    .venv/bin/python tests/conformance/plugins/record_plugins.py --check  # compare (exit 1)
    .venv/bin/python tests/conformance/plugins/record_plugins.py --measure ROOT...  # any plugin

Each case is one plugin root, loaded alone with `--plugin-dir` (offline; no marketplace) in a
throwaway workspace holding the case's `projectFiles` (`cases.json`). One run of `claude -p
/output-style --output-format stream-json --verbose` shows it all: the `init` message lists the
plugins loaded, the agents, slash commands and skills under their (prefixed) names and the output
style in use; the result lists the output styles with their descriptions. A second run with a
prompt gives the agents, and the commands and skills, with their descriptions (the first
request's listings). A run without any
plugin gives the built-in names, left out of the goldens. The debug log gives the lines naming
the plugin or its files.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/conformance, for `record`
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for `fakeapi`
sys.path.insert(0, str(HERE.parent / "output_styles"))

from record import (  # noqa: E402
    RecordError,
    installed_version,
    listed_agents,
    run_claude,
)
from record_styles import (  # noqa: E402
    LIST_PROMPT,
    decoded,
    fresh_root,
    normalise_log,
    parse_style_listing,
    recorder_main,
)

from fakeapi import reply_text  # noqa: E402

CASES = HERE / "cases"
CASES_META = HERE / "cases.json"
GOLDENS = HERE / "goldens.json"
STREAM = ("--output-format", "stream-json", "--verbose")
HELLO = "Plugin conformance run."
SKILLS_HEADER = "The following skills are available for use with the Skill tool:\n\n"


def case_dirs() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if p.is_dir())


def case_meta() -> dict[str, dict[str, Any]]:
    return json.loads(CASES_META.read_text()) if CASES_META.exists() else {}


def _seen(binary: Path, root: Path, args: tuple[str, ...]) -> dict[str, Any]:
    """Two runs: the init message's lists and the styles `/output-style` prints; the agents
    (with their descriptions) the first request of a prompt lists."""
    run, _, _ = run_claude(binary, root, lambda _r: reply_text("ok"), LIST_PROMPT, STREAM + args)
    init: dict[str, Any] = {}
    result = ""
    for line in run.stdout.splitlines():
        message = json.loads(line)
        if message.get("type") == "system" and message.get("subtype") == "init":
            init = message
        elif message.get("type") == "result":
            result = str(message.get("result", ""))
    if not init:
        raise RecordError(f"no init message (exit {run.returncode}):\n{run.stderr[-2000:]}")
    skills = set(init.get("skills", []))
    _, requests, _ = run_claude(binary, root, lambda _r: reply_text("ok"), HELLO, args)
    first = next((r.body for r in requests if HELLO in json.dumps(r.body)), {})
    listing = decoded(first).partition(SKILLS_HEADER)[2].split("\n\n", 1)[0]
    return {
        "described": dict(
            line[2:].split(": ", 1) for line in listing.splitlines() if line.startswith("- ")
        ),
        "plugins": [p for p in init.get("plugins", []) if p.get("path") != "builtin"],
        "agents": {a["name"]: a["description"] for a in listed_agents(first, lambda _n: True)},
        "commands": [c for c in init.get("slash_commands", []) if c not in skills],
        "skills": list(skills),
        "styles": {s["name"]: s["description"] for s in parse_style_listing(result)},
        "outputStyle": init.get("output_style"),
    }


def _without(seen: dict[str, Any], builtin: dict[str, Any]) -> dict[str, Any]:
    """The names of a run that a run without the plugin does not have."""
    out: dict[str, Any] = {"plugins": seen["plugins"], "outputStyle": seen["outputStyle"]}
    for key in ("agents", "described"):
        out[key] = {k: v for k, v in sorted(seen[key].items()) if k not in builtin[key]}
    for key in ("commands", "skills"):
        out[key] = sorted(set(seen[key]) - set(builtin[key]))
    out["styles"] = {k: v for k, v in sorted(seen["styles"].items()) if k not in builtin["styles"]}
    return out


def record_case(binary: Path, case: Path, builtin: dict[str, Any]) -> dict[str, Any]:
    """Runs Claude Code with one plugin case; returns its golden."""
    root = fresh_root("agent-ls-plugins-")
    try:
        for rel, text in case_meta().get(case.name, {}).get("projectFiles", {}).items():
            target = root / "workspace" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        seen = _without(_seen(binary, root, ("--plugin-dir", str(case))), builtin)
        for plugin in seen["plugins"]:
            plugin["path"] = plugin["path"].replace(str(case), "$PLUGIN")
        name = case.name.split("-", 1)[0]
        log = (root / "debug.log").read_text(errors="replace").splitlines()
        # Both runs write one log, and the loaders run concurrently: each line once, sorted.
        seen["log"] = sorted(
            set(
                normalise_log(line, root).replace(str(case), "$PLUGIN")
                for line in log
                if (str(case) in line or f"plugin {name}" in line.lower())
                and "[DEBUG] Watching" not in line
            )
        )
        return seen
    finally:
        shutil.rmtree(root, ignore_errors=True)


def record(binary: Path) -> dict[str, Any]:
    root = fresh_root("agent-ls-plugins-")
    try:
        builtin = _seen(binary, root, ())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    cases = {case.name: record_case(binary, case, builtin) for case in case_dirs()}
    return {"claudeCode": installed_version(), "cases": cases}


def measure(binary: Path, roots: list[Path]) -> int:
    """Records each plugin root and prints whether agent-ls names what Claude Code lists
    (nothing is written); returns 1 when a plugin disagrees."""
    from agent_ls.dialects.plugins import read_layout

    root = fresh_root("agent-ls-plugins-")
    try:
        builtin = _seen(binary, root, ())
    finally:
        shutil.rmtree(root, ignore_errors=True)
    disagree = 0
    for plugin in roots:
        seen = record_case(binary, plugin.resolve(), builtin)
        names = [p["name"] for p in seen["plugins"]]
        listed = sorted(
            [a for a in seen["agents"] if any(a.startswith(f"{n}:") for n in names)]
            + seen["commands"]
            + seen["skills"]
            + list(seen["styles"])
        )
        mine = read_layout(plugin.resolve()).names()
        disagree += mine != listed
        print(f"{plugin}: Claude Code lists {len(listed)}, agent-ls names {len(mine)}")  # noqa: T201
        for name in sorted(set(mine) ^ set(listed)):
            print(f"  only {'agent-ls' if name in mine else 'Claude Code'}: {name}")  # noqa: T201
    return 1 if disagree else 0


def main(argv: list[str] | None = None) -> int:
    return recorder_main(
        argv,
        __doc__,
        "PLUGIN_ROOT",
        record,
        measure,
        GOLDENS,
        lambda goldens: f"{len(goldens['cases'])} plugin cases",
    )


if __name__ == "__main__":
    sys.exit(main())
