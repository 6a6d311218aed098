"""JSON parsed with positions: a tree of nodes with offsets, and errors where a strict parser stops.

Claude Code reads its JSON files (settings, `.mcp.json`, plugin manifests) with JavaScript's
`JSON.parse`: strict JSON, no comments, no trailing commas, no `NaN`; a leading BOM is stripped
before parsing. `parse_json` accepts exactly what `JSON.parse` accepts (after the BOM) and
reports the first place it would stop as `errors[0]`. It then recovers (a missing comma, a
missing value, an unclosed bracket, a stray token) so that an editor still gets a tree of what
was written, for completion and hover while the file is half-typed; later errors may be
consequences of the first. `allow_comments` and `allow_trailing_commas` read JSONC for file
types whose reader accepts it.

Pure Python, iterative (no recursion however deep the nesting), linear in the input, and total:
any string gives a `JsonDocument`, never an exception. Offsets are indices into the text given
(Python characters); `textindex.LineIndex` turns them into LSP positions.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar, TypeAlias

BOM = "\ufeff"
MAX_DEPTH = 512  # deeper nesting is an error: no settings file needs it, and walkers stay cheap
MAX_ERRORS = 100  # after this many, the rest of a garbage file is not worth reporting


@dataclass(frozen=True)
class JsonError:
    """A syntax error: `message` about the text from `start` to `end` (offsets)."""

    message: str
    start: int
    end: int


@dataclass(frozen=True)
class JsonString:
    """A string: its decoded `value`; `start`/`end` include the quotes."""

    kind: ClassVar[str] = "string"
    """Its JSON type, as messages name it (each node class has one)."""
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class JsonNumber:
    """A number as `json.loads` reads it (int without fraction or exponent); `raw` as written."""

    kind: ClassVar[str] = "number"
    start: int
    end: int
    value: int | float
    raw: str


@dataclass(frozen=True)
class JsonBool:
    kind: ClassVar[str] = "boolean"
    start: int
    end: int
    value: bool


@dataclass(frozen=True)
class JsonNull:
    kind: ClassVar[str] = "null"
    start: int
    end: int

    @property
    def value(self) -> None:
        return None


@dataclass(frozen=True)
class JsonMember:
    """One `"key": value` of an object; `value` is None when it is missing (an error)."""

    key: JsonString
    value: JsonNode | None

    @property
    def start(self) -> int:
        return self.key.start

    @property
    def end(self) -> int:
        return self.value.end if self.value is not None else self.key.end


@dataclass(frozen=True)
class JsonObject:
    """An object: its members in written order (duplicates kept; the last one wins, as in JS)."""

    kind: ClassVar[str] = "object"
    start: int
    end: int
    members: tuple[JsonMember, ...]

    def get(self, key: str) -> JsonNode | None:
        """Returns the value `JSON.parse` keeps for `key` (the last one written), or None."""
        for member in reversed(self.members):
            if member.key.value == key:
                return member.value
        return None

    def member(self, key: str) -> JsonMember | None:
        """Returns the member `JSON.parse` keeps for `key` (the last one written), or None."""
        for member in reversed(self.members):
            if member.key.value == key:
                return member
        return None


@dataclass(frozen=True)
class JsonArray:
    kind: ClassVar[str] = "array"
    start: int
    end: int
    items: tuple[JsonNode, ...]


JsonNode: TypeAlias = JsonObject | JsonArray | JsonString | JsonNumber | JsonBool | JsonNull
JsonScalar: TypeAlias = JsonString | JsonNumber | JsonBool | JsonNull


@dataclass(frozen=True)
class JsonDocument:
    """The parse of one text: `root` (None when no value was found) and the syntax errors.

    `errors[0]`, when present, is where `JSON.parse` stops: the file does not parse. `bom` says
    whether the text began with a BOM (offsets still count it).
    """

    text: str
    root: JsonNode | None
    errors: tuple[JsonError, ...]
    bom: bool = False

    @property
    def valid(self) -> bool:
        return not self.errors

    def path_at(self, offset: int) -> list[JsonNode | JsonMember]:
        """Returns the chain of nodes and members containing `offset`, outermost first."""
        chain: list[JsonNode | JsonMember] = []
        node: JsonNode | None = self.root
        while node is not None and node.start <= offset <= node.end:
            chain.append(node)
            inner: JsonNode | None = None
            if isinstance(node, JsonObject):
                for member in node.members:
                    if member.start <= offset <= member.end:
                        chain.append(member)
                        if member.value is not None and member.value.start <= offset:
                            inner = member.value
                        else:
                            chain.append(member.key)
                        break
            elif isinstance(node, JsonArray):
                inner = next((i for i in node.items if i.start <= offset <= i.end), None)
            node = inner
        return chain


def json_type(node: JsonNode | None) -> str:
    """The type name of a value as JavaScript's messages say it (`undefined`: no value)."""
    return "undefined" if node is None else node.kind


