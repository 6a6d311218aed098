"""Markdown with YAML frontmatter, read the way Claude Code reads it: split the frontmatter, parse
its YAML (1.2, as Bun reads it), retry leniently, keep every key and value with its offsets.

Pure functions on `str`, no dialect knowledge. Offsets are indices into the text as given (BOM
included), so the language server and the CLI map them to positions the same way (see
`core.textindex`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

# Claude Code's own split, verbatim: no `m` flag, so the file must start with `---`, and the
# closing `---` may sit anywhere (even inside a value).
FRONTMATTER = re.compile(r"---\s*\n([\s\S]*?)---\s*\n?")
_OPENING = re.compile(r"---\s*\n")
_SPACES = re.compile(r"\s*")
BOM = "\ufeff"
_ODD_BREAK = re.compile("[\r\x85\u2028\u2029\ufeff]")  # see `Frontmatter.plain_marks`
_NON_SPACE = re.compile(r"\S")
_QUOTE_OR_FLOW = re.compile("['\"[{]")
MAX_FRONTMATTER_CHARS = 256 * 1024
MAX_FILE_BYTES = 1024 * 1024  # Claude Code skips larger files


class _Core12Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema, as Bun's parser reads it: `yes`, `on`, `0777`, `1:30` stay strings."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """`BaseResolver.resolve` for a resolver without path resolvers or wildcard implicit
        ones (this one has neither): libyaml calls it for every node it composes."""
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self.yaml_implicit_resolvers.get(value[:1], ()):
                    if regexp.match(value):
                        return tag  # type: ignore[no-any-return]
            return self.DEFAULT_SCALAR_TAG
        if kind is yaml.SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG

    # libyaml's composer calls these two around every node it composes, for path resolvers; this
    # resolver has none, so they do nothing: builtins taking the same arguments cost no frame.
    descend_resolver = slice  # type: ignore[assignment]  # (parent, index) -> ignored
    ascend_resolver = tuple  # type: ignore[assignment]  # () -> ignored


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        list("-+0123456789."),
    ),
):
    _Core12Resolver.add_implicit_resolver(_tag, re.compile(_pattern), _first)


def _redefining_compose_node(self: Any, parent: yaml.Node | None, index: Any) -> Any:
    """Composes a node; a repeated anchor redefines it, as in YAML 1.2 and Bun (not libyaml)."""
    event = self.peek_event()
    if not isinstance(event, yaml.AliasEvent) and event.anchor is not None:
        self.anchors.pop(event.anchor, None)
    return yaml.composer.Composer.compose_node(self, parent, index)


try:  # libyaml parses and composes in C: about 10x faster than pure Python
    from yaml._yaml import CParser as _Parser

    class _Composer(_Parser, _Core12Resolver):
        """Builds node trees (never Python objects: tags cannot construct anything)."""

        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Core12Resolver.__init__(self)

except ImportError:  # pragma: no cover - PyYAML without libyaml

    class _Parser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)

    class _Composer(_Parser, yaml.composer.Composer, _Core12Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            _Core12Resolver.__init__(self)


class _RedefiningComposer(_Parser, yaml.composer.Composer, _Core12Resolver):
    """The same parser's events, composed in Python so that an anchor may be defined again."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        _Core12Resolver.__init__(self)

    get_single_node = yaml.composer.Composer.get_single_node
    compose_document = yaml.composer.Composer.compose_document
    compose_node = _redefining_compose_node


class Split(NamedTuple):
    """Where the frontmatter and body lie, as Claude Code splits them (a tuple: one is made for
    every file read, and a frozen dataclass costs five times as much to make)."""

    has_frontmatter: bool
    yaml_start: int = 0
    yaml_end: int = 0
    close_start: int = 0
    close_end: int = 0
    body_start: int = 0


