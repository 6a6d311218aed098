"""On the way to the initialize result: nothing but pygls and the protocol layer. The engine, the
settings (TOML), the persona glue and the SDK load after it, yet the first document opened sees
the settings the client sent.

(`tests/personas/test_persona_cli.py` checks in a fresh process that building the server imports
neither the SDK nor the persona glue.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

NOT_BEFORE_INITIALIZE = (
    "agent_ls.dialects",
    "agent_ls.core.frontmatter",
    "agent_ls.core.jsondoc",
    "agent_ls.core.names",
    "agent_ls.features",
    "agent_ls.settings",
    "agent_ls.workspace",
    "agent_ls.personas",
    "agent_ls.lsp.personas",
    "yaml",
    "tomllib",
    "tomli",
    "anthropic",
)
"""What the initialize result must not wait for (each name and its submodules)."""


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_frame(stream: Any) -> dict[str, Any]:
    length = 0
    while (line := stream.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    assert length, "the server closed the stream"
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


def spawn(*python_flags: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return subprocess.Popen(
        [sys.executable, *python_flags, "-m", "agent_ls", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def did_open(path: Path, text: str) -> dict[str, Any]:
    document = {"uri": path.as_uri(), "languageId": "markdown", "version": 1, "text": text}
    return {
        "jsonrpc": "2.0",
        "method": "textDocument/didOpen",
        "params": {"textDocument": document},
    }


def initialize(root: Path, options: dict[str, Any] | None = None) -> dict[str, Any]:
    params = {"processId": None, "rootUri": root.as_uri(), "capabilities": {}}
    return {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {**params, "initializationOptions": options},
    }


def test_the_initialize_result_waits_for_nothing_but_pygls_and_the_protocol_layer(
    tmp_path: Path,
) -> None:
    server = spawn("-X", "importtime")
    try:
        assert server.stdin and server.stdout
        server.stdin.write(frame(initialize(tmp_path)))
        server.stdin.flush()
        result = read_frame(server.stdout)
    finally:
        server.kill()
        _, stderr = server.communicate(timeout=30)
    assert result["id"] == 1 and "capabilities" in result["result"]
    imported = {
        line.split("|")[-1].strip()
        for line in stderr.decode().splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "agent_ls.lsp.server" in imported  # -X importtime reported the server's imports
    early = sorted(
        m for m in imported if any(m == n or m.startswith(n + ".") for n in NOT_BEFORE_INITIALIZE)
    )
    assert early == []


@pytest.mark.parametrize("client_batches", [False, True], ids=["one-at-a-time", "one-write"])
def test_the_first_document_opened_sees_the_settings_of_initialize(
    tmp_path: Path, client_batches: bool
) -> None:
    """The settings are layered at `initialized` (the engine loads then); a didOpen written in
    the same chunk as `initialized` is still checked with them."""
    agent = tmp_path / ".claude/agents/extra.md"
    agent.parent.mkdir(parents=True)
    text = "---\nname: extra\ndescription: d\nrole: Reviewer\ntools: Read, MyTool\n---\n\nBody\n"
    agent.write_text(text)
    options = {"debounceMs": 0, "extraKeys": ["role"], "extraTools": ["MyTool"]}
    opened = did_open(agent, text)
    server = spawn()
    try:
        assert server.stdin and server.stdout
        server.stdin.write(frame(initialize(tmp_path, options)))
        server.stdin.flush()
        assert read_frame(server.stdout)["id"] == 1
        then = frame({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        if client_batches:
            server.stdin.write(then + frame(opened))
        else:
            server.stdin.write(then)
            server.stdin.flush()
            server.stdin.write(frame(opened))
        server.stdin.flush()
        while True:
            message = read_frame(server.stdout)
            if message.get("method") == "textDocument/publishDiagnostics":
                break
            if "id" in message and "method" in message:  # a request: answer it, as a client would
                server.stdin.write(frame({"jsonrpc": "2.0", "id": message["id"], "result": None}))
                server.stdin.flush()
    finally:
        server.kill()
        server.communicate(timeout=30)
    assert message["params"]["uri"] == agent.as_uri()
    assert message["params"]["diagnostics"] == []  # AL301 and AL401 without the settings


def test_a_client_that_never_sends_initialized_still_gets_diagnostics(tmp_path: Path) -> None:
    """The engine loads on first use too: a document opened without `initialized` (a client
    that skips it) is checked with the default settings."""
    agent = tmp_path / ".claude/agents/extra.md"
    agent.parent.mkdir(parents=True)
    text = "---\nname: extra\ndescription: d\ntools: Read, MyTool\n---\n\nBody\n"
    opened = did_open(agent, text)
    server = spawn()
    try:
        assert server.stdin and server.stdout
        server.stdin.write(frame(initialize(tmp_path, {"debounceMs": 0})))
        server.stdin.flush()
        assert read_frame(server.stdout)["id"] == 1
        server.stdin.write(frame(opened))
        server.stdin.flush()
        message = read_frame(server.stdout)
    finally:
        server.kill()
        server.communicate(timeout=30)
    assert message["method"] == "textDocument/publishDiagnostics"
    assert [d["code"] for d in message["params"]["diagnostics"]] == ["AL401"]  # MyTool


def test_the_server_advertises_the_persona_commands_under_their_own_names() -> None:
    from agent_ls.lsp.commands import PERSONA_COMMANDS
    from agent_ls.lsp.personas import state as personas
    from agent_ls.lsp.server import build_server

    assert PERSONA_COMMANDS == (
        personas.RUN_COMMAND,
        personas.LIST_COMMAND,
        personas.CLEAR_FINDINGS_COMMAND,
        personas.REPORTS_COMMAND,
        personas.CHOOSE_COMMAND,
        personas.FOLLOW_UP_COMMAND,
        personas.NOT_OFFERED_COMMAND,
    )
    assert set(PERSONA_COMMANDS) <= set(build_server().protocol.fm.commands)
