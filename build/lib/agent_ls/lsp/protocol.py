"""JSON-RPC answers pygls leaves out: every request gets a response, even a faulty one.

pygls 2.1 drops two kinds of request without replying, so the client waits forever: a request
whose params do not fit the method's shape (it only shows "Invalid Params" to the user), and any
request after `shutdown` (the specification asks for an InvalidRequest error). It also swallows
`exit`'s exit code, so the process exited 0 even on `exit` without `shutdown`, and it keeps the
future of every notification it handles forever (about 2 KB per keystroke: 190 MB over 100,000
edits).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.json_rpc import RPCMessage, RPCRequest


class AgentProtocol(LanguageServerProtocol):
    """pygls's protocol, answering malformed requests and requests after shutdown with errors."""

    @property
    def exit_code(self) -> int:
        """0 once the client asked for `shutdown`, else 1: what the specification asks of `exit`."""
        return 0 if self._shutdown else 1

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "method" in data and isinstance(data.get("id"), (int, str)):
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

    def handle_message(self, message: RPCMessage) -> None:
        if self._shutdown and isinstance(message, RPCRequest) and message.method != types.EXIT:
            error = JsonRpcInvalidRequest(f"the server is shut down; {message.method} refused")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)