def to_python(node: JsonNode | None) -> object:
    """Returns the Python value of a node as `json.loads` builds it (a missing value is None)."""
    if node is None or not isinstance(node, (JsonObject, JsonArray)):
        return None if node is None else node.value
    result: dict[str, object] | list[object] = {} if isinstance(node, JsonObject) else []
    # An explicit stack: (node, its Python container) pairs whose children are still to fill.
    stack: list[tuple[JsonObject | JsonArray, dict[str, object] | list[object]]] = [(node, result)]
    while stack:
        current, target = stack.pop()
        pairs: Iterator[tuple[str | None, JsonNode | None]]
        if isinstance(current, JsonObject):
            pairs = ((m.key.value, m.value) for m in current.members)
        else:
            pairs = ((None, item) for item in current.items)
        for key, child in pairs:
            value: object
            if isinstance(child, (JsonObject, JsonArray)):
                value = {} if isinstance(child, JsonObject) else []
                stack.append((child, value))  # type: ignore[arg-type]
            else:
                value = None if child is None else child.value
            if isinstance(target, dict):
                assert key is not None
                target[key] = (
                    value  # a repeated key: the last value, at the first's place, as in JS
                )
            else:
                target.append(value)
    return result


def walk(root: JsonNode | None) -> Iterator[JsonNode]:
    """Yields every node of a tree, parents before children, without recursion."""
    stack: list[JsonNode] = [root] if root is not None else []
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, JsonObject):
            stack.extend(m.value for m in reversed(node.members) if m.value is not None)
        elif isinstance(node, JsonArray):
            stack.extend(reversed(node.items))


# --- tokens ---------------------------------------------------------------------------------

_WHITESPACE = " \t\n\r"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_LOW_SURROGATE = re.compile(r"\\u(d[c-f][0-9a-f]{2})", re.IGNORECASE)
_PLAIN_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_LITERALS = {"true", "false", "null"}


@dataclass
class _Token:
    kind: str  # one of { } [ ] : , string number literal end bad
    start: int
    end: int
    value: object = None


