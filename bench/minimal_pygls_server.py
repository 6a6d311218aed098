"""The smallest useful pygls server (one hover feature), over stdio: the startup floor.

`bench/run.py` times spawn → initialize result of this beside agent-ls and yaml-language-server:
what any pygls 2 server pays before it can answer (interpreter, lsprotocol, pygls).
"""

from lsprotocol import types
from pygls.lsp.server import LanguageServer

server = LanguageServer("minimal", "0")


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: LanguageServer, params: types.HoverParams) -> types.Hover | None:
    return None


if __name__ == "__main__":
    server.start_io()
