"""Reading LSP frames (`Content-Length: N` headers, a blank line, N bytes) from stdio or TCP.

This replaces pygls 2.1's reader (`pygls.io_.run_async`), which one badly framed message made
deaf for good while the process stayed alive: it matched only the exact bytes
`Content-Length: N\\r\\n`, so a lower-case `content-length:` or `Content-Length:  N ` (both
legal) was never seen, and after a length a few bytes off every later frame was misread. Here:

- header names are case-insensitive and values trimmed; other headers (`Content-Type`) are
  ignored; lines may end in `\\r\\n` or `\\n`;
- a header block without a usable `Content-Length` (missing, not a number, above
  `MAX_BODY`) is a broken frame: the protocol answers a parse error (-32700, id null);
- the stream is resynchronised on the next `Content-Length` header: bytes before it are skipped
  (and logged), and a body that runs into a header is cut there, since valid JSON can never
  hold a raw line break after `Content-Length: <digits>` (a string may not contain a raw line
  break, and outside strings those words are not JSON). So a length too short gives one parse
  error and the next frame is read as sent; a length too long takes the bytes up to the next
  header as the body;
- where resynchronising is impossible, the stream ended inside a frame: that is logged, and
  the server exits non-zero (`FrameReader.unfinished`).

A body longer than what the client sends waits for more bytes (nothing can tell a slow client
from a wrong length); the client's next frame ends the wait.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from pygls.io_ import StdoutWriter
from pygls.server import JsonRPCServer

from agent_ls.lsp.protocol import AgentProtocol

log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024 * 1024
"""The largest body accepted (bytes); a larger `Content-Length` is a broken frame, skipped."""
MAX_HEADER_LINE = 8 * 1024
"""A longer line without a line break cannot be a header: skipped, looking for the next one."""
CHUNK = 64 * 1024

_ANCHOR = re.compile(rb"content-length[ \t]*:", re.IGNORECASE)
_EMBEDDED = re.compile(rb"content-length[ \t]*:[ \t]*[0-9]+[ \t]*\r?\n", re.IGNORECASE)
_TOKEN = re.compile(rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


@dataclass(frozen=True)
class Frame:
    """A body to decode; `note` says why its length differs from its header's, if it does."""

    body: bytes
    note: str | None = None


@dataclass(frozen=True)
class Broken:
    """A frame whose header block cannot be read (answered with a parse error)."""

    reason: str


@dataclass(frozen=True)
class Skipped:
    """Bytes between frames that are not a header (logged, not answered)."""

    size: int


Event = Frame | Broken | Skipped


class FrameReader:
    """Turns bytes, fed as they arrive, into frames; never raises, never waits on bad bytes."""

    def __init__(self, max_body: int = MAX_BODY) -> None:
        self.max_body = max_body
        self._buffer = bytearray()
        self._length: int | None = None  # reading a body of this length
        self._header_length: int | None = None  # Content-Length seen in this header block
        self._headers = 0  # header lines seen in this header block
        self._resync = False  # skipping bytes up to the next Content-Length header
        self._skipped = 0  # bytes skipped since the last frame
        self._scanned = 0  # how much of a partial body was searched for a header

    def feed(self, data: bytes) -> list[Event]:
        """Returns the events the bytes so far complete."""
        self._buffer += data
        events: list[Event] = []
        while self._step(events):
            pass
        return events

    def unfinished(self) -> str | None:
        """At the end of the stream: why it ended inside a frame, or None when between frames."""
        if self._length is not None:
            got, length = len(self._buffer), self._length
            return f"the stream ended after {got} of the {length} bytes of a body"
        if self._headers or (self._buffer.strip() and not self._resync):
            return "the stream ended inside a frame's headers"
        return None

    def _step(self, events: list[Event]) -> bool:
        """Consumes what it can of the buffer; returns whether to go on."""
        if self._resync:
            return self._skip_to_header(events)
        if self._length is None:
            return self._header_line(events)
        return self._body(events)

    def _skip_to_header(self, events: list[Event]) -> bool:
        found = _ANCHOR.search(self._buffer)
        keep = found.start() if found else max(0, len(self._buffer) - 32)  # a header split
        self._skipped += keep
        del self._buffer[:keep]
        if found:
            events.append(Skipped(self._skipped))
            self._resync, self._skipped = False, 0
        return bool(found)

    def _bad_line(self, events: list[Event], reason: str, in_frame: bool = False) -> bool:
        """Reports the frame being read as broken (stray bytes before any header are only
        counted) and resyncs from the next byte."""
        if self._headers or in_frame:
            events.append(Broken(reason))
        del self._buffer[:1]
        self._header_length, self._headers, self._resync = None, 0, True
        self._skipped += 1
        return True

    def _header_line(self, events: list[Event]) -> bool:
        end = self._buffer.find(b"\n")
        if end == -1:
            if len(self._buffer) > MAX_HEADER_LINE:
                return self._bad_line(events, "a header line without a line break")
            return False
        line = bytes(self._buffer[:end]).rstrip(b"\r")
        if not line.strip():
            del self._buffer[: end + 1]
            if self._header_length is not None:
                self._length, self._scanned = self._header_length, 0
                self._header_length, self._headers = None, 0
            elif self._headers:
                self._headers = 0
                events.append(Broken("a header block without Content-Length"))
            return True  # else a stray blank line between frames
        name, colon, value = line.partition(b":")
        name, value = name.strip(), value.strip()
        if not colon or not _TOKEN.fullmatch(name) or _ANCHOR.search(line, 1):
            return self._bad_line(events, f"not a header line: {line[:40]!r}")
        if name.lower() == b"content-length":
            if not value.isdigit():
                why = f"Content-Length is not a number: {value[:20]!r}"
                return self._bad_line(events, why, in_frame=True)
            if int(value) > self.max_body:
                why = f"Content-Length {int(value)} is above the limit {self.max_body}"
                return self._bad_line(events, why, in_frame=True)
            self._header_length = int(value)
        self._headers += 1
        del self._buffer[: end + 1]
        return True

    def _body(self, events: list[Event]) -> bool:
        assert self._length is not None
        length = self._length
        # Search a little past the body's end: the next header may start inside it.
        stop = min(len(self._buffer), length + 64)
        start = max(0, self._scanned - 64)  # a header split across two chunks
        has_break = self._buffer.find(b"\n", start, stop) != -1
        found = _EMBEDDED.search(self._buffer, start, stop) if has_break else None
        self._scanned = stop
        if found and found.start() < length:
            cut = found.start()
            note = f"Content-Length was {length}, but the next frame starts at byte {cut}"
            events.append(Frame(bytes(self._buffer[:cut]), note))
            del self._buffer[:cut]
        elif len(self._buffer) >= length and not (
            len(self._buffer) < length + 64 and _ends_inside_a_header(self._buffer[:length])
        ):
            events.append(Frame(bytes(self._buffer[:length])))
            del self._buffer[:length]
        else:
            return False
        self._length = None
        return True


