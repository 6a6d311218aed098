"""Protocol fuzzing on the wire: bytes no well-behaved client sends, over stdio and over TCP.

After every case the server must still answer a hover correctly (the right text for the open
document), and at the end `shutdown` then `exit` must exit 0. Each wait is bounded (5 s); the
random part is seeded, so every run sends the same bytes.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from rawrpc import RawServer

ROOT = Path(__file__).parent.parent / "workspaces" / "basic"
URI = (ROOT / ".claude" / "agents" / "wire.md").as_uri()
TEXT = "---\nname: wire\ndescription: Use it\ntools: Read, Reed\ncolor: red\n---\n\nBody.\n"
HOVER = {"textDocument": {"uri": URI}, "position": {"line": 3, "character": 8}}
PARSE_ERROR, INVALID_REQUEST, INVALID_PARAMS = -32700, -32600, -32602
SEED = 20261201


def message(msg_id: Any, method: str = "textDocument/hover", params: Any = HOVER) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}).encode()


def framed(body: bytes, length: int | None = None, header: bytes = b"Content-Length: ") -> bytes:
    return header + b"%d\r\n\r\n" % (len(body) if length is None else length) + body


async def still_serving(server: RawServer) -> None:
    """The server answers a hover on the open document with that document's text."""
    reply = await server.call("textDocument/hover", HOVER, timeout=5)
    assert "**Read** (tool)" in reply["result"]["contents"]["value"], reply


async def answered(server: RawServer, msg_id: Any) -> dict[str, Any]:
    """Returns the response to `msg_id` (also when it came before another response)."""
    for seen in server.responses:
        if seen.get("id") == msg_id and "id" in seen:
            server.responses.remove(seen)
            return seen
    return await server.response(msg_id, timeout=5)


def errors(server: RawServer, code: int) -> list[dict[str, Any]]:
    """Takes the id-null errors with `code` received so far."""
    found = [r for r in server.responses if r.get("error", {}).get("code") == code]
    server.responses[:] = [r for r in server.responses if r not in found]
    return found


@pytest.fixture(params=["stdio", "tcp"])
async def wire(request: pytest.FixtureRequest) -> AsyncIterator[RawServer]:
    assert ROOT.is_dir(), f"missing sample workspace {ROOT}"
    server = await (RawServer.start_tcp() if request.param == "tcp" else RawServer.start())
    try:
        await server.initialize(ROOT)
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "markdown", "version": 1, "text": TEXT}},
        )
        await still_serving(server)
        yield server
    finally:
        await server.stop()


async def shuts_down_cleanly(server: RawServer) -> None:
    reply = await server.call("shutdown")
    assert "error" not in reply and reply["result"] is None, reply
    server.notify("exit")
    assert await server.exit_code() == 0


# -- framing: legal spellings, and frames that cannot be read --------------------------------------

LEGAL_HEADERS = [
    b"content-length: ",
    b"CONTENT-LENGTH:",
    b"Content-Length:   ",
    b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: ",
]


async def test_legal_headers_in_any_spelling_are_answered(wire: RawServer) -> None:
    for n, header in enumerate(LEGAL_HEADERS, start=100):
        wire.write_raw(framed(message(n), header=header))
        assert "result" in await answered(wire, n)
    wire.write_raw(b"Content-Length: %d  \n\n" % len(message(110)) + message(110))  # LF only
    assert "result" in await answered(wire, 110)
    await still_serving(wire)
    await shuts_down_cleanly(wire)


BROKEN: list[tuple[str, Callable[[], bytes], int]] = [
    ("length 3 short", lambda: framed(message(200), len(message(200)) - 3), PARSE_ERROR),
    ("no Content-Length", lambda: b"Content-Type: x\r\n\r\n" + message(201), PARSE_ERROR),
    ("Content-Length not a number", lambda: b"Content-Length: 1e3\r\n\r\n{}", PARSE_ERROR),
    ("Content-Length negative", lambda: b"Content-Length: -20\r\n\r\n{}", PARSE_ERROR),
    ("invalid UTF-8", lambda: framed(b'{"jsonrpc": "2.0", "method": "\xff\xfe"}'), PARSE_ERROR),
    ("not JSON", lambda: framed(b"{not json"), PARSE_ERROR),
    ("empty body", lambda: framed(b""), PARSE_ERROR),
    ("a JSON array", lambda: framed(b"[1, 2]"), INVALID_REQUEST),
    ("a JSON string", lambda: framed(b'"hello"'), INVALID_REQUEST),
    ("an object id", lambda: framed(message({"a": 1})), INVALID_REQUEST),
    ("a list id", lambda: framed(message([7])), INVALID_REQUEST),
    ("a boolean id", lambda: framed(message(True)), INVALID_REQUEST),
]


@pytest.mark.parametrize(("name", "data", "code"), BROKEN, ids=[c[0] for c in BROKEN])
async def test_an_unreadable_frame_gets_an_error_and_the_next_frame_is_read(
    wire: RawServer, name: str, data: Callable[[], bytes], code: int
) -> None:
    wire.write_raw(data())
    await still_serving(wire)  # the next frame, read as sent
    assert len(errors(wire, code)) == 1, (name, wire.responses)
    await shuts_down_cleanly(wire)


