"""JSON-RPC answers pygls leaves out: every request gets a response, even a faulty one.

pygls 2.1 drops two kinds of request without replying, so the client waits forever: a request
whose params do not fit the method's shape (it only shows "Invalid Params" to the user), and any
request after `shutdown` (the specification asks for an InvalidRequest error). It also swallows
`exit`'s exit code, so the process exited 0 even on `exit` without `shutdown`, and it keeps the
future of every notification it handles forever (about 2 KB per keystroke: 190 MB over 100,000
edits).

It also reads the frames `lsp/framing.py` cuts from the stream (pygls's own reader is replaced
there), so every faulty message gets its answer: a body that is not UTF-8 or not JSON a parse
error (-32700, id null); a message that is not an object or not JSON-RPC 2.0 an InvalidRequest
error (with its id when it has one); a request whose id is an object, array or boolean an
InvalidRequest error (id null: pygls never answered it, or echoed `true` as the id); a message
nested too deep for the JSON parser an InvalidRequest error with its id (pygls never answered
it). A `$/cancelRequest` whose id is not a string or integer is logged in one line and ignored
(pygls raised a TypeError with a traceback).

A result already encoded (`EncodedJson`: a completion list of items encoded once per catalogue)
is sent as written, not encoded again. The converter's code for every served method's messages is
generated ahead (`warm_converters`): cattrs writes it on a type's first use, and the first hover
spent 5 ms on it (20-30 ms while a workspace was indexed).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import re
import typing
from collections.abc import Callable, Generator
from concurrent.futures import Future
from typing import Any

import attrs
from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import RPCMessage, RPCRequest

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[][{}:,]|[^][{}:,"\s]+')


class EncodedJson(str):
    """A request's result already encoded as JSON text (ASCII, as pygls encodes): a handler
    returns it, `AgentProtocol` sends it as written."""


class AgentProtocol(LanguageServerProtocol):
    """pygls's protocol, answering malformed requests and requests after shutdown with errors."""

    stream_error: str | None = None
    """Why the stream could not be read to its end, if it could not (the exit code is then 1)."""

    @property
    def exit_code(self) -> int:
        """0 once the client asked for `shutdown`, else 1: what the specification asks of `exit`."""
        return 0 if self._shutdown and self.stream_error is None else 1

    def receive_frame(self, body: bytes) -> None:
        """Decodes one frame's body and handles the message; every fault gets its answer."""
        try:
            data = json.loads(body.decode("utf-8"))
        except RecursionError:
            msg_id = top_level_id(body)
            log.warning("message nested too deep for the JSON parser (id %r): refused", msg_id)
            self._send_error(msg_id, INVALID_REQUEST, "Invalid Request: nested too deep")
            return
        except ValueError as error:  # not UTF-8, or not JSON
            log.warning("unreadable message: %s", error)
            self._send_error(None, PARSE_ERROR, f"Parse error: {error}")
            return
        msg_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("jsonrpc") != self.VERSION:
            log.warning("not a JSON-RPC 2.0 message: %.80r", data)
            if msg_id is None or "method" in data:  # a reply to a response would be wrong
                self._send_error(
                    msg_id if is_id(msg_id) else None,
                    INVALID_REQUEST,
                    "Invalid Request: not a JSON-RPC 2.0 message object",
                )
            return
        if "method" in data and (
            isinstance(msg_id, bool) or not isinstance(msg_id, (str, int, float, type(None)))
        ):
            log.warning("a request id must be a string or number, got %.40r", msg_id)
            self._send_error(None, INVALID_REQUEST, "Invalid Request: id is not a string or number")
            return
        try:
            self.handle_message(self.structure_message(data))
        except Exception as error:  # noqa: BLE001 - answered or reported; keep serving
            log.warning("cannot handle %s: %s", data.get("method", "a message"), error)
            self._server._report_server_error(error, JsonRpcException)

    def receive_broken_frame(self, reason: str) -> None:
        self._send_error(None, PARSE_ERROR, f"Parse error: {reason}")

    def stream_failed(self, reason: str) -> None:
        self.stream_error = reason

    def _send_data(self, data: Any) -> None:
        result = getattr(data, "result", None)
        if not isinstance(result, EncodedJson) or self.writer is None:
            super()._send_data(data)
            return
        body = f'{{"id": {json.dumps(data.id)}, "jsonrpc": "{self.VERSION}", "result": {result}}}'
        header = (
            f"Content-Length: {len(body)}\r\n"
            f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
        )
        try:
            written = self.writer.write((header + body if self._include_headers else body).encode())
            if inspect.isawaitable(written):  # a websocket's writer
                asyncio.ensure_future(written)
        except BrokenPipeError:
            log.error("Unable to send data, the client closed the stream")

    def _send_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        # Written as a plain object: pygls's response type drops `"id": null`.
        error = {"code": code, "message": message}
        self._send_data({"jsonrpc": self.VERSION, "id": msg_id, "error": error})

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "method" in data and "id" in data:  # receive_frame refused ids of other types
                self._send_response(
                    data["id"],
                    None,
                    types.ResponseError(
                        code=error.code,
                        message=f"{error.message} for {data['method']}",
                    ),
                )
            raise  # pygls logs it (and reports a faulty notification to the user)

    def _execute_handler(
        self,
        msg_id: Any,
        handler: Any,
        callback: Callable[[Future[Any]], None],
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> None:
        if callback == self._check_handler_result:
            # A notification: pygls files its future under a fresh id that nothing ever removes.
            def forget(
                future: Future[Any], notify: Callable[[Future[Any]], None] = callback
            ) -> None:
                self._request_futures.pop(msg_id, None)
                notify(future)

            callback = forget
        super()._execute_handler(msg_id, handler, callback, args, kwargs)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Generator[Any, Any, None]:
        """pygls's `shutdown`, cancelling every pending handler and server request.

        pygls cancels them while it iterates its request table, and cancelling a
        `concurrent.futures.Future` runs its callbacks at once, which remove entries from that
        table: `shutdown` then failed with "dictionary changed size during iteration" whenever a
        notification handler was awaiting the client (`initialized` waiting on
        `workspace/configuration`), the server kept serving and `exit` returned 1. This one
        iterates a copy.
        """
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True

    def handle_message(self, message: RPCMessage) -> None:
        if getattr(message, "method", None) == types.CANCEL_REQUEST and not is_id(
            getattr(getattr(message, "params", None), "id", None)
        ):
            log.warning("$/cancelRequest with an id that is no request's: ignored")
            return
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            error = JsonRpcInvalidRequest(f"the server is shut down; {message.method} refused")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)


