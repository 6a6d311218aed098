"""A review's findings on the reviewed lines: published at exact ranges with the agent as source,
kept beside agent-ls's own diagnostics, dropped when their lines are edited or cleared by command,
and each with a quick fix that asks the agent to rewrite those lines (the real server over stdio,
the fake API on loopback; a push client and a pull client)."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from persona_helpers import Editor, StartEditor

from fakeapi import FakeAnthropic, Message, reply_text, tool_use

FINDINGS = {
    "summary": "Two problems.",
    "findings": [
        {
            "start_line": 7,
            "end_line": 7,
            "severity": "high",
            "title": "json.loads trusts the payload",
            "detail": "Bad input raises a bare JSONDecodeError.",
        },
        {
            "start_line": 8,
            "end_line": 9,
            "severity": "low",
            "title": "No idempotency key",
            "detail": "A retry inserts the order twice.",
        },
        {"start_line": 99, "end_line": 99, "severity": "info", "title": "Off the end"},
    ],
}


def review_reply() -> Message:
    return Message(content=[tool_use("report_findings", FINDINGS)], stop_reason="tool_use")


async def review(editor: Editor, fake_api: FakeAnthropic) -> tuple[str, dict[str, Any]]:
    uri = editor.open("app/orders.py")
    where = editor.range_of(uri, "def create_order")
    where.end = editor.range_of(uri, 'return {"id": order_id}').end
    fake_api.script(review_reply())
    result = await editor.run(uri, where, "backend-engineer", "review")
    assert result["status"] == "shown", result
    return uri, result


async def pushed(editor: Editor, uri: str, count: int) -> list[types.Diagnostic]:
    """Returns the document's pushed persona diagnostics once there are `count` of them."""
    for _ in range(200):
        found = [d for d in editor.client.diagnostics.get(uri, []) if d.source != "agent-ls"]
        if len(found) == count:
            return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} findings, got {editor.client.diagnostics.get(uri)}")


async def pulled(editor: Editor, uri: str) -> list[types.Diagnostic]:
    report = await editor.client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert isinstance(report, types.RelatedFullDocumentDiagnosticReport)
    return [d for d in report.items if d.source != "agent-ls"]


async def clear(editor: Editor, uri: str | None = None) -> Any:
    return await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="agentLs.persona.clearFindings", arguments=[{"uri": uri}] if uri else []
        )
    )


async def test_findings_are_pushed_on_their_lines_and_dropped_by_an_edit_over_them(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor("visual-studio-code")  # push diagnostics
    uri, result = await review(editor, fake_api)
    first, second = sorted(await pushed(editor, uri, 2), key=lambda d: d.range.start.line)
    assert first.source == second.source == "backend-engineer"
    assert first.range == types.Range(types.Position(6, 4), types.Position(6, 30))
    assert first.severity == types.DiagnosticSeverity.Error
    assert first.message.startswith("json.loads trusts the payload")
    assert second.range == types.Range(types.Position(7, 4), types.Position(8, 27))
    assert second.severity == types.DiagnosticSeverity.Information
    (related,) = first.related_information or []
    assert related.location.uri == result["document"]  # the report
    text = editor.texts[uri]
    editor.change(uri, text.replace("data = json.loads(payload)", "data = parse(payload)"))
    (left,) = await pushed(editor, uri, 1)
    assert left.message.startswith("No idempotency key")
    assert (await clear(editor, uri)) == {"cleared": 1}
    await pushed(editor, uri, 0)


async def test_findings_are_pulled_and_cleared_by_the_command(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor("neovim")  # pull diagnostics
    uri, _ = await review(editor, fake_api)
    assert {d.range.start.line for d in await pulled(editor, uri)} == {6, 7}
    assert (await clear(editor)) == {"cleared": 2}
    assert await pulled(editor, uri) == []


async def test_the_quick_fix_asks_the_agent_to_rewrite_the_findings_lines(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor("neovim", personas={"confirm": "never"})
    uri, _ = await review(editor, fake_api)
    finding = next(d for d in await pulled(editor, uri) if d.range.start.line == 6)
    actions = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(6, 8), types.Position(6, 8)),
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    (fix,) = [a for a in actions or [] if a.title == "Ask backend-engineer to fix this"]
    assert isinstance(fix, types.CodeAction) and fix.kind == types.CodeActionKind.QuickFix
    assert fix.command is not None
    fixed = "    data = parse_order(payload)\n"
    fake_api.script(
        Message(
            content=[tool_use("replace_selection", {"code": fixed, "imports": [], "summary": "x"})],
            stop_reason="tool_use",
        )
    )
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=fix.command.command, arguments=fix.command.arguments)
    )
    assert result["status"] == "applied", result
    assert editor.texts[uri].splitlines()[6] == "    data = parse_order(payload)"
    request = fake_api.requests[-1].body
    assert "json.loads trusts the payload" in str(request["messages"])
    assert [d.range.start.line for d in await pulled(editor, uri)] == [7]  # the fixed one went


