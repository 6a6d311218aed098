"""Prompt caching: the persona and the file's data are two cache breakpoints, so a second action
on the same code reads both from the cache (the fake API caches prefixes as the API does: the
tools, the system prompt, then the messages' blocks, up to each `cache_control`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from persona_helpers import KEY, StartEditor

from agent_ls.personas.agents import PersonaDirectory, persona_from_text
from agent_ls.personas.client import ApiSettings, MessagesApi
from agent_ls.personas.prompt import Selection, cache_shortfall, minimum_cacheable_tokens
from agent_ls.personas.session import PreparedAction, prepare
from agent_ls.settings import PersonaSettings
from fakeapi import FakeAnthropic, Message, tool_use

CODE = "import json\n\n\ndef load(payload):\n    return json.loads(payload)\n"
FINDINGS = {"summary": "Fine.", "findings": []}


def settings_for(api: FakeAnthropic) -> ApiSettings:
    return ApiSettings(KEY, "K", api.base_url, 10.0, 0)


def ready(action: str, root: Path | None = None) -> PreparedAction:
    start = CODE.index("def load")
    return prepare(
        PersonaDirectory().personas(),
        "backend-engineer",
        action,
        Selection(CODE, start, len(CODE)),
        file_name="app/load.py",
        language="python",
        settings=PersonaSettings(),
        root=root,
    )


def breakpoints(body: dict[str, Any]) -> list[str]:
    """Returns where the request's cache_control blocks are."""
    found = [f"tools[{i}]" for i, t in enumerate(body.get("tools", [])) if "cache_control" in t]
    found += [f"system[{i}]" for i, b in enumerate(body["system"]) if "cache_control" in b]
    for m, message in enumerate(body["messages"]):
        content = message["content"]
        blocks = content if isinstance(content, list) else []
        found += [f"messages[{m}][{i}]" for i, b in enumerate(blocks) if "cache_control" in b]
    return found


async def test_a_second_action_on_the_same_code_reads_persona_and_data_from_the_cache(
    fake_api: FakeAnthropic,
) -> None:
    fake_api.script(
        Message(content=[tool_use("report_findings", FINDINGS)], stop_reason="tool_use"),
        Message(
            content=[tool_use("replace_selection", {"code": "x", "imports": [], "summary": "s"})],
            stop_reason="tool_use",
        ),
    )
    api = MessagesApi()
    review = await api.stream(settings_for(fake_api), ready("review").prompt, lambda _: None)
    harden = await api.stream(settings_for(fake_api), ready("harden").prompt, lambda _: None)
    first, second = (r.body for r in fake_api.requests)
    assert breakpoints(first) == breakpoints(second) == ["system[1]", "messages[0][0]"]
    assert first["tools"] == second["tools"]  # one prefix for every action of the agent
    assert first["messages"][0]["content"][0] == second["messages"][0]["content"][0]
    assert first["messages"][0]["content"][1] != second["messages"][0]["content"][1]  # the task
    assert review.usage["cache_read_input_tokens"] == 0
    assert review.usage["cache_creation_input_tokens"] > 0
    # the second action writes nothing new: persona and data come from the cache
    assert harden.usage["cache_read_input_tokens"] == review.usage["cache_creation_input_tokens"]
    assert harden.usage["cache_creation_input_tokens"] == 0


async def test_each_turn_of_the_tool_loop_reads_the_turns_before_from_the_cache(
    fake_api: FakeAnthropic, tmp_path: Path
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "load.py").write_text(CODE)
    fake_api.script(
        Message(content=[tool_use("Read", {"file_path": "app/load.py"})], stop_reason="tool_use"),
        Message(content=[tool_use("Grep", {"pattern": "json"})], stop_reason="tool_use"),
        Message(content=[tool_use("report_findings", FINDINGS)], stop_reason="tool_use"),
    )
    answer = await MessagesApi().stream(
        settings_for(fake_api), ready("review", tmp_path).prompt, lambda _: None
    )
    bodies = [r.body for r in fake_api.requests]
    assert [breakpoints(b) for b in bodies] == [
        ["system[1]", "messages[0][0]"],
        ["system[1]", "messages[0][0]", "messages[2][0]"],  # the moving one: the last result
        ["system[1]", "messages[0][0]", "messages[4][0]"],  # at most three of the API's four
    ]
    assert "cache_control" not in bodies[2]["messages"][2]["content"][0]  # it moved on
    assert answer.usage["cache_read_input_tokens"] > 0
    assert len(answer.messages) == 6  # every turn kept, the answer's last
    assert answer.messages[-1]["content"][0]["name"] == "report_findings"


def test_a_persona_too_short_to_cache_is_noticed() -> None:
    short = persona_from_text("---\nname: terse\ndescription: Terse.\n---\n\nBe brief.\n", None)
    assert short is not None
    prepared = prepare(
        {"terse": short},
        "terse",
        "review",
        Selection(CODE, 0, len(CODE)),
        file_name="a.py",
        language="python",
        settings=PersonaSettings(default_model="claude-haiku-5-5"),
    )
    shortfall = cache_shortfall(prepared.prompt)
    assert shortfall is not None and shortfall[1] == 4096 and shortfall[0] < 4096
    assert minimum_cacheable_tokens("claude-opus-5-5") == 512
    assert minimum_cacheable_tokens("some-gateway-model") == 1024
    long_enough = ready("review").prompt  # the shipped backend-engineer on the default model
    assert cache_shortfall(long_enough) is None


async def test_the_editor_log_notes_once_a_persona_too_short_to_cache(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path
) -> None:
    agents = persona_workspace / ".claude" / "agents"
    agents.mkdir(parents=True, exist_ok=True)
    (agents / "terse.md").write_text(
        "---\nname: terse\ndescription: Terse.\nmodel: haiku\n---\n\nBe brief.\n"
    )
    editor = await start_editor("neovim")
    uri = editor.open("app/orders.py")
    where = editor.range_of(uri, "def create_order(db, payload):")
    for _ in range(2):
        fake_api.script(
            Message(content=[tool_use("report_findings", FINDINGS)], stop_reason="tool_use")
        )
        result = await editor.run(uri, where, "terse", "review")
        assert result["status"] == "shown", result
    notes = [m.message for m in editor.client.log_messages if "prompt cache" in m.message]
    assert len(notes) == 1  # once, though two actions ran
    assert notes[0].startswith("agent-ls: terse's persona is too short for the prompt cache: ")
    assert "under the 4,096 claude-haiku-5-5 caches" in notes[0]
    editor_free = await start_editor("neovim")  # the shipped persona is long enough
    uri = editor_free.open("app/orders.py")
    fake_api.script(
        Message(content=[tool_use("report_findings", FINDINGS)], stop_reason="tool_use")
    )
    result = await editor_free.run(uri, where, "backend-engineer", "review")
    assert result["status"] == "shown", result
    assert not [m for m in editor_free.client.log_messages if "prompt cache" in m.message]