def is_id(value: object) -> bool:
    """Whether `value` can be a JSON-RPC request id (a string or an integer)."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def top_level_id(body: bytes) -> int | str | None:
    """Returns the `id` member of the JSON object in `body` without building the object (it may
    nest deeper than the parser can go), or None when there is none or it is not an id."""
    depth, key, expect_value = 0, None, False
    for token in _JSON_TOKEN.finditer(body):
        text = token.group()
        if text in (b"{", b"["):
            if depth == 1 and expect_value and key == b'"id"':
                return None  # an object or array: not an id
            depth, expect_value = depth + 1, False
        elif text in (b"}", b"]"):
            depth -= 1
        elif depth == 1 and text == b":":
            expect_value = True
        elif depth == 1 and text == b",":
            key, expect_value = None, False
        elif depth == 1 and expect_value:
            if key == b'"id"':
                try:
                    value = json.loads(text)
                except ValueError:
                    return None
                return value if is_id(value) else None
            expect_value = False
        elif depth == 1:
            key = text
    return None


class LateCancelFilter(logging.Filter):
    """Drops pygls's warning about a $/cancelRequest for a request already answered. Editors
    cancel requests whose answers crossed in flight (VS Code does, all the time, and cancelling a
    persona action may race its answer), and VS Code's Output channel shows every server stderr
    line as an error: a normal cancel must not look like a failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Cancel notification for unknown message id")


def warm_converters(protocol: LanguageServerProtocol) -> None:
    """Generates the converter's hooks for the requests and the responses of every feature
    registered on `protocol`, and for the classes their unions may hold (cattrs picks those at
    run time): a worker thread, once the workspace is indexed."""
    converter = protocol._converter
    for method in list(protocol.fm.features):
        request, response, *_ = types.METHOD_TO_TYPES.get(method, (None, None))
        if request is not None:
            converter.get_structure_hook(request)
        if response is not None:
            for cls in _attrs_classes(response):
                converter.get_unstructure_hook(cls)


def _attrs_classes(root: Any) -> list[type]:
    """The attrs classes `root` is made of (`root` first), following fields, unions and lists."""
    found: list[type] = []
    pending = [root]
    while pending:
        hint = pending.pop()
        if isinstance(hint, typing.ForwardRef):  # lsprotocol names its own classes
            hint = getattr(types, hint.__forward_arg__, None)
        if attrs.has(hint) and hint not in found:
            found.append(hint)
            pending += [field.type for field in attrs.fields(hint)]
        pending += typing.get_args(hint)
    return found
