"""`agent-ls serve`: stdio by default, TCP on request; logs never on stdout."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_frame(read: callable[[int], bytes]) -> dict[str, object]:  # type: ignore[valid-type]
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        chunk = read(1)
        assert chunk, "the server closed the connection"
        header += chunk
    length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
    body = b""
    while len(body) < length:
        body += read(length - len(body))
    return json.loads(body)


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"processId": None, "rootUri": None, "capabilities": {}},
}


def test_serve_over_tcp_answers_initialize() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "agent_ls", "serve", "--tcp", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "the server never listened"
                time.sleep(0.1)
        with conn:
            conn.sendall(_frame(INITIALIZE))
            reply = _read_frame(conn.recv)
        assert reply["id"] == 1
        capabilities = reply["result"]["capabilities"]  # type: ignore[index]
        assert capabilities["completionProvider"] and capabilities["codeActionProvider"]
        assert reply["result"]["serverInfo"]["name"] == "agent-ls"  # type: ignore[index]
    finally:
        server.kill()
        server.wait(10)


def test_serve_over_stdio_keeps_stdout_for_the_protocol() -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "agent_ls", "serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert server.stdin and server.stdout
        server.stdin.write(_frame(INITIALIZE))
        server.stdin.flush()
        reply = _read_frame(server.stdout.read)
        assert reply["id"] == 1 and "capabilities" in reply["result"]  # type: ignore[operator]
        server.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        server.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
        server.stdin.flush()
        assert _read_frame(server.stdout.read)["id"] == 2
        assert server.wait(10) == 0
        assert server.stdout.read() == b""  # nothing but protocol frames on stdout
    finally:
        server.kill()
