"""A fake Anthropic Messages API on loopback: real HTTP (stdlib), real SSE, scripted replies.

    with FakeAnthropic() as api:
        api.script(reply_text("hello"), rate_limited(0.1))
        client = AsyncAnthropic(base_url=api.base_url, api_key="sk-test")
        ...
        api.requests[0].body["system"]

Replies are taken in order from the script; when it is empty, `default` answers (or `responder`,
a function of the recorded request, answers every request: use it to drive an agent loop).
Every request is recorded with its headers and JSON body. Keys are accepted as `x-api-key` or
`Authorization: Bearer`; when `api_keys` is set, any other key gets a 401.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .replies import (
    PING_LIMIT,
    Disconnect,
    HttpError,
    Message,
    Reply,
    encode_event,
    error_body,
    message_json,
    reply_text,
    sse_events,
    unknown_model,
)


@dataclass
class RecordedRequest:
    """One request the fake received, and what happened to its answer."""

    method: str
    path: str
    headers: dict[str, str]
    """Header names lowercased."""
    body: Any
    received_at: float
    events_sent: int = 0
    client_disconnected: bool = False
    """The client closed the connection before the answer was complete."""
    finished_at: float | None = None

    @property
    def api_key(self) -> str | None:
        """Returns the key sent as `x-api-key` or as a Bearer token."""
        if key := self.headers.get("x-api-key"):
            return key
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    @property
    def retry_count(self) -> int:
        """Returns the SDK's `x-stainless-retry-count` (0 for a first attempt)."""
        return int(self.headers.get("x-stainless-retry-count", "0") or 0)


