"""Refreshes the catalogue from the pinned Claude Code: tool names, model aliases, enum values.

    .venv/bin/python tests/conformance/refresh_catalogue.py --record    # after editing PINNED
    .venv/bin/python tests/conformance/refresh_catalogue.py --dry-run   # show what would change

`--record` first re-records everything with the version in `PINNED`: `record.py` (installs it,
rewrites `goldens.json`), `differential.py` (`differential.json`) and `corpus.py`
(`corpus.json`).
The catalogue (`server/agent_ls/dialects/agents/claude_code.json`) is then updated from:
- the tools Claude Code offered in the recording (the main conversation's request and every
  spawned agent's, deferred tools included): the authority for one version's default setup;
  new names are added, names no longer offered move to `gatedTools` ("may be unavailable");
- the package's `sdk-tools.d.ts`: tools it declares that no request offered become `gatedTools`;
- what each model-alias case was really sent as: alias → model ID, and the IDs;
- the "Valid options: …" debug lines of the enum cases: permission modes, effort levels, memory
  scopes, isolation modes;
- `claudeCodeVersion`.
Colors are not refreshed (Claude Code sends them nowhere); nor is anything the docs only say.
Afterwards run `pytest tests/conformance` to see where agent-ls and the new version disagree.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import record  # noqa: E402

CATALOGUE = HERE.parent.parent / "server" / "agent_ls" / "dialects" / "agents" / "claude_code.json"
_VALID = re.compile(r"has invalid (\w+) (?:value )?'[^']*'\. Valid options: (.+?)\s*$")
_MODEL_LINE = re.compile(r"^model:\s*[\"']?\s*([^\"'\n]+?)\s*[\"']?\s*$", re.M)
# sdk-tools.d.ts names input types, not tools: `FileReadInput` is the tool `Read`.
_DTS_NAMES = {"FileEdit": "Edit", "FileRead": "Read", "FileWrite": "Write"}


def offered_tools(goldens: dict[str, Any]) -> set[str]:
    tools = set(goldens.get("mainTools", []))
    for case in goldens["cases"].values():
        tools.update(case.get("spawn", {}).get("tools") or [])
    return {t for t in tools if not t.startswith("mcp__")}


def declared_tools(dts: Path) -> set[str]:
    """Tool names guessed from the `…Input` types of `ToolInputSchemas` in sdk-tools.d.ts."""
    text = dts.read_text("utf-8")
    union = text.split("export type ToolInputSchemas =", 1)[1].split(";", 1)[0]
    names = set()
    for match in re.finditer(r"\b(\w+)Input\b", union):
        name = _DTS_NAMES.get(match.group(1), match.group(1))
        if "Mcp" not in name:
            names.add(name)
    return names


def model_ids(goldens: dict[str, Any]) -> dict[str, str]:
    """Returns model-as-written (lowercased) → the model a spawned agent was sent with."""
    out = {}
    for stem, case in goldens["cases"].items():
        sent = case.get("spawn", {}).get("model")
        path = record.CASES / f"{stem}.md"
        text = path.read_text("utf-8", errors="replace") if path.exists() else ""
        match = _MODEL_LINE.search(text)
        if sent and match:
            out[match.group(1).strip().lower()] = sent
    return out


def enum_values(goldens: dict[str, Any]) -> dict[str, list[str]]:
    """Returns key → its valid options, from Claude Code's own debug lines."""
    out = {}
    for case in goldens["cases"].values():
        for line in case["log"]:
            match = _VALID.search(line)
            if match:
                values = match.group(2).removesuffix(" or an integer")
                out[match.group(1)] = [v.strip() for v in values.split(",") if v.strip()]
    return out


def refresh(raw: dict[str, Any], goldens: dict[str, Any], dts: Path | None) -> list[str]:
    """Updates the catalogue data in place; returns one line per change."""
    version = goldens["claudeCode"]
    changes = []
    if raw.get("claudeCodeVersion") != version:
        changes.append(f"claudeCodeVersion: {raw.get('claudeCodeVersion')} → {version}")
        raw["claudeCodeVersion"] = version
    tools, gated, legacy = raw["tools"], raw["gatedTools"], raw["legacyTools"]
    offered = offered_tools(goldens)
    for name in sorted(offered - set(tools)):
        doc = gated.pop(name, None) or f"Offered by Claude Code {version} (no description yet)."
        tools[name] = doc
        changes.append(f"tool added: {name}")
    for name in sorted(set(tools) - offered):
        gated[name] = tools.pop(name) + f" (Not offered in a default run of {version}.)"
        changes.append(f"tool moved to gatedTools (not offered by {version}): {name}")
    if dts is not None and dts.exists():
        for name in sorted(declared_tools(dts) - set(tools) - set(gated) - set(legacy)):
            gated[name] = f"Declared in sdk-tools.d.ts of {version}; not offered in a default run."
            changes.append(f"gated tool added (sdk-tools.d.ts): {name}")
    aliases, ids = raw["models"]["aliases"], raw["models"]["ids"]
    for written, sent in sorted(model_ids(goldens).items()):
        if written in aliases and aliases[written]["id"] != sent:
            changes.append(f"model alias {written}: {aliases[written]['id']} → {sent}")
            aliases[written]["id"] = sent
        if written in aliases and sent not in ids:
            ids[sent] = sent
            changes.append(f"model ID added: {sent}")
    groups = {key: spec.get("values") for key, spec in raw["keys"].items()}
    for key, values in sorted(enum_values(goldens).items()):
        group = groups.get(key)
        if not group or group not in raw or group == "colors":
            continue
        current = raw[group]
        for value in values:
            if value not in current:
                current[value] = f"Accepted by Claude Code {version}."
                changes.append(f"{group}: added {value}")
        for value in sorted(set(current) - set(values)):
            changes.append(f"{group}: `{value}` not in {version}'s valid options (kept; check it)")
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--record", action="store_true", help="install the pinned version and re-record first"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the changes, write nothing")
    args = parser.parse_args(argv)
    if args.record:
        import corpus  # noqa: PLC0415 - only a re-record needs them
        import differential  # noqa: PLC0415

        for recorder in (record.main, differential.main, corpus.main):
            if (status := recorder([])) != 0:
                return status
    goldens = json.loads(record.GOLDENS.read_text("utf-8"))
    dts = record.INSTALL_DIR / "node_modules" / record.PACKAGE / "sdk-tools.d.ts"
    raw = json.loads(CATALOGUE.read_text("utf-8"))
    changes = refresh(raw, goldens, dts if dts.exists() else None)
    for change in changes:
        print(change)  # noqa: T201
    if not dts.exists():
        print("sdk-tools.d.ts not installed: run with --record to include it")  # noqa: T201
    if changes and not args.dry_run:
        CATALOGUE.write_text(json.dumps(raw, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"updated {CATALOGUE}")  # noqa: T201
    elif not changes:
        print("catalogue is up to date")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
