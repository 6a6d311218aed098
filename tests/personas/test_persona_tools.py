"""The agent's own read-only tools: executed confined to the workspace, and the bounded loop over
the real SDK against the fake API (scripted tool_use turns)."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from persona_helpers import KEY, StartEditor

from agent_ls.personas.agents import persona_from_text
from agent_ls.personas.client import ApiSettings, MessagesApi
from agent_ls.personas.prompt import Selection, text_of
from agent_ls.personas.session import PreparedAction, prepare, report
from agent_ls.personas.tools import ToolRefused, WorkspaceTools, workspace_tools
from agent_ls.settings import PersonaSettings
from fakeapi import FakeAnthropic, Message, tool_use

SECRET = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789"
CODE = "def charge(order):\n    return gateway.charge(order.total)\n"
FINDINGS = {"summary": "Looked at the model.", "findings": []}


def agent(tools: str | None = "Read, Grep, Glob", extra: str = "") -> str:
    line = f"tools: {tools}\n" if tools is not None else ""
    return f"---\nname: reader\ndescription: Reads code.\n{line}{extra}---\n\nYou read code.\n"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "app" / "models.py").write_text(f'API_KEY = "{SECRET}"\nclass Order:\n    total = 0\n')
    (root / "app" / "billing.py").write_text(CODE)
    (root / "app" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0")
    (root / "app" / "big.txt").write_text("x" * (300 * 1024))
    (root / "build").mkdir()
    (root / "build" / "out.py").write_text("charge(1)\n")
    (root / ".gitignore").write_text("build/\n*.log\n")
    (root / "app" / ".gitignore").write_text("generated_*.py\n")
    (root / "app" / "generated_client.py").write_text("def charge(): ...\n")
    (root / "debug.log").write_text("charge(\n")
    (tmp_path / "outside.txt").write_text("not yours\n")
    (root / "app" / "escape.py").symlink_to(tmp_path / "outside.txt")
    return root


def tools_of(root: Path, **changes: Any) -> WorkspaceTools:
    found = workspace_tools(root, "Read, Grep, Glob", None, None, 8)
    assert found is not None
    return dataclasses.replace(found, **changes)


# -- the tools themselves ------------------------------------------------------------------------


def test_read_numbers_lines_and_redacts_secrets(workspace: Path) -> None:
    result = tools_of(workspace).run("Read", {"file_path": "app/models.py"})
    assert result.splitlines()[1:] == ["2\tclass Order:", "3\t    total = 0"]  # as Claude Code
    assert SECRET not in result and "[redacted: an Anthropic API key]" in result
    part = tools_of(workspace).run("Read", {"file_path": "app/models.py", "offset": 3, "limit": 1})
    assert part == "3\t    total = 0"


def test_a_big_file_is_read_as_a_window_of_lines(workspace: Path) -> None:
    big = workspace / "app" / "big.py"
    big.write_text("".join(f"line_{n} = {n}  # {'x' * 40}\n" for n in range(1, 8001)))
    assert big.stat().st_size > 256 * 1024
    tools = tools_of(workspace)
    with pytest.raises(ToolRefused, match=r"exceeds maximum allowed size \(256KB\)\. Use offset"):
        tools.run("Read", {"file_path": "app/big.py"})  # Claude Code's answer, measured
    window = tools.run("Read", {"file_path": "app/big.py", "offset": 7000, "limit": 2})
    assert window == f"7000\tline_7000 = 7000  # {'x' * 40}\n7001\tline_7001 = 7001  # {'x' * 40}"
    head = tools.run("Read", {"file_path": "app/big.py", "limit": 1})
    assert head == f"1\tline_1 = 1  # {'x' * 40}"
    assert tools.run("Read", {"file_path": "app/big.py", "offset": 9000}) == (
        "(no lines at 9000: the file has 8000)"
    )
    (workspace / "app" / "big.bin").write_bytes(b"\0" * (300 * 1024))
    with pytest.raises(ToolRefused, match="binary"):
        tools.run("Read", {"file_path": "app/big.bin", "offset": 1, "limit": 5})


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("../outside.txt", "outside the workspace"),
        ("app/../../outside.txt", "outside the workspace"),
        ("app/escape.py", "outside the workspace"),  # a symlink out
        ("/etc/passwd", "outside the workspace"),
        ("build/out.py", "ignored by .gitignore"),
        ("debug.log", "ignored by .gitignore"),
        ("app/generated_client.py", "ignored by .gitignore"),  # by app/.gitignore
        ("app/logo.png", "binary"),
        ("app/big.txt", r"File content \(300\.0KB\) exceeds maximum allowed size"),
        ("app/missing.py", "does not exist"),
    ],
)
def test_read_refuses_what_it_must_not_read(workspace: Path, path: str, reason: str) -> None:
    with pytest.raises(ToolRefused, match=reason):
        tools_of(workspace).run("Read", {"file_path": path})


def test_grep_and_glob_see_only_visible_files(workspace: Path) -> None:
    tools = tools_of(workspace)
    assert tools.run("Grep", {"pattern": r"charge\("}) == "app/billing.py"
    content = tools.run("Grep", {"pattern": "TOTAL", "-i": True, "output_mode": "content"})
    assert (
        content
        == "app/billing.py:2:    return gateway.charge(order.total)\napp/models.py:3:    total = 0"
    )
    assert tools.run("Grep", {"pattern": "API_KEY", "output_mode": "content"}) == (
        'app/models.py:1:API_KEY = "[redacted: an Anthropic API key]"'
    )
    assert sorted(tools.run("Glob", {"pattern": "**/*.py"}).split("\n")) == [
        "app/billing.py",
        "app/models.py",
    ]
    with pytest.raises(ToolRefused, match="outside the workspace"):
        tools.run("Glob", {"pattern": "*", "path": ".."})


@pytest.mark.parametrize(
    ("tools", "disallowed", "available", "unavailable"),
    [
        ("Read, Grep, Glob", None, ("Read", "Grep", "Glob"), ()),
        ("Read, Grep", "Grep", ("Read",), ()),
        ("Read, Edit, Bash", None, ("Read", "Grep", "Glob"), ("Edit", "Bash")),  # Bash searches
        (
            None,
            "Glob",
            ("Read", "Grep"),
            ("Edit", "Write", "Bash", "WebFetch", "WebSearch", "MCP tools"),
        ),
        ("Edit, Write", None, None, None),
        ("[]", None, None, None),
    ],
)
def test_which_tools_an_agent_has(
    tmp_path: Path,
    tools: str | None,
    disallowed: str | None,
    available: tuple[str, ...] | None,
    unavailable: tuple[str, ...] | None,
) -> None:
    value: Any = [] if tools == "[]" else tools
    found = workspace_tools(tmp_path, value, disallowed, None, 8)
    if available is None:
        assert found is None
    else:
        assert found is not None and found.available == available
        assert found.unavailable == unavailable


# -- the loop --------------------------------------------------------------------------------------


def settings_for(api: FakeAnthropic) -> ApiSettings:
    return ApiSettings(KEY, "K", api.base_url, 10.0, 0)


def prepared(root: Path, text: str = agent(), **changes: Any) -> PreparedAction:
    persona = persona_from_text(text, root / ".claude" / "agents" / "reader.md")
    assert persona is not None
    source = (root / "app" / "billing.py").read_text()
    ready = prepare(
        {"reader": persona},
        "reader",
        "review",
        Selection(source, 0, len(source)),
        file_name="app/billing.py",
        language="python",
        settings=PersonaSettings(),
        root=root,
    )
    if changes:
        assert ready.prompt.tools is not None
        tools = dataclasses.replace(ready.prompt.tools, **changes)
        ready = dataclasses.replace(ready, prompt=dataclasses.replace(ready.prompt, tools=tools))
    return ready


def call(name: str, data: dict[str, Any]) -> Message:
    return Message(content=[tool_use(name, data)], stop_reason="tool_use")


def results_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in body["messages"][-1]["content"] if b["type"] == "tool_result"]


async def test_a_read_runs_its_result_goes_back_and_the_report_lists_it(
    workspace: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(call("Read", {"file_path": "app/models.py"}), call("report_findings", FINDINGS))
    ready = prepared(workspace)
    statuses: list[str] = []
    answer = await MessagesApi().stream(
        settings_for(fake_api), ready.prompt, lambda _: None, statuses.append
    )
    first, second = fake_api.requests
    names = [t["name"] for t in first.body["tools"]]
    assert names == ["Read", "Grep", "Glob", "replace_selection", "report_findings"]
    assert first.body["tool_choice"] == {"type": "any"}
    assert "you may use Read, Grep, Glob" in text_of(first.body["messages"][0]["content"])
    (result,) = results_of(second.body)
    assert result["is_error"] is False and "2\tclass Order:" in result["content"]
    assert (
        SECRET not in str(second.body) and "[redacted: an Anthropic API key]" in result["content"]
    )
    assert statuses == ["Reading app/models.py"]
    assert answer.tool == "report_findings" and answer.tool_calls == ("Reading app/models.py",)
    assert answer.usage["input_tokens"] > 0 and answer.usage["output_tokens"] >= 2  # two turns
    markdown = report(ready, answer)
    assert "## Tools used\n\n- Reading app/models.py" in markdown
    assert f"{answer.usage['input_tokens']:,} in, " in markdown.split("\n")[2]


async def test_unavailable_and_refused_calls_get_error_results(
    workspace: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(
        Message(
            content=[
                tool_use(
                    "Edit", {"file_path": "app/models.py", "old_string": "a", "new_string": "b"}
                ),
                tool_use("Read", {"file_path": "../outside.txt"}),
            ],
            stop_reason="tool_use",
        ),
        call("report_findings", FINDINGS),
    )
    text = agent("Read, Edit, Write")
    await MessagesApi().stream(
        settings_for(fake_api), prepared(workspace, text).prompt, lambda _: None
    )
    first, second = fake_api.requests
    assert "Your other tools (Edit, Write) are not available here." in str(first.body["messages"])
    edit, read = results_of(second.body)
    assert edit["is_error"] and "Edit is not available here" in edit["content"]
    assert read["is_error"] and "outside the workspace" in read["content"]
    assert "not yours" not in str(second.body)


async def test_max_turns_forces_the_answer_on_the_last_turn(
    workspace: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.responder = lambda request: call("Glob", {"pattern": "**/*.py"})
    text = agent(extra="maxTurns: 3\n")
    answer = await MessagesApi().stream(
        settings_for(fake_api), prepared(workspace, text).prompt, lambda _: None
    )
    assert len(fake_api.requests) == 3  # no fourth turn, whatever the model wants
    choices = [r.body["tool_choice"] for r in fake_api.requests]
    assert choices == [
        {"type": "any"},
        {"type": "any"},
        {"type": "tool", "name": "report_findings"},
    ]
    assert answer.tool == "Glob"  # the fake ignored the forced choice: the caller refuses it


async def test_the_byte_budget_cuts_results_and_ends_the_loop(
    workspace: Path, fake_api: FakeAnthropic
) -> None:
    fake_api.script(call("Read", {"file_path": "app/models.py"}), call("report_findings", FINDINGS))
    ready = prepared(workspace, budget_bytes=20)
    await MessagesApi().stream(settings_for(fake_api), ready.prompt, lambda _: None)
    _, second = fake_api.requests
    (result,) = results_of(second.body)
    assert result["content"].endswith("(cut off: this call's budget of tool output is spent)")
    assert len(result["content"].split("\n(cut off")[0].encode()) <= 20
    assert second.body["tool_choice"] == {"type": "tool", "name": "report_findings"}


async def test_cancel_stops_the_loop_at_once(workspace: Path, fake_api: FakeAnthropic) -> None:
    held = threading.Event()
    fake_api.script(
        call("Read", {"file_path": "app/models.py"}),
        Message(content=[tool_use("report_findings", FINDINGS)], stop_reason="tool_use", hold=held),
    )
    try:
        task = asyncio.ensure_future(
            MessagesApi().stream(settings_for(fake_api), prepared(workspace).prompt, lambda _: None)
        )
        await asyncio.to_thread(fake_api.wait_for_requests, 2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
    finally:
        held.set()
    await asyncio.sleep(0.2)
    assert len(fake_api.requests) == 2


# -- through the real server over stdio ------------------------------------------------------------


async def test_a_read_shows_in_progress_and_in_the_report(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor("visual-studio-code")
    uri = editor.open("app/orders.py")
    selection = editor.range_of(uri, "def create_order(db, payload):")
    fake_api.script(
        call("Read", {"file_path": "app/orders.py", "limit": 3}), call("report_findings", FINDINGS)
    )
    result = await editor.run(uri, selection, "backend-engineer", "review")
    assert result["status"] == "shown", result
    reports = [
        value.message
        for values in editor.progress()
        for value in values
        if isinstance(value, types.WorkDoneProgressReport)
    ]
    assert "Reading app/orders.py" in reports
    (shown,) = editor.client.shown_documents
    markdown = Path(shown.uri.removeprefix("file://")).read_text()
    assert "## Tools used\n\n- Reading app/orders.py\n" in markdown
    assert " cache write tokens\n" in markdown.split("\n\n")[1] + "\n"
    _, second = fake_api.requests
    (read,) = results_of(second.body)
    lines = (editor.root / "app/orders.py").read_text().splitlines()
    assert read["content"] == "\n".join(f"{n}\t{line}" for n, line in enumerate(lines[:3], 1))