def split_frontmatter(text: str) -> Split:
    """Returns the frontmatter split of `text` (a leading BOM is skipped, as Claude Code does)."""
    start = 1 if text.startswith(BOM) else 0
    # `FRONTMATTER.match` without its lazy `[\s\S]*?`, which tries the closing fence at every
    # character: the YAML runs from the opening's last line break to the first `---` after it
    # (`---\s*\n?` matches wherever a `---` is), the body from the whitespace after that.
    opening = _OPENING.match(text, start)
    close = -1 if opening is None else text.find("---", opening.end())
    if opening is None or close == -1:
        return Split(False, body_start=start)
    spaces = _SPACES.match(text, close + 3)
    body = close + 3 if spaces is None else spaces.end()  # (`\s*` always matches)
    return Split(True, opening.end(), close, close, close + 3, body)


@dataclass(frozen=True)
class YamlProblem:
    message: str
    offset: int


class Entry(NamedTuple):
    """One top-level `key: value` of the frontmatter (a tuple: one is made for every key of
    every file, in a third of a dataclass's time)."""

    key: str
    key_start: int
    key_end: int
    node: yaml.Node
    value_start: int
    value_end: int
    value: Any


@dataclass
class Frontmatter:
    """The parsed frontmatter; `entries` keeps duplicates in file order, `data` has the last one."""

    entries: list[Entry] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    error: YamlProblem | None = None
    lenient: bool = False  # True when only Claude Code's lenient retry could parse it
    rewritten_lines: dict[int, int] = field(default_factory=dict)  # line → value column shift
    not_mapping: str | None = None  # YAML type name when the document is not a mapping
    empty: bool = False
    too_large: bool = False  # longer than agent-ls parses (Claude Code still reads it)
    source: str = field(default="", repr=False)  # the YAML text between the fences
    base: int = 0  # offset of `source` in the file's text
    known_line_starts: list[int] | None = field(default=None, repr=False)
    """Where each line of `source` starts (`line_starts`), once worked out."""
    column_maps: dict[int, list[int]] = field(default_factory=dict, repr=False)
    """For lines the retry changed: column in the retry text → column in the original."""
    plain_marks: bool = False
    """The YAML marks' character index is the offset in `source`: it parsed as written and holds
    no BOM and no line break but `\n` (libyaml counts lines at `\r`, U+0085, U+2028 too)."""

    @property
    def line_starts(self) -> list[int]:
        """Where each line of `source` starts: worked out on first use (the marks of most
        frontmatter are offsets already, `plain_marks`)."""
        if self.known_line_starts is None:
            self.known_line_starts = _line_starts(self.source)
        return self.known_line_starts

    def offset(self, mark: Any) -> int:
        """Returns the text offset of a YAML mark (of the original or the retry text)."""
        starts = self.line_starts
        line: int = min(mark.line, len(starts) - 1)
        column: int = mark.column
        if self.column_maps:  # only after the lenient retry
            columns = self.column_maps.get(line)
            if columns is not None:
                column = columns[min(column, len(columns) - 1)]
        return self.base + min(starts[line] + column, len(self.source))

    def span(self, node: yaml.Node) -> tuple[int, int]:
        """Returns the text offsets of a node, without the line breaks that follow a block."""
        if self.plain_marks:  # most frontmatter: called for every key and value
            start, end = self.base + node.start_mark.index, self.base + node.end_mark.index
        elif self.column_maps:  # only after the lenient retry
            start, end = self.offset(node.start_mark), self.offset(node.end_mark)
        else:  # `offset` without its retry map, inlined
            starts = self.line_starts
            last, size = len(starts) - 1, len(self.source)
            first, final = node.start_mark, node.end_mark
            start = self.base + min(starts[min(first.line, last)] + first.column, size)
            end = self.base + min(starts[min(final.line, last)] + final.column, size)
        while end > start and self.source[end - self.base - 1] in " \t\r\n":
            end -= 1
        return start, max(start, end)

    @property
    def loaded(self) -> bool:
        """Whether Claude Code gets a mapping out of this frontmatter."""
        return self.error is None or self.lenient


# Claude Code's retry (`_u` in its bundled JavaScript), transcribed with JavaScript's regex
# semantics: `\s` also matches U+FEFF and the other JavaScript spaces, `.` stops at CR, U+2028 and
# U+2029 (so a CRLF line is never quoted), and `^` of the tab rule follows every line terminator.
_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_RETRY_LINE = re.compile(rf"([a-zA-Z_-]+):[{_JS_SPACE}]+([^{_JS_SPACE}][^\n\r\u2028\u2029]*)\Z")
_RETRY_SPECIAL = re.compile(r"[{}\[\]*&#!|>%@`]|: ")
_LEADING_TABS = re.compile(r"(?:\A|(?<=[\n\r\u2028\u2029]))\t+")