async def test_lengths_too_long_and_stray_bytes_do_not_lose_the_next_frame(
    wire: RawServer,
) -> None:
    wire.write_raw(framed(message(300), len(message(300)) + 12))  # cut at the next header
    await still_serving(wire)
    assert "result" in await answered(wire, 300)
    wire.write_raw(b"Content-Length: 1000000\r\n\r\n" + message(301))  # bytes that never come
    await still_serving(wire)
    wire.write_raw(b"\x00garbage\xff\r\n\r\n" + b"x" * 20_000)  # no frame at all
    await still_serving(wire)
    wire.write_raw(b"Content-Len")  # half a header, glued to the next
    await still_serving(wire)
    await shuts_down_cleanly(wire)


# -- messages: nesting, odd ids, odd positions, cancel ---------------------------------------------


def nested(depth: int) -> Any:
    return json.loads("[" * depth + "]" * depth) if depth < 500 else None


async def test_deep_nesting_is_refused_with_the_request_id(wire: RawServer) -> None:
    deep = b'{"jsonrpc": "2.0", "id": 400, "method": "textDocument/hover", "params": '
    wire.write_raw(framed(deep + b"[" * 100_000 + b"]" * 100_000 + b"}"))
    reply = await answered(wire, 400)
    assert reply["error"]["code"] == INVALID_REQUEST and "deep" in reply["error"]["message"]
    deep_first = b'{"jsonrpc": "2.0", "method": "x", "params": {"a": ' + b"[" * 50_000
    wire.write_raw(framed(deep_first + b"]" * 50_000 + b'}, "id": "late"}'))  # the id last
    assert (await answered(wire, "late"))["error"]["code"] == INVALID_REQUEST
    note = b'{"jsonrpc": "2.0", "method": "$/setTrace", "params": ' + b"[" * 100_000
    wire.write_raw(framed(note + b"]" * 100_000 + b"}"))  # a notification: nothing to answer
    wire.send({"id": 401, "method": "textDocument/hover", "params": {**HOVER, "x": nested(400)}})
    assert "result" in await answered(wire, 401)  # deep, but within the parser's reach
    await still_serving(wire)
    await shuts_down_cleanly(wire)


async def test_odd_ids_and_positions_get_answers(wire: RawServer) -> None:
    for odd in [1.5, 2**80, -3, "", "é😀"]:
        wire.write_raw(framed(message(odd)))
        assert "result" in await answered(wire, odd), odd
    wire.write_raw(framed(message(None)))  # id null: answered with id null
    await still_serving(wire)
    for position, expected in [
        ({"line": 10_000, "character": 10_000}, "result"),
        ({"line": 3, "character": 10_000}, "result"),
        ({"line": 2**31, "character": 0}, "error"),
        ({"line": 0, "character": -1}, "error"),
        ({"line": 3}, "error"),
    ]:
        reply = await wire.call("textDocument/hover", {**HOVER, "position": position})
        assert expected in reply, (position, reply)
        if expected == "error":
            assert reply["error"]["code"] == INVALID_PARAMS
    for cancelled in [{"a": 1}, [1], 1.5, None, True, "never-sent"]:
        wire.notify("$/cancelRequest", {"id": cancelled})
    wire.notify("$/cancelRequest", None)
    await still_serving(wire)
    await shuts_down_cleanly(wire)


# -- seeded random mutations -----------------------------------------------------------------------


def mutate(rng: random.Random, n: int) -> bytes:
    """A hover request framed wrongly in one of several ways."""
    body = message(1000 + n)
    kind = rng.randrange(7)
    if kind == 0:  # a wrong length
        return framed(body, max(0, len(body) + rng.randint(-20, 20)))
    if kind == 1:  # random bytes in the body
        at = rng.randrange(len(body))
        return framed(body[:at] + rng.randbytes(rng.randint(1, 8)) + body[at + 1 :])
    if kind == 2:  # a body cut short, framed as cut
        return framed(body[: rng.randrange(len(body))])
    if kind == 3:  # random bytes before the header
        return rng.randbytes(rng.randint(1, 64)) + framed(body)
    if kind == 4:  # a header mangled
        header = bytearray(b"Content-Length: %d\r\n\r\n" % len(body))
        header[rng.randrange(len(header))] = rng.randrange(256)
        return bytes(header) + body
    if kind == 5:  # invalid UTF-8 in a string
        return framed(body.replace(b"hover", b"hov\xc3\x28er"))
    return framed(b"[" * rng.choice([10, 1_000, 50_000]) + body)  # unbalanced nesting


async def test_random_misframed_messages_never_wedge_the_server(wire: RawServer) -> None:
    rng = random.Random(SEED)
    for n in range(60):
        data = mutate(rng, n)
        wire.write_raw(data)
        try:
            await still_serving(wire)
        except (TimeoutError, AssertionError) as error:
            raise AssertionError(f"case {n}: after {data[:120]!r}") from error
    await shuts_down_cleanly(wire)


# -- the end of the stream inside a frame ----------------------------------------------------------


@pytest.mark.parametrize("transport", ["stdio", "tcp"])
async def test_a_stream_ending_inside_a_frame_exits_non_zero(transport: str) -> None:
    server = await (RawServer.start_tcp() if transport == "tcp" else RawServer.start())
    try:
        await server.initialize(ROOT)
        await server.call("shutdown")  # even after shutdown: the last frame was cut off
        server.write_raw(b"Content-Length: 50\r\n\r\n{")
        server.close_input()
        assert await server.exit_code() == 1
    finally:
        await server.stop()
