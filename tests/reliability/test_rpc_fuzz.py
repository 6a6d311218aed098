"""Random JSON-RPC requests: whatever the params, every request gets a response, and the server
keeps serving. Valid params are taken apart (keys dropped, values swapped for other JSON)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rawrpc import RawServer

ROOT = Path(__file__).parent.parent / "workspaces" / "basic"
URI = (ROOT / ".claude" / "agents" / "fuzzed.md").as_uri()
TEXT = "---\nname: fuzzed\ndescription: Use it\ntools: Read, Reed\ncolor: red\n---\n\nBody.\n"
AT = {"line": 3, "character": 9}
SPAN = {"start": {"line": 0, "character": 0}, "end": {"line": 4, "character": 3}}
DOC = {"uri": URI}

VALID: dict[str, dict[str, Any]] = {
    "textDocument/hover": {"textDocument": DOC, "position": AT},
    "textDocument/completion": {"textDocument": DOC, "position": AT, "context": {"triggerKind": 1}},
    "textDocument/codeAction": {"textDocument": DOC, "range": SPAN, "context": {"diagnostics": []}},
    "textDocument/documentSymbol": {"textDocument": DOC},
    "textDocument/foldingRange": {"textDocument": DOC},
    "textDocument/documentColor": {"textDocument": DOC},
    "textDocument/colorPresentation": {
        "textDocument": DOC,
        "color": {"red": 1, "green": 0, "blue": 0, "alpha": 1},
        "range": SPAN,
    },
    "textDocument/diagnostic": {"textDocument": DOC},
    "codeAction/resolve": {"title": "x", "data": {"kind": "persona", "uri": URI}},
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mangled(draw: st.DrawFn, value: Any) -> Any:
    """`value` with some parts dropped or replaced by arbitrary JSON."""
    if draw(st.integers(0, 9)) == 0:
        return draw(json_values)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            choice = draw(st.integers(0, 12))
            if choice == 0:
                continue  # dropped
            out[key] = draw(json_values) if choice == 1 else draw(mangled(item))
        return out
    if isinstance(value, int) and not isinstance(value, bool) and draw(st.booleans()):
        return draw(st.sampled_from([0, 1, 2**31 - 1, 2**31, 10_000]))  # odd, mostly still valid
    return value


requests = st.sampled_from(sorted(VALID)).flatmap(
    lambda method: st.tuples(st.just(method), mangled(VALID[method]))
)


async def test_every_random_request_gets_a_response() -> None:
    assert ROOT.is_dir(), f"missing sample workspace {ROOT}"
    server = await RawServer.start()
    loop = asyncio.get_running_loop()
    try:
        await server.initialize(ROOT)
        server.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": URI, "languageId": "markdown", "version": 1, "text": TEXT}},
        )

        async def one(method: str, params: Any) -> None:
            reply = await server.call(method, params, timeout=10)
            assert ("result" in reply) != ("error" in reply), reply
            if "error" in reply:
                assert reply["error"]["code"] in (-32602, -32600), reply  # never an internal error

        @settings(
            max_examples=150,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(request=requests)
        def examples(request: tuple[str, Any]) -> None:
            asyncio.run_coroutine_threadsafe(one(*request), loop).result(timeout=30)

        await asyncio.to_thread(examples)
        reply = await server.call("textDocument/hover", VALID["textDocument/hover"])
        assert reply["result"] is not None  # still serving, and the document is intact
        internal = [n for n in server.notifications if "Error in server" in str(n.get("params"))]
        assert not [n for n in internal if "Invalid Params" not in str(n)], internal[:3]
    finally:
        await server.stop()