def _ends_inside_a_header(data: bytearray) -> bool:
    """Whether `data` ends with the start of a `Content-Length: N` line. Valid JSON never does
    (it ends in `}`, `]`, `"`, a digit, `e`, `l` or white space), so the body is waiting for the
    bytes that tell where the next frame starts."""
    tail = bytes(data[-64:]).lower()
    candidate = tail[tail.rfind(b"c") :] if b"c" in tail else b""
    return bool(candidate) and (
        b"content-length".startswith(candidate)
        or re.fullmatch(rb"content-length[ \t]*(:[ \t]*[0-9]*[ \t]*\r?)?", candidate) is not None
    )


class FrameSink(Protocol):
    """What receives the frames: the protocol (`AgentProtocol`)."""

    def receive_frame(self, body: bytes) -> None: ...

    def receive_broken_frame(self, reason: str) -> None: ...

    def stream_failed(self, reason: str) -> None: ...


async def read_frames(read: Callable[[], Awaitable[bytes]], sink: FrameSink) -> None:
    """Reads chunks until the stream ends, handing every frame to `sink`."""
    reader = FrameReader()
    while data := await read():
        for event in reader.feed(data):
            if isinstance(event, Frame):
                if event.note:
                    log.warning("misframed message: %s", event.note)
                sink.receive_frame(event.body)
                # As between two reads of pygls's reader: the tasks a message started (its
                # handler, a debounce) get to run before the next message is handled.
                await asyncio.sleep(0)
            elif isinstance(event, Broken):
                log.warning("unreadable frame (%s): answered with a parse error", event.reason)
                sink.receive_broken_frame(event.reason)
            else:
                log.warning("skipped %d bytes that are not an LSP header", event.size)
    if (why := reader.unfinished()) is not None:
        log.error("%s: cannot resynchronise, exiting", why)
        sink.stream_failed(why)


def _sink(server: JsonRPCServer) -> AgentProtocol:
    if not isinstance(server.protocol, AgentProtocol):
        raise TypeError("the framed transports need an AgentProtocol")
    return server.protocol


def serve_stdio(server: JsonRPCServer) -> None:
    """Serves the protocol over stdin/stdout until the client exits or the stream ends."""
    protocol = _sink(server)
    protocol.set_writer(StdoutWriter(sys.stdout.buffer))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        chunks: asyncio.Queue[bytes] = asyncio.Queue()
        # A daemon thread: a read blocked on stdin must not keep the process alive after `exit`.
        threading.Thread(
            target=_read_chunks,
            args=(sys.stdin.fileno(), loop, chunks),
            name="agent-ls stdin",
            daemon=True,
        ).start()
        await read_frames(chunks.get, protocol)

    try:
        asyncio.run(main())
    except BrokenPipeError:
        log.error("the connection to the client is lost: shutting down")
    except (KeyboardInterrupt, SystemExit):  # `exit` raises SystemExit with pygls's code
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]


def _read_chunks(fd: int, loop: asyncio.AbstractEventLoop, chunks: asyncio.Queue[bytes]) -> None:
    """Hands what arrives on `fd` to the event loop, ending with b"" at the end of it."""
    data = b"-"
    while data:
        try:
            data = os.read(fd, CHUNK)
        except (OSError, ValueError):  # closed under us
            data = b""
        try:
            loop.call_soon_threadsafe(chunks.put_nowait, data)
        except RuntimeError:  # the loop is gone: the server has exited
            return


def serve_tcp(server: JsonRPCServer, host: str, port: int) -> None:
    """Serves the first client to connect to `host:port` until it exits or its stream ends."""
    protocol = _sink(server)

    async def main() -> None:
        done = asyncio.Event()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            protocol.set_writer(writer)
            try:
                await read_frames(lambda: reader.read(CHUNK), protocol)
            finally:
                done.set()

        listener = await asyncio.start_server(connection, host, port)
        log.info("serving on %s", ", ".join(str(s.getsockname()) for s in listener.sockets))
        async with listener:
            await done.wait()

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
