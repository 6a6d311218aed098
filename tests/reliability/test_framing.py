"""The frame reader (`agent_ls.lsp.framing.FrameReader`): legal headers in any spelling, and
resynchronisation on the next `Content-Length` header after any badly framed bytes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent_ls.lsp.framing import Broken, Event, Frame, FrameReader, Skipped

BODY = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}).encode()
NEXT = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover"}).encode()


def frame(body: bytes, header: bytes = b"Content-Length: %d\r\n\r\n") -> bytes:
    return (header % len(body) if b"%d" in header else header) + body


def read(data: bytes, chunk: int | None = None) -> list[Event]:
    reader = FrameReader()
    if chunk is None:
        return reader.feed(data)
    events: list[Event] = []
    for i in range(0, len(data), chunk):
        events += reader.feed(data[i : i + chunk])
    return events


def bodies(events: list[Event]) -> list[bytes]:
    return [e.body for e in events if isinstance(e, Frame)]


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Length: %d\r\n\r\n",
        b"content-length: %d\r\n\r\n",
        b"CONTENT-LENGTH:%d\r\n\r\n",
        b"Content-Length:  %d \r\n\r\n",
        b"Content-Length:\t%d\t\r\n\r\n",
        b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n\r\n",
        b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n",
        b"Content-Length: %d\n\n",
        b"\r\nContent-Length: %d\r\n\r\n",  # a stray blank line between frames
    ],
)
def test_legal_headers_in_any_spelling_are_read(header: bytes) -> None:
    data = frame(BODY, header) + frame(NEXT)
    assert read(data) == [Frame(BODY), Frame(NEXT)]
    assert read(data, chunk=1) == [Frame(BODY), Frame(NEXT)]


def test_a_length_a_few_bytes_short_costs_only_that_frame() -> None:
    events = read(b"Content-Length: %d\r\n\r\n" % (len(BODY) - 3) + BODY + frame(NEXT))
    assert events == [Frame(BODY[:-3]), Skipped(3), Frame(NEXT)]


def test_a_length_too_long_is_cut_at_the_next_header() -> None:
    events = read(b"Content-Length: %d\r\n\r\n" % (len(BODY) + 10) + BODY + frame(NEXT))
    assert bodies(events) == [BODY, NEXT]
    assert events[0].note and "next frame" in events[0].note  # type: ignore[union-attr]


def test_a_length_too_long_does_not_wait_for_bytes_that_never_come() -> None:
    reader = FrameReader()
    assert reader.feed(b"Content-Length: 1000000\r\n\r\n" + BODY) == []  # still waiting
    assert bodies(reader.feed(frame(NEXT))) == [BODY, NEXT]


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (b"Content-Type: text/plain\r\n\r\n", "without Content-Length"),
        (b"Content-Length: abc\r\n\r\n", "not a number"),
        (b"Content-Length: -5\r\n\r\n", "not a number"),
        (b"Content-Length: 99999999999999\r\n\r\n", "above the limit"),
        (b"Content-Length: 5\r\nnot a header\r\n\r\n", "not a header line"),
    ],
)
def test_a_header_block_that_cannot_be_read_is_broken_and_the_next_frame_read(
    header: bytes, reason: str
) -> None:
    events = read(header + BODY + frame(NEXT))
    broken = [e for e in events if isinstance(e, Broken)]
    assert len(broken) == 1 and reason in broken[0].reason, events
    assert bodies(events) == [NEXT]


@pytest.mark.parametrize(
    "garbage",
    [b"garbage\r\n", b"\x00\xff\xfe", b"{}", b"x" * 20_000, b"Content-Length", b"\r\n\r\n\r\n"],
)
def test_bytes_before_a_frame_are_skipped(garbage: bytes) -> None:
    events = read(garbage + frame(NEXT))
    assert bodies(events) == [NEXT]
    assert not [e for e in events if isinstance(e, Broken)]


def test_the_end_of_the_stream_inside_a_frame_is_reported() -> None:
    reader = FrameReader()
    reader.feed(frame(BODY))
    assert reader.unfinished() is None
    reader.feed(b"Content-Length: 40\r\n\r\n{")
    assert "after 1 of the 40 bytes of a body" in (reader.unfinished() or "")
    headers_only = FrameReader()
    headers_only.feed(b"Content-Length: 40\r\n")
    assert headers_only.unfinished()


messages = st.lists(
    st.dictionaries(st.sampled_from(["id", "method", "params"]), st.text(max_size=30)).map(
        lambda m: json.dumps({"jsonrpc": "2.0", **m}, ensure_ascii=False).encode()
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=200, derandomize=True, database=None)
@given(messages=messages, noise=st.binary(max_size=40), cuts=st.lists(st.integers(1, 50)))
def test_any_garbage_then_frames_in_any_chunks_reads_every_frame(
    messages: list[bytes], noise: bytes, cuts: list[int]
) -> None:
    """Whatever bytes come first, and however the stream is cut, every frame after them is
    read whole (the last frame is read after one more, well-framed message)."""
    data = noise + b"\r\n" + b"".join(frame(m) for m in messages) + frame(NEXT)
    reader, events, at = FrameReader(), [], 0
    for cut in cuts:
        events += reader.feed(data[at : at + cut])
        at += cut
    events += reader.feed(data[at:])
    assert bodies(events)[-len(messages) - 1 :] == [*messages, NEXT]
    assert reader.unfinished() is None