async def kept_reports(editor: Editor) -> dict[str, Any]:
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentLs.persona.reports", arguments=[])
    )
    assert isinstance(result, dict), result
    return result


def report_path(uri: str) -> Path:
    return Path(uri.removeprefix("file://"))


async def test_reports_are_kept_in_the_gitignored_workspace_folder(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path
) -> None:
    subprocess.run(["git", "init", "-q", str(persona_workspace)], check=True)
    (persona_workspace / ".gitignore").write_text(".agent-ls/\n")
    editor = await start_editor("visual-studio-code")
    _, result = await review(editor, fake_api)
    path = report_path(result["document"])
    assert path.parent == persona_workspace / ".agent-ls" / "reports"
    assert "json.loads trusts the payload" in path.read_text()
    listed = await kept_reports(editor)
    assert [r["uri"] for r in listed["reports"]] == [result["document"]]


async def test_reports_go_to_the_user_cache_when_the_folder_is_not_ignored(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path, tmp_path: Path
) -> None:
    subprocess.run(["git", "init", "-q", str(persona_workspace)], check=True)  # no .gitignore
    cache = tmp_path / "my-cache"
    editor = await start_editor("neovim", env={"XDG_CACHE_HOME": str(cache)})
    _, first = await review(editor, fake_api)
    _, second = await review(editor, fake_api)
    assert report_path(first["document"]).parent.parent == cache / "agent-ls" / "reports"
    assert not (persona_workspace / ".agent-ls").exists()
    listed = await kept_reports(editor)
    assert {r["uri"] for r in listed["reports"]} == {first["document"], second["document"]}


CURSOR_FILES = [
    (
        "app/tax.py",
        "python",
        "import math\n\n\ndef tax(amount):\n    rate = 0.2\n    return math.ceil(amount * rate)\n",
        "rate = 0.2",
        "function tax (lines 4-6)",
    ),
    (
        "app/tax.ts",
        "typescript",
        "import { ceil } from './m';\n\nexport function tax(amount: number): number {\n"
        "  const rate = 0.2;\n  return ceil(amount * rate);\n}\n",
        "const rate",
        "function tax (lines 3-6)",
    ),
    (
        "app/tax.go",
        "go",
        'package tax\n\nimport "math"\n\nfunc Tax(amount float64) float64 {\n'
        "\trate := 0.2\n\treturn math.Ceil(amount * rate)\n}\n",
        "rate :=",
        "function Tax (lines 5-8)",
    ),
]


@pytest.mark.parametrize(("name", "language", "text", "inside", "scope"), CURSOR_FILES)
async def test_a_bare_cursor_offers_the_actions_on_the_enclosing_function(
    start_editor: StartEditor,
    fake_api: FakeAnthropic,
    name: str,
    language: str,
    text: str,
    inside: str,
    scope: str,
) -> None:
    editor = await start_editor("visual-studio-code")
    uri = editor.open(name, text, language)
    cursor = editor.range_of(uri, inside).start
    offered = await editor.persona_actions(uri, types.Range(cursor, cursor))
    action = offered[f"backend-engineer: review · {scope}"]
    assert action.command is not None and action.command.arguments
    (args,) = action.command.arguments
    first, last = (int(n) for n in scope.rsplit(" ", 1)[1].strip("()").split("-"))
    assert args["range"]["start"] == {"line": first - 1, "character": 0}
    assert args["range"]["end"]["line"] in (last - 1, last)
    fake_api.script(review_reply())
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=action.command.command, arguments=[args])
    )
    assert result["status"] == "shown", result
    begins = [v[0] for v in editor.progress() if v]
    assert any(
        isinstance(b, types.WorkDoneProgressBegin) and scope in (b.message or "") for b in begins
    )
    sent = str(fake_api.requests[-1].body["messages"])
    assert "rate" in sent and "import" not in sent.split("<selection>")[-1].split("</selection>")[0]