def _retry_keeps(value: str) -> bool:
    """Whether the retry leaves a value as written: quoted at both ends, or a flow list."""
    if value[0] in "\"'" and value.endswith(value[0]):
        return True
    if value.startswith("[") and value.endswith("]"):
        try:
            return isinstance(_compose(value), yaml.SequenceNode)
        except (yaml.YAMLError, RecursionError, ValueError):
            return False
    return False


def lenient_rewrite(yaml_text: str) -> tuple[str, dict[int, int]]:
    """Returns Claude Code's retry text: risky `key: value` lines double-quoted, tabs → spaces.

    A value is quoted when it holds `: ` or one of {}[]*&#!|>%@` and neither both starts and ends
    with the same quote nor is a `[...]` that parses as a list; then every run of leading tabs
    becomes two spaces per tab (see docs/claude-code.md, "The lenient retry").
    Also returns, for each quoted line, the column where the value starts in the original.
    """
    out: list[str] = []
    rewritten: dict[int, int] = {}
    for number, line in enumerate(yaml_text.split("\n")):
        match = _RETRY_LINE.match(line)
        if match and not _retry_keeps(value := match.group(2)) and _RETRY_SPECIAL.search(value):
            escaped = value.replace("\\", "\\\\").replace('"', '\\"')
            line = f'{match.group(1)}: "{escaped}"'
            rewritten[number] = match.start(2)
        out.append(line)
    retry = "\n".join(out)
    if "\t" in retry:  # (the rule's lookbehind tries every character: most texts have no tab)
        retry = _LEADING_TABS.sub(lambda m: "  " * len(m.group()), retry)
    return retry, rewritten


def _retry_columns(original: str, retried: str, value_column: int | None) -> list[int]:
    """Maps each column of a retry line (and its end) to the column of the original line."""
    if value_column is None:  # only runs of leading tabs became two spaces each
        expanded = {i for m in _LEADING_TABS.finditer(original) for i in range(*m.span())}
        columns = [i for i in range(len(original)) for _ in range(2 if i in expanded else 1)]
        return columns + [len(original)]
    quote = retried.index(": ") + 2  # `key: "value"`: the opening quote
    columns = [min(c, value_column) for c in range(quote)] + [value_column]
    value = original[value_column:]
    if "\\" not in value and '"' not in value:  # most values: nothing escaped, one to one
        columns += range(value_column, len(original))
    else:
        for i, ch in enumerate(value):
            columns += [value_column + i] * (2 if ch in '\\"' else 1)
    return columns + [len(original), len(original)]  # the closing quote, after it


def _compose(text: str) -> yaml.Node | None:
    """Returns the node tree of `text`, or raises yaml.YAMLError where Bun's parser fails."""
    try:
        node = _run_composer(_Composer, text)
    except yaml.composer.ComposerError as err:
        if "duplicate anchor" not in str(err):
            raise
        node = _run_composer(_RedefiningComposer, text)  # libyaml refuses what 1.2 allows
    if node is not None:
        _check_flow_indentation(node, text)
    return node