@dataclass
class FakeAnthropic:
    """The fake API server. Use as a context manager, or call start()/stop()."""

    default: Reply = field(default_factory=lambda: reply_text("OK"))
    responder: Callable[[RecordedRequest], Reply] | None = None
    api_keys: set[str] | None = None
    known_models: set[str] | None = None
    """When set, any other model gets the API's 404 not_found_error."""
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[RecordedRequest] = field(default_factory=list)
    _queue: deque[Reply] = field(default_factory=deque)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _cached_prefixes: set[str] = field(default_factory=set)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Returns the URL to give the SDK as `base_url`."""
        assert self._httpd is not None, "the fake API is not started"
        return f"http://{self.host}:{self._httpd.server_address[1]}"

    def script(self, *replies: Reply) -> None:
        """Queues replies, answered in order to the next requests."""
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        """Forgets recorded requests, queued replies and the prompt cache."""
        with self._lock:
            self.requests.clear()
            self._queue.clear()
            self._cached_prefixes.clear()

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[RecordedRequest]:
        """Returns the recorded requests once there are at least `count` (raises on timeout)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.requests) >= count, timeout):
                raise TimeoutError(f"expected {count} requests, got {len(self.requests)}")
            return list(self.requests)

    def start(self) -> FakeAnthropic:
        fake = self

        class Handler(_Handler):
            api = fake

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fake-anthropic", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeAnthropic:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # Called from handler threads.
    def _record(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            self._lock.notify_all()
            if self.responder is not None:
                return self.responder(request)
            return self._queue.popleft() if self._queue else self.default

    def _cache_usage(self, body: Any) -> tuple[int, int]:
        """Returns (cache_creation, cache_read) tokens as the API counts them: the prompt is
        the sequence tools → system → messages' blocks; each block with `cache_control` ends a
        cacheable prefix. The longest prefix seen before is read, the rest up to the last
        breakpoint is written (about 4 characters a token)."""
        blocks = _prompt_blocks(body)
        ends = [i + 1 for i, b in enumerate(blocks) if isinstance(b, dict) and "cache_control" in b]
        if not ends:
            return 0, 0
        keys = [json.dumps(_uncached(blocks[:end]), sort_keys=True) for end in ends]
        with self._lock:
            read = max((len(k) for k in keys if k in self._cached_prefixes), default=0)
            self._cached_prefixes.update(keys)
        return (len(keys[-1]) - read) // 4, read // 4


def _prompt_blocks(body: Any) -> list[Any]:
    """Returns the prompt's blocks in the order the API caches them: tools, system, messages."""
    if not isinstance(body, dict):
        return []
    tools = body.get("tools") if isinstance(body.get("tools"), list) else []
    system = body.get("system")
    system = system if isinstance(system, list) else [{"type": "text", "text": system or ""}]
    blocks: list[Any] = [*tools, *system]
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        turn = content if isinstance(content, list) else [{"type": "text", "text": content}]
        blocks += [{"role": message.get("role"), **b} if isinstance(b, dict) else b for b in turn]
    return blocks


def _uncached(blocks: list[Any]) -> list[Any]:
    """Returns the blocks without their cache_control (a breakpoint is not part of the text)."""
    return [
        {k: v for k, v in b.items() if k != "cache_control"} if isinstance(b, dict) else b
        for b in blocks
    ]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api: FakeAnthropic

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # keep test output clean

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        try:
            body: Any = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        request = RecordedRequest(
            method="POST",
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            received_at=time.monotonic(),
        )
        reply = self.api._record(request)
        try:
            self._answer(request, reply)
        except (BrokenPipeError, ConnectionResetError):
            request.client_disconnected = True
            self.close_connection = True
        finally:
            request.finished_at = time.monotonic()

    def do_GET(self) -> None:
        self._send_error(
            HttpError(404, "not_found_error", f"{self.path} is not served by the fake"), "req_get"
        )

    def _answer(self, request: RecordedRequest, reply: Reply) -> None:
        request_id = f"req_{uuid.uuid4().hex[:24]}"
        path = self.path.split("?", 1)[0]
        body = request.body if isinstance(request.body, dict) else {}
        if self.api.api_keys is not None and request.api_key not in self.api.api_keys:
            return self._send_error(
                HttpError(401, "authentication_error", "invalid x-api-key"), request_id
            )
        if path.endswith("/v1/messages/count_tokens"):
            return self._send_json(200, {"input_tokens": len(json.dumps(body)) // 4}, request_id)
        if not path.endswith("/v1/messages"):
            return self._send_error(
                HttpError(404, "not_found_error", f"{path} is not served by the fake"), request_id
            )
        model = str(body.get("model", ""))
        if self.api.known_models is not None and model not in self.api.known_models:
            reply = unknown_model(model)
        if isinstance(reply, Disconnect):
            time.sleep(reply.delay)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if isinstance(reply, HttpError):
            time.sleep(reply.first_byte_delay)
            return self._send_error(reply, request_id)
        time.sleep(reply.first_byte_delay)
        if reply.hold is not None:
            reply.hold.wait(60)
        input_tokens = len(json.dumps(body.get("messages", []))) // 4
        cache = self.api._cache_usage(body)
        if not body.get("stream"):
            return self._send_json(
                200, message_json(reply, model, input_tokens, cache), request_id, reply.headers
            )
        return self._stream(request, reply, model, input_tokens, cache, request_id)

    def _stream(
        self,
        request: RecordedRequest,
        reply: Message,
        model: str,
        input_tokens: int,
        cache: tuple[int, int],
        request_id: str,
    ) -> None:
        self.send_response(200)
        for name, value in {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "transfer-encoding": "chunked",
            "request-id": request_id,
            **reply.headers,
        }.items():
            self.send_header(name, value)
        self.end_headers()
        for count, (name, data) in enumerate(sse_events(reply, model, input_tokens, cache)):
            if reply.break_after_events is not None and count >= reply.break_after_events:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)  # a body cut short: no final chunk
                return
            if reply.error_after_events is not None and count >= reply.error_after_events:
                self._chunk(encode_event("error", {"type": "error", "error": reply.stream_error}))
                break
            if count and reply.event_delay:
                time.sleep(reply.event_delay)
            self._chunk(encode_event(name, data))
            request.events_sent += 1
            if name == "ping" and reply.ping_every is not None:
                self._ping_until_gone(request, reply.ping_every)
                return
        self._chunk(b"")

    def _ping_until_gone(self, request: RecordedRequest, every: float) -> None:
        """Sends pings until the client leaves (a BrokenPipe) or PING_LIMIT passes."""
        deadline = time.monotonic() + PING_LIMIT
        while time.monotonic() < deadline:
            time.sleep(every)
            self._chunk(encode_event("ping", {"type": "ping"}))
            request.events_sent += 1
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _send_error(self, error: HttpError, request_id: str) -> None:
        data = error_body(error.error_type, error.message, request_id)
        self._send_bytes(error.status, data, request_id, error.headers)

    def _send_json(
        self, status: int, payload: Any, request_id: str, headers: dict[str, str] | None = None
    ) -> None:
        self._send_bytes(status, json.dumps(payload).encode(), request_id, headers or {})

    def _send_bytes(
        self, status: int, data: bytes, request_id: str, headers: dict[str, str]
    ) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", request_id)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
