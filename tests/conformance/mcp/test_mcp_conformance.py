"""agent-ls's `.mcp.json`, plugin manifest and marketplace dialects against the real Claude Code.

The goldens (`goldens.json`, written by `record_mcp.py`) say what the pinned binary did with each
case. From them, per file type:
- `.mcp.json`: a file none of whose servers Claude Code configures needs an Error; one where it
  configures only some needs a Warning (and no Error); one where it configures all of them no
  Error. The servers agent-ls's loader keeps are exactly those; the values it expands are the
  arguments and environment the stub servers received; each variable `claude doctor` names as
  missing is an MC301.
- MCP servers of every layer: `known_servers` (what the agents' `mcp__server__tool` check uses)
  gives exactly the servers the binary configured (`.mcp.json`, `~/.claude.json`, settings,
  plugins).
- plugin manifests: an Error iff the plugin does not load; a Warning where it loads but ignores a
  field or fails to load a declared component.
- marketplaces: an Error iff `claude plugin marketplace add` refuses it; a Warning where it is
  added but an entry is left out, cannot be installed, or shares its name.
- `test_claude_code_matches_goldens` (marked `conformance`; it takes minutes, so it runs under
  CI=true or `-m conformance`) re-records and fails on any change.

`python tests/conformance/mcp/test_mcp_conformance.py` prints the figures.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import record_mcp as recorder  # noqa: E402

from agent_ls.core.findings import Finding, Severity  # noqa: E402
from agent_ls.dialects.jsonfile import JsonDialect  # noqa: E402
from agent_ls.dialects.marketplace import DIALECT as MARKETPLACE  # noqa: E402
from agent_ls.dialects.mcp import DIALECT as MCP  # noqa: E402
from agent_ls.dialects.mcp import tool_prefix  # noqa: E402
from agent_ls.dialects.mcp.servers import _plugin_servers, known_servers  # noqa: E402
from agent_ls.dialects.plugin_manifest import DIALECT as MANIFEST  # noqa: E402

GOLDENS: dict[str, Any] = json.loads((HERE / "goldens.json").read_text("utf-8"))["cases"]
META: dict[str, dict[str, Any]] = recorder.case_meta()
MCP_JSON = "workspace/.mcp.json"
PLUGIN = "plugin/.claude-plugin/plugin.json"
MARKET = "marketplace/.claude-plugin/marketplace.json"
_CONNECTING = re.compile(r'MCP server "([^"]+)"')


@contextmanager
def placed(stem: str) -> Iterator[Path]:
    """The case's files where the recording put them (placeholders filled), in a temporary root."""
    with tempfile.TemporaryDirectory(prefix="agent-ls-mcp-case-") as tmp:
        root = Path(tmp).resolve()
        recorder.place(HERE / "cases" / stem, root)
        yield root


def configured(stem: str) -> set[str]:
    """The servers Claude Code configured in a case (as in tool names): the stub servers that
    started, the tools offered, the remote servers it tried to connect to."""
    golden = GOLDENS[stem]
    names = {t.split("__")[1] for t in golden["mcpTools"]}
    names |= {tool_prefix(n) for line in golden["log"] for n in _CONNECTING.findall(line)}
    return names | {tool_prefix(n) for n in golden.get("mcpList", {})}


def findings_of(dialect: JsonDialect, stem: str, rel: str) -> list[Finding]:
    with placed(stem) as root:
        path = root / rel
        return dialect.check_text(path.read_text("utf-8"), path=path)


def _worst(findings: list[Finding]) -> Severity:
    return min((f.severity for f in findings), default=Severity.HINT + 1)  # type: ignore[operator]


def _judge(need: str, findings: list[Finding]) -> bool:
    """Whether the findings meet what Claude Code's behaviour requires."""
    worst = _worst(findings)
    if need == "error":
        return worst == Severity.ERROR
    if need == "warning":
        return worst == Severity.WARNING
    return worst != Severity.ERROR