@dataclass
class _Lexer:
    text: str
    allow_comments: bool
    errors: list[JsonError]
    pos: int = 0

    def error(self, message: str, start: int, end: int) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(JsonError(message, start, max(end, start)))

    def _skip_trivia(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch in _WHITESPACE:
                self.pos += 1
            elif text.startswith("//", self.pos) or text.startswith("/*", self.pos):
                start = self.pos
                if text[self.pos + 1] == "/":
                    newline = re.compile(r"[\r\n]").search(text, self.pos)
                    self.pos = newline.start() if newline else n
                else:
                    close = text.find("*/", self.pos + 2)
                    self.pos = close + 2 if close >= 0 else n
                    if close < 0:
                        self.error("This comment is never closed (`*/`)", start, n)
                if not self.allow_comments:
                    self.error("Comments are not allowed in JSON", start, self.pos)
            else:
                return

    def rest(self) -> _Token:
        """The text after the top-level value: the end, or one token of what should not be there."""
        self._skip_trivia()
        start, n = self.pos, len(self.text)
        if start >= n:
            return _Token("end", start, start)
        line_end = re.compile(r"[\r\n]|$").search(self.text, start)
        assert line_end is not None
        self.pos = n
        return _Token("trailing", start, max(line_end.start(), start + 1))

    def next(self) -> _Token:
        self._skip_trivia()
        text, start = self.text, self.pos
        if start >= len(text):
            return _Token("end", start, start)
        ch = text[start]
        if ch in "{}[]:,":
            self.pos += 1
            return _Token(ch, start, start + 1)
        if ch == '"':
            return self._string()
        if ch == "-" or ch.isdigit() and ch.isascii():
            match = _NUMBER.match(text, start)
            if match is None:  # a lone "-" or "-x"
                self.pos += 1
                self.error("Expected a digit after '-'", start, start + 1)
                return _Token("bad", start, start + 1)
            self.pos = match.end()
            return _Token("number", start, self.pos, match.group())
        word = _WORD.match(text, start)
        if word is not None:
            self.pos = word.end()
            if word.group() in _LITERALS:
                return _Token("literal", start, self.pos, word.group())
            self.error(
                f"Unexpected word '{word.group()}': JSON strings need double quotes",
                start,
                self.pos,
            )
            return _Token("bad", start, self.pos, word.group())
        self.pos += 1
        if ch == "'":
            self.error("JSON strings need double quotes, not single quotes", start, start + 1)
        else:
            self.error(f"Unexpected character {ch!r}", start, start + 1)
        return _Token("bad", start, start + 1)

    def _string(self) -> _Token:
        text, start, n = self.text, self.pos, len(self.text)
        pos = start + 1
        parts: list[str] = []
        while True:
            run = _PLAIN_RUN.match(text, pos)
            assert run is not None  # the pattern matches the empty string
            parts.append(run.group())
            pos = run.end()
            if pos >= n or text[pos] in "\r\n":
                self.error("This string is never closed (a closing '\"')", start, pos)
                break
            ch = text[pos]
            if ch == '"':
                pos += 1
                break
            if ch == "\\":
                escape = text[pos + 1 : pos + 2]
                if escape in _ESCAPES:
                    parts.append(_ESCAPES[escape])
                    pos += 2
                elif escape == "u" and _HEX4.fullmatch(text, pos + 2, pos + 6):
                    unit = int(text[pos + 2 : pos + 6], 16)
                    pos += 6
                    low = _LOW_SURROGATE.match(text, pos) if 0xD800 <= unit < 0xDC00 else None
                    if low is not None:  # a UTF-16 pair is one character
                        unit = 0x10000 + ((unit - 0xD800) << 10) + int(low.group(1), 16) - 0xDC00
                        pos = low.end()
                    parts.append(chr(unit))
                else:
                    end = pos + (6 if escape == "u" else 2)
                    self.error("Invalid escape in a JSON string", pos, min(end, n))
                    pos += 1
                continue
            self.error("A control character must be escaped in a JSON string", pos, pos + 1)
            parts.append(ch)
            pos += 1
        self.pos = pos
        return _Token("string", start, pos, "".join(parts))


def _number_value(raw: str) -> int | float:
    if raw.lstrip("-").isdigit():
        try:
            return int(raw)
        except ValueError:  # beyond Python's int-from-text digit limit: JS reads a float anyway
            return float(raw)
    return float(raw)


# --- parser ---------------------------------------------------------------------------------


@dataclass
class _Frame:
    """An open object or array: what it holds so far and what it expects next."""

    kind: str  # "{" or "["
    start: int
    end: int
    members: list[JsonMember] = field(default_factory=list)
    items: list[JsonNode] = field(default_factory=list)
    key: JsonString | None = None
    expect: str = "first"  # first | key | colon | value | comma


def parse_json(
    text: str,
    *,
    allow_comments: bool = False,
    allow_trailing_commas: bool = False,
    max_depth: int = MAX_DEPTH,
) -> JsonDocument:
    """Parses `text` into a positioned tree, never raising; see the module docstring."""
    errors: list[JsonError] = []
    bom = text.startswith(BOM)
    lexer = _Lexer(text, allow_comments, errors, pos=1 if bom else 0)
    stack: list[_Frame] = []
    root: JsonNode | None = None
    token = lexer.next()
    pending: _Token | None = None  # a token to look at again after closing a frame

    def close(frame: _Frame, end: int) -> JsonNode:
        if frame.kind == "{":
            if frame.key is not None:  # a key without its value
                frame.members.append(JsonMember(frame.key, None))
            return JsonObject(frame.start, end, tuple(frame.members))
        return JsonArray(frame.start, end, tuple(frame.items))

    def advance() -> _Token:
        return lexer.rest() if not stack and root is not None else lexer.next()

    def attach(value: JsonNode) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        frame = stack[-1]
        if frame.kind == "{":
            assert frame.key is not None
            frame.members.append(JsonMember(frame.key, value))
            frame.key = None
        else:
            frame.items.append(value)
        frame.end = value.end
        frame.expect = "comma"

    while True:
        if pending is not None:
            token, pending = pending, None
        frame = stack[-1] if stack else None
        kind = token.kind

        if kind == "end":
            while stack:
                open_frame = stack.pop()
                closer = "}" if open_frame.kind == "{" else "]"
                if open_frame.kind == "{" and open_frame.expect in ("colon", "value"):
                    lexer.error("Expected a value", token.start, token.start)
                lexer.error(
                    f"The JSON ends before this '{open_frame.kind}' is closed (a '{closer}')",
                    open_frame.start,
                    open_frame.start + 1,
                )
                attach(close(open_frame, open_frame.end))
            if root is None:
                lexer.error("Expected a JSON value", token.start, token.start)
            break

        if frame is None:  # at the top level
            if root is not None:
                # `advance` gave the rest of the text as one token, reported once: it is not
                # part of the document.
                lexer.error("Unexpected text after the JSON value", token.start, token.end)
                break
            if not _starts_value(kind):
                if kind != "bad":
                    lexer.error("Expected a JSON value", token.start, token.end)
                token = advance()
                continue

        elif frame.kind == "{" and frame.expect in ("first", "key", "comma"):
            if kind == "}":
                if frame.expect == "key" and not allow_trailing_commas:
                    lexer.error("Trailing comma before '}'", frame.end - 1, frame.end)
                stack.pop()
                attach(close(frame, token.end))
                token = advance()
                continue
            if kind == "," and frame.expect == "comma":
                frame.expect = "key"
                frame.end = token.end
                token = advance()
                continue
            if kind == "string":
                if frame.expect == "comma":
                    lexer.error("Expected ',' or '}' after a property", token.start, token.start)
                frame.key = JsonString(token.start, token.end, str(token.value))
                frame.end = token.end
                frame.expect = "colon"
                token = advance()
                continue
            if kind == "]" and _closes_outer(stack, "["):
                lexer.error("Expected '}' before ']'", token.start, token.end)
                stack.pop()
                attach(close(frame, frame.end))
                pending = token
                continue
            if kind != "bad":
                expected = "',' or '}'" if frame.expect == "comma" else "a property name"
                lexer.error(f"Expected {expected} (in double quotes)", token.start, token.end)
            token = advance()
            continue

        elif frame.kind == "{" and frame.expect == "colon":
            if kind == ":":
                frame.expect = "value"
                frame.end = token.end
                token = advance()
                continue
            lexer.error("Expected ':' after a property name", token.start, token.start)
            frame.expect = "value"
            if not _starts_value(kind):
                assert frame.key is not None
                frame.members.append(JsonMember(frame.key, None))
                frame.key = None
                frame.expect = "comma"
                pending = token
                continue

        elif frame.kind == "{" and frame.expect == "value":
            if not _starts_value(kind):
                if kind == "bad":
                    token = advance()
                    continue
                lexer.error("Expected a value", token.start, token.end)
                assert frame.key is not None
                frame.members.append(JsonMember(frame.key, None))
                frame.key = None
                frame.expect = "comma"
                if kind in (",", "}"):
                    pending = token
                else:
                    token = advance()
                continue

        elif frame.kind == "[":
            if kind == "]":
                if frame.expect == "value" and frame.items and not allow_trailing_commas:
                    lexer.error("Trailing comma before ']'", frame.end - 1, frame.end)
                stack.pop()
                attach(close(frame, token.end))
                token = advance()
                continue
            if kind == "," and frame.expect == "comma":
                frame.expect = "value"
                frame.end = token.end
                token = advance()
                continue
            if kind == "}" and _closes_outer(stack, "{"):
                lexer.error("Expected ']' before '}'", token.start, token.end)
                stack.pop()
                attach(close(frame, frame.end))
                pending = token
                continue
            if not _starts_value(kind):
                if kind != "bad":
                    lexer.error("Expected a value", token.start, token.end)
                token = advance()
                continue
            if frame.expect == "comma":
                lexer.error("Expected ',' or ']' between items", token.start, token.start)

        # A value starts here.
        if kind in ("{", "["):
            if len(stack) >= max_depth:
                lexer.error(f"Nested deeper than {max_depth} levels", token.start, token.end)
                break
            stack.append(_Frame(kind, token.start, token.end))
        else:
            attach(_scalar(token))
        token = advance()

    return JsonDocument(text, root, tuple(errors), bom)


def _starts_value(kind: str) -> bool:
    return kind in ("{", "[", "string", "number", "literal")


def _closes_outer(stack: list[_Frame], kind: str) -> bool:
    """Whether a closing bracket of `kind` closes a frame below the innermost one."""
    return any(frame.kind == kind for frame in stack[:-1])


def _scalar(token: _Token) -> JsonScalar:
    if token.kind == "string":
        return JsonString(token.start, token.end, str(token.value))
    if token.kind == "number":
        raw = str(token.value)
        return JsonNumber(token.start, token.end, _number_value(raw), raw)
    if token.value == "null":
        return JsonNull(token.start, token.end)
    return JsonBool(token.start, token.end, token.value == "true")