def write_agent(root: Path, name: str, description: str, model: str = "haiku") -> None:
    path = root / ".claude" / "agents" / f"{name}.md"
    path.write_text(
        f"---\nname: {name}\ndescription: {description}\nmodel: {model}\n---\n\nBe {name}.\n"
    )


async def test_agents_whose_model_the_api_refuses_are_not_offered(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path
) -> None:
    write_agent(persona_workspace, "gpt-fan", "Reviews with another vendor's model.", "gpt-4")
    editor = await start_editor("visual-studio-code")
    uri = editor.open("app/orders.py")
    where = editor.range_of(uri, "def create_order(db, payload):")
    offered = await editor.persona_actions(uri, where)
    assert "reviewer: review" in offered
    assert not any(title.startswith(("gpt-fan", "no-description")) for title in offered)
    await editor.persona_actions(uri, where)
    hints = [m.message for m in editor.client.log_messages if "gpt-fan" in m.message]
    assert len(hints) == 1 and "'gpt-4'" in hints[0] and "AL501" in hints[0]  # once


@pytest.mark.parametrize("capabilities", ["visual-studio-code", "neovim"])
async def test_agents_left_out_are_named_with_why_in_one_last_entry(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path, capabilities: str
) -> None:
    write_agent(persona_workspace, "gpt-fan", "Reviews with another vendor's model.", "gpt-4")
    editor = await start_editor(capabilities)
    uri = editor.open("app/orders.py")
    where = editor.range_of(uri, "def create_order(db, payload):")
    actions = await editor.code_actions(uri, where)
    hint = actions[-1]
    assert hint.title == "Not offered: .claude/agents/dropped.md, gpt-fan"
    assert [a.title for a in actions].count(hint.title) == 1
    why = (
        ".claude/agents/dropped.md: Claude Code would not load it (its errors say why); "
        "gpt-fan: the API refuses its model 'gpt-4' (AL501: use an alias, a model ID or inherit)"
    )
    assert hint.disabled is None and hint.command is not None  # picking it shows why
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=hint.command.command, arguments=[])
    )
    assert result == {"notOffered": why.split("; ")}
    shown = [m.message for m in editor.client.messages]
    assert f"agent-ls: Not offered as personas: {why}." in shown
    fixed = "---\nname: fixed\ndescription: Fixed now.\n---\nReviews.\n"
    editor.open(".claude/agents/dropped.md", fixed, "markdown")  # the open text counts at once
    titles = [a.title for a in await editor.code_actions(uri, where)]
    assert titles[-1] == "Not offered: gpt-fan" and "fixed: review" in titles
    assert fake_api.requests == []


async def test_many_agents_get_one_entry_each_that_asks_which_action(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path
) -> None:
    write_agent(persona_workspace, "css-expert", "Styles web pages: CSS layout and colours.")
    write_agent(persona_workspace, "orders-expert", "Knows python order payloads and json parsing.")
    write_agent(persona_workspace, "go-expert", "Go goroutines and channels.")
    editor = await start_editor("neovim")
    uri = editor.open("app/orders.py")
    where = editor.range_of(uri, "def create_order(db, payload):\n    data = json.loads(payload)")
    titles = [a.title for a in await editor.code_actions(uri, where)]
    assert titles[0] == "Ask orders-expert…"  # its description shares the most words
    assert sorted(titles[:-1]) == sorted(
        f"Ask {n}…"
        for n in ("backend-engineer", "css-expert", "go-expert", "orders-expert", "reviewer")
    )
    assert titles[-1] == "Not offered: .claude/agents/dropped.md"  # last, saying who is left out
    (entry,) = [a for a in await editor.code_actions(uri, where) if a.title == "Ask reviewer…"]
    assert entry.command is not None and entry.command.command == "agentLs.persona.choose"
    fake_api.script(review_reply())
    editor.answers = ["review"]
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=entry.command.command, arguments=entry.command.arguments)
    )
    assert result["status"] == "shown", result
    asked = editor.message_requests[0]
    assert asked.message == "Ask reviewer to…"
    assert [a.title for a in asked.actions or []] == ["review", "explain", "improve"]
    assert "You review code." in str(fake_api.requests[-1].body["system"])  # reviewer's prompt