# -- .mcp.json -------------------------------------------------------------------------------------
def _mcp_cases() -> list[str]:
    return [
        s
        for s in sorted(GOLDENS)
        if (HERE / "cases" / s / MCP_JSON).is_file() and not META.get(s, {}).get("disabled")
    ]


def _declared(stem: str) -> set[str] | None:
    """The server names a `.mcp.json` declares (None when it is not a JSON object of them)."""
    try:
        data = json.loads((HERE / "cases" / stem / MCP_JSON).read_text("utf-8-sig"))
    except ValueError:
        return None
    servers = data.get("mcpServers") if isinstance(data, dict) else None
    return {tool_prefix(n) for n in servers} if isinstance(servers, dict) else None


def mcp_need(stem: str) -> tuple[str, str]:
    declared = _declared(stem)
    started = configured(stem) & (declared or set())
    if not declared or not started:
        return "error", "Claude Code configures none of its servers"
    if started != declared:
        return "warning", f"Claude Code skips {', '.join(sorted(declared - started))}"
    return "no-error", "Claude Code configures every server"


@pytest.mark.parametrize("stem", _mcp_cases())
def test_mcp_json_agrees(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in META.get(stem, {}).get("env", {}).items():
        monkeypatch.setenv(name, value)
    need, why = mcp_need(stem)
    found = findings_of(MCP, stem, MCP_JSON)
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in found) or "nothing"
    assert _judge(need, found), f"{stem}: {why}, needs {need}; agent-ls: {shown}"


@pytest.mark.parametrize("stem", _mcp_cases())
def test_mcp_json_loads_what_claude_code_starts(stem: str) -> None:
    """The loader keeps the servers the binary configures, with the values the stubs received."""
    env = META.get(stem, {}).get("env", {})
    with placed(stem) as root:
        loaded = MCP.load(MCP.read((root / MCP_JSON).read_text("utf-8")), env)
    kept = {tool_prefix(n) for n in (loaded.servers if loaded else {})}
    assert kept == configured(stem) & (_declared(stem) or set())
    by_first_arg = {
        c["args"][0]: c for c in (loaded.servers if loaded else {}).values() if c.get("args")
    }
    for started in GOLDENS[stem]["started"]:
        server = by_first_arg.get(started["argv"][0])
        if server is None:
            continue  # started from another layer (m027: the local scope's)
        assert server["args"] == started["argv"]
        assert {k: v for k, v in server.get("env", {}).items() if k.startswith("STUB_")} == {
            k: v for k, v in started["env"].items() if k not in env
        }


@pytest.mark.parametrize("stem", [s for s in _mcp_cases() if GOLDENS[s]["doctor"]])
def test_missing_variables_are_named(stem: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in META.get(stem, {}).get("env", {}).items():
        monkeypatch.setenv(name, value)
    missing = {
        v.strip()
        for line in GOLDENS[stem]["doctor"]
        if "Missing environment variables:" in line
        for v in line.split("Missing environment variables:", 1)[1].split(",")
    }
    named = {
        m.group(1)
        for f in findings_of(MCP, stem, MCP_JSON)
        if f.code == "MC301"
        for m in [re.search(r"\$\{(\w+)\}", f.message)]
        if m
    }
    assert named == missing


# -- every layer -------------------------------------------------------------------------------------
LAYER_CASES = sorted(
    s for s in GOLDENS if s.startswith("m") and not (HERE / "cases" / s / "plugin").is_dir()
)
PLUGIN_SERVER_CASES = sorted(
    s for s in GOLDENS if s.startswith("m") and (HERE / "cases" / s / "plugin").is_dir()
)


@pytest.mark.parametrize("stem", LAYER_CASES)
def test_known_servers_are_those_claude_code_configures(stem: str) -> None:
    with placed(stem) as root:
        cwd = root / META.get(stem, {}).get("cwd", "workspace")
        env = META.get(stem, {}).get("env", {})
        assert known_servers(cwd, root / "home") == configured(stem), env


@pytest.mark.parametrize("stem", PLUGIN_SERVER_CASES)
def test_a_plugins_servers_are_named_as_claude_code_names_them(stem: str) -> None:
    with placed(stem) as root:
        assert set(_plugin_servers(root / "plugin")) == configured(stem)


# -- plugin manifests ------------------------------------------------------------------------------
PLUGIN_CASES = sorted(
    s for s in GOLDENS if (HERE / "cases" / s / PLUGIN).is_file() and s.startswith("p")
)


def plugin_need(stem: str) -> tuple[str, str]:
    log = GOLDENS[stem]["log"]
    if any("Failed to load session plugin" in line for line in log):
        return "error", "Claude Code does not load the plugin"
    if any("ignored" in line or "not found" in line for line in log):
        return "warning", "Claude Code loads it but ignores a field or a declared path"
    return "no-error", "Claude Code loads it"


@pytest.mark.parametrize("stem", PLUGIN_CASES)
def test_plugin_manifest_agrees(stem: str) -> None:
    need, why = plugin_need(stem)
    found = findings_of(MANIFEST, stem, PLUGIN)
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in found) or "nothing"
    assert _judge(need, found), f"{stem}: {why}, needs {need}; agent-ls: {shown}"


