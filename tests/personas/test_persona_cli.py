"""`agent-ls ask` as a user runs it: a subprocess against the fake API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from persona_helpers import KEY, server_env

from fakeapi import FakeAnthropic, Message, text, unauthorized


def ask(workspace: Path, *args: str, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    env = server_env(**({"ANTHROPIC_API_KEY": key} if key else {}))
    return subprocess.run(
        [sys.executable, "-m", "agent_ls", "ask", *args],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ask_streams_the_review_to_stdout(persona_workspace: Path, fake_api: FakeAnthropic) -> None:
    fake_api.script(Message(content=[text("L7: json.loads trusts the payload.")], chunk_chars=4))
    done = ask(
        persona_workspace,
        "--agent",
        "backend-engineer",
        "--action",
        "review",
        "--base-url",
        fake_api.base_url,
        "app/orders.py:6-9",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "L7: json.loads trusts the payload.\n"
    assert "backend-engineer: review" in done.stderr
    (request,) = fake_api.requests
    content = request.body["messages"][0]["content"]
    assert "File: app/orders.py (lines 6-9 selected)" in content
    assert "<selection>\ndef create_order(db, payload):\n" in content
    assert request.body["system"][-1]["cache_control"] == {"type": "ephemeral"}


def test_ask_lists_workspace_agents(persona_workspace: Path) -> None:
    done = ask(persona_workspace, "--list")
    assert done.returncode == 0
    ids = "review, explain, failure-modes, harden, validate, log"
    assert f"backend-engineer (shipped)\n  actions: {ids}" in done.stdout
    assert "reviewer (" in done.stdout and "no-description" not in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--agent", "nobody", "app/orders.py"], "There is no agent called 'nobody'"),
        (["--action", "dance", "app/orders.py"], "backend-engineer has no action 'dance'"),
        (["app/orders.py:30-40"], "lines 30-40 are not in the file (20 lines)"),
        (["app/missing.py"], "cannot read app/missing.py"),
        ([], "name a FILE"),
    ],
)
def test_ask_usage_errors_exit_2(
    persona_workspace: Path, fake_api: FakeAnthropic, args: list[str], message: str
) -> None:
    done = ask(persona_workspace, "--base-url", fake_api.base_url, *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert fake_api.requests == []


def test_ask_without_a_key_says_how_to_set_one(
    persona_workspace: Path, fake_api: FakeAnthropic
) -> None:
    done = ask(persona_workspace, "--base-url", fake_api.base_url, "app/orders.py", key=None)
    assert done.returncode == 2 and "ANTHROPIC_API_KEY" in done.stderr
    assert fake_api.requests == []


def test_ask_api_failure_exits_1(persona_workspace: Path, fake_api: FakeAnthropic) -> None:
    fake_api.default = unauthorized()
    done = ask(persona_workspace, "--base-url", fake_api.base_url, "app/orders.py:6")
    assert done.returncode == 1
    assert "rejected the API key in ANTHROPIC_API_KEY (401 authentication_error)" in done.stderr
    assert KEY not in done.stderr + done.stdout


def test_ask_refuses_credentials_without_a_terminal(
    persona_workspace: Path, fake_api: FakeAnthropic
) -> None:
    (persona_workspace / "app/.env").write_text("DATABASE_PASSWORD=s3cr3t-v4lue\n")
    done = ask(persona_workspace, "--base-url", fake_api.base_url, "app/.env")
    assert done.returncode == 2 and "a credential assignment (line 1)" in done.stderr
    assert fake_api.requests == []
    done = ask(persona_workspace, "--base-url", fake_api.base_url, "--allow-secrets", "app/.env")
    assert done.returncode == 0 and len(fake_api.requests) == 1


def test_the_sdk_is_not_imported_at_server_start() -> None:
    code = (
        "import sys\n"
        "import agent_ls.cli\n"
        "from agent_ls.lsp.server import build_server\n"
        "build_server()\n"
        "print('anthropic' in sys.modules, 'agent_ls.personas.lsp' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["False", "False"], done.stderr  # the glue loads lazily too