async def test_the_agent_menu_runs_nothing_when_dismissed(
    start_editor: StartEditor, fake_api: FakeAnthropic, persona_workspace: Path
) -> None:
    for name in ("a-one", "a-two", "a-three"):
        write_agent(persona_workspace, name, f"Agent {name}.")
    editor = await start_editor("neovim")
    uri = editor.open("app/orders.py")
    where = editor.range_of(uri, "def create_order(db, payload):")
    (entry,) = [a for a in await editor.code_actions(uri, where) if a.title == "Ask a-one…"]
    assert entry.command is not None
    result = await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=entry.command.command, arguments=entry.command.arguments)
    )
    assert result["status"] == "declined"
    assert fake_api.requests == []


async def follow_up(editor: Editor, args: dict[str, Any]) -> Any:
    return await editor.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="agentLs.persona.followUp", arguments=[args])
    )


async def test_a_follow_up_after_a_restart_continues_the_reports_conversation_in_its_file(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    first = await start_editor("visual-studio-code")
    _, result = await review(first, fake_api)
    report = result["document"]
    await first.client.shutdown_session()
    editor = await start_editor("neovim")  # a new server: nothing of the review in memory
    unique = {"summary": "Use a unique key on the insert.", "findings": []}
    fake_api.script(
        Message(content=[tool_use("report_findings", unique)], stop_reason="tool_use"),
        reply_text("Yes, in the db."),  # a gateway that answers with text
    )
    answered = await follow_up(
        editor, {"report": report, "question": "How to avoid the duplicate?"}
    )
    assert answered["status"] == "shown", answered
    assert " cache read" in answered["message"]  # the usage, in the progress end message too
    second = await follow_up(editor, {"report": report, "question": "Where does it go?"})
    assert second["status"] == "shown", second
    review_call, first_call, second_call = (r.body for r in fake_api.requests[-3:])
    assert first_call["tools"] == review_call["tools"]  # the same cached prefix
    assert first_call["system"] == review_call["system"]
    said = first_call["messages"]
    assert [m["role"] for m in said] == ["user", "assistant", "user"]
    assert said[0]["content"][0]["text"] == review_call["messages"][0]["content"][0]["text"]
    assert said[1]["content"][0]["name"] == "report_findings"  # the tool turn, not Markdown
    assert said[1]["content"][0]["cache_control"] == {"type": "ephemeral"}
    closing, question = said[2]["content"]
    assert (
        closing["type"] == "tool_result" and closing["tool_use_id"] == said[1]["content"][0]["id"]
    )
    assert question["text"].startswith("Follow-up question: How to avoid the duplicate?")
    roles = [m["role"] for m in second_call["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert second_call["messages"][3]["content"][0]["input"] == unique
    text = report_path(report).read_text()
    assert (
        text.index("json.loads trusts the payload")
        < text.index("## Follow-up: How to avoid the duplicate?\n\nUse a unique key on the insert.")
        < text.index("## Follow-up: Where does it go?\n\nYes, in the db.")
    )


async def test_a_follow_up_of_an_unknown_report_or_without_question_fails_clearly(
    start_editor: StartEditor, fake_api: FakeAnthropic
) -> None:
    editor = await start_editor("visual-studio-code")
    unknown = await follow_up(editor, {"report": "file:///nowhere.md", "question": "Why?"})
    assert unknown["status"] == "failed" and "run the action again" in unknown["message"]
    assert "No conversation is kept beside nowhere.md" in unknown["message"]
    blank = await follow_up(editor, {"report": "file:///nowhere.md", "question": "  "})
    assert blank["status"] == "failed" and "{report, question}" in blank["message"]
    assert fake_api.requests == []