# -- marketplaces ----------------------------------------------------------------------------------
MARKET_CASES = sorted(s for s in GOLDENS if (HERE / "cases" / s / MARKET).is_file())


def market_need(stem: str) -> tuple[str, str]:
    market = GOLDENS[stem]["marketplace"]
    if not market["added"]:
        return "error", "Claude Code does not add the marketplace"
    try:
        data = json.loads((HERE / "cases" / stem / MARKET).read_text("utf-8"))
        entries = len(data["plugins"])
    except (ValueError, KeyError, TypeError):
        entries = 0
    network = bool(META.get(stem, {}).get("needsNetwork"))
    failed = [p for p, ok in market["installs"].items() if not ok and not network]
    if len(market["offered"]) < entries or failed or len(set(market["offered"])) < entries:
        return "warning", "Claude Code adds it, but an entry is left out, shadowed or uninstallable"
    return "no-error", "Claude Code adds it and installs every entry"


@pytest.mark.parametrize("stem", MARKET_CASES)
def test_marketplace_agrees(stem: str) -> None:
    need, why = market_need(stem)
    found = findings_of(MARKETPLACE, stem, MARKET)
    shown = ", ".join(f"{f.code}({f.severity.label})" for f in found) or "nothing"
    assert _judge(need, found), f"{stem}: {why}, needs {need}; agent-ls: {shown}"


@pytest.mark.conformance
def test_claude_code_matches_goldens(request: pytest.FixtureRequest) -> None:
    """About 5 minutes (a few runs of the binary per case): under CI=true or `-m conformance`."""
    if os.environ.get("CI") != "true" and "conformance" not in str(request.config.option.markexpr):
        pytest.skip("re-recording takes minutes: run with CI=true or -m conformance")
    claude_code = request.getfixturevalue("claude_code")
    recorded = recorder.record(claude_code)
    stored = json.loads((HERE / "goldens.json").read_text("utf-8"))
    changes = recorder.diff(stored, recorded)
    assert not changes, (
        "re-record with tests/conformance/mcp/record_mcp.py if intended:\n" + "\n".join(changes)
    )


def figures() -> str:
    """One line per file type: cases and agreement."""
    lines = []
    for title, cases, need, dialect, rel in (
        (".mcp.json", _mcp_cases(), mcp_need, MCP, MCP_JSON),
        ("plugin.json", PLUGIN_CASES, plugin_need, MANIFEST, PLUGIN),
        ("marketplace.json", MARKET_CASES, market_need, MARKETPLACE, MARKET),
    ):
        agree = sum(_judge(need(s)[0], findings_of(dialect, s, rel)) for s in cases)
        errors = sum(need(s)[0] == "error" for s in cases)
        lines.append(
            f"{title}: {len(cases)} cases ({errors} not loaded), agent-ls agrees on {agree}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(figures())  # noqa: T201