def parses(yaml_text: str) -> bool:
    """Whether YAML text parses as Claude Code's parser reads it (no retry)."""
    try:
        _compose(yaml_text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return False
    return True


def _run_composer(composer: Any, text: str) -> yaml.Node | None:
    loader = composer(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def _check_flow_indentation(root: yaml.Node, text: str) -> None:
    """Raises where a quoted value or a flow list continues on a line that is not indented more
    than the block it sits in: libyaml accepts that, Bun's parser (and YAML 1.2) do not."""
    if _QUOTE_OR_FLOW.search(text) is None:  # no quoted value and no flow collection
        return
    lines: list[str] | None = None
    stack: list[tuple[yaml.Node, int]] = [(root, -1)]
    while stack:
        node, block = stack.pop()
        if node.end_mark.line == node.start_mark.line:
            continue  # on one line: nothing in it continues on another
        flow = (isinstance(node, yaml.ScalarNode) and node.style in ("'", '"')) or (
            isinstance(node, yaml.CollectionNode) and node.flow_style
        )
        if flow:
            if node.end_mark.line > node.start_mark.line:
                lines = text.split("\n") if lines is None else lines
                for number in range(node.start_mark.line + 1, node.end_mark.line + 1):
                    line = lines[number] if number < len(lines) else ""
                    if line.strip(" \t\r") and len(line) - len(line.lstrip(" ")) <= block:
                        mark = yaml.error.Mark("<frontmatter>", 0, number, 0, "", 0)
                        raise yaml.MarkedYAMLError(
                            problem="a continuation line of a quoted value or a flow list must "
                            "be indented",
                            problem_mark=mark,
                        )
            continue
        if isinstance(node, yaml.MappingNode):
            column = node.start_mark.column
            stack += [(child, column) for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(child, node.start_mark.column) for child in node.value]


def parse_frontmatter(text: str, split: Split) -> Frontmatter:
    """Parses the YAML between the fences, retrying like Claude Code when it fails."""
    source = text[split.yaml_start : split.yaml_end]
    result = Frontmatter()
    if len(source) > MAX_FRONTMATTER_CHARS:
        result.error = YamlProblem(
            f"the frontmatter is {len(source):,} characters long; agent-ls checks at most "
            f"{MAX_FRONTMATTER_CHARS:,}",
            split.yaml_start,
        )
        result.too_large = True
        return result
    result.source, result.base = source, split.yaml_start
    try:
        node = _compose(source)
    except (yaml.YAMLError, RecursionError, ValueError) as err:
        result.error = _problem(err, source, split.yaml_start)
        retry, rewritten = lenient_rewrite(source)
        try:
            node = _compose(retry)
        except (yaml.YAMLError, RecursionError, ValueError):
            return result
        result.lenient = True
        result.rewritten_lines = rewritten
        for number, (before, after) in enumerate(
            zip(source.split("\n"), retry.split("\n"), strict=True)
        ):
            if before != after:
                result.column_maps[number] = _retry_columns(before, after, rewritten.get(number))
    else:
        result.plain_marks = _ODD_BREAK.search(source) is None
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        result.empty = True
        return result
    if not isinstance(node, yaml.MappingNode):
        result.not_mapping = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        return result
    span, entries, data = result.span, result.entries, result.data
    for key_node, value_node in node.value:
        # Most keys and values are scalars: converted without `to_python`'s walk.
        key = _scalar(key_node) if key_node.__class__ is _SCALAR else to_python(key_node)
        k0, k1 = span(key_node)
        if key.__class__ is not str:
            key = source[k0 - split.yaml_start : k1 - split.yaml_start]  # as written: `1`, `[a, b]`
        v0, v1 = span(value_node)
        if v1 <= v0:  # an empty value: point just after the colon
            v0 = v1 = k1 + 1
        value = _scalar(value_node) if value_node.__class__ is _SCALAR else to_python(value_node)
        entries.append(Entry(key, k0, k1, value_node, v0, v1, value))
        data[key] = value
    return result


_SCALAR = yaml.ScalarNode


def _line_starts(source: str) -> list[int]:
    starts = [0]
    index = source.find("\n")
    while index != -1:
        starts.append(index + 1)
        index = source.find("\n", index + 1)
    return starts


def _problem(err: Exception, source: str, base: int) -> YamlProblem:
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    context = getattr(err, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    starts = _line_starts(source)

    def at(mark: Any) -> int:
        line = min(int(mark.line), len(starts) - 1)
        return min(starts[line] + int(mark.column), len(source))

    marks = [
        m for m in (getattr(err, "problem_mark", None), getattr(err, "context_mark", None)) if m
    ]
    if not marks:
        return YamlProblem(message, base)
    offset = at(marks[0])
    if offset >= len(source.rstrip()) and len(marks) > 1:
        # Found at the end of the frontmatter (an unclosed `[` or quote): point where it opened,
        # not at the closing fence.
        offset = at(marks[1])
    return YamlProblem(message, base + offset)


_SCALARS: dict[str, Any] = {
    "tag:yaml.org,2002:null": lambda v: None,
    "tag:yaml.org,2002:bool": lambda v: v.lower() == "true",
    "tag:yaml.org,2002:int": lambda v: int(v, 0) if v[:2] in ("0x", "0o") else int(v),
    "tag:yaml.org,2002:float": lambda v: float(v.replace(".inf", "inf").replace(".nan", "nan")),
}


def _shallow(node: yaml.Node, seen: dict[int, Any]) -> tuple[Any, bool]:
    """Returns a scalar's value or a collection's (still empty) container; and whether it is new."""
    if id(node) in seen:
        return seen[id(node)], False
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = _scalar(node)
    else:
        value = [] if isinstance(node, yaml.SequenceNode) else {}
    seen[id(node)] = value
    return value, not isinstance(node, yaml.ScalarNode)


def _scalar(node: yaml.ScalarNode) -> Any:
    convert = _SCALARS.get(node.tag)
    if convert is None:
        return node.value
    try:
        return convert(node.value.lower() if node.tag.endswith("float") else node.value)
    except ValueError:
        return node.value


def to_python(node: yaml.Node, _seen: dict[int, Any] | None = None) -> Any:
    """Returns plain data (str, int, float, bool, None, list, dict) for a node tree.

    Aliases share one converted object, so an alias bomb stays linear; unknown tags are read as
    their plain value, never constructed. Iterative: libyaml's 1,000 levels of nesting cost no
    Python recursion. A list or mapping used as a key becomes the text `[…]` or `{…}`.
    """
    if _seen is None and isinstance(node, yaml.ScalarNode):  # most values: no tree to walk
        return _scalar(node)
    seen = {} if _seen is None else _seen
    root, fresh = _shallow(node, seen)
    stack = [node] if fresh else []
    while stack:
        current = stack.pop()
        container = seen[id(current)]
        if isinstance(current, yaml.SequenceNode):
            for child in current.value:
                value, fresh = _shallow(child, seen)
                container.append(value)
                if fresh:
                    stack.append(child)
            continue
        for key_node, value_node in current.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = _shallow(key_node, seen)[0]
            else:
                key = "[…]" if isinstance(key_node, yaml.SequenceNode) else "{…}"
            value, fresh = _shallow(value_node, seen)
            container[key] = value
            if fresh:
                stack.append(value_node)
    return root


class MarkdownSource(NamedTuple):
    """A Markdown file read as Claude Code reads it, before any rule is applied (a tuple, as
    `Split` is)."""

    text: str
    split: Split
    frontmatter: Frontmatter | None

    @property
    def has_body(self) -> bool:
        """Whether the body holds anything but whitespace (found without copying a long body)."""
        return _NON_SPACE.search(self.text, self.split.body_start) is not None

    @property
    def body(self) -> str:
        return self.text[self.split.body_start :]

    @property
    def data(self) -> dict[str, Any]:
        fm = self.frontmatter
        return fm.data if fm is not None and fm.loaded else {}


def read_source(text: str) -> MarkdownSource:
    """Splits and parses `text`."""
    split = split_frontmatter(text)
    return MarkdownSource(
        text, split, parse_frontmatter(text, split) if split.has_frontmatter else None
    )


_OPEN_FENCE = re.compile(r"---[ \t]*\r?\n")


def editing_source(source: MarkdownSource) -> MarkdownSource:
    """`source` as an editor sees it mid-edit: a frontmatter opened by `---` but not yet closed
    (someone typing a new agent top-down) runs to the end of the text, so completion and hover
    work before the closing fence exists. Claude Code still reads no frontmatter there (AL103)."""
    if source.split.has_frontmatter:
        return source
    text = source.text
    opening = _OPEN_FENCE.match(text, 1 if text.startswith(BOM) else 0)
    if opening is None:
        return source
    split = Split(True, opening.end(), len(text), len(text), len(text), len(text))
    return MarkdownSource(text, split, parse_frontmatter(text, split))
