"""The `.mcp.json` dialect: a project's MCP servers, as Claude Code 2.1.332 reads them.

Its data is `catalogue.json` (the shapes of the file and of a server, the transports) and
`codes.json` (the `MC` codes); the rules are the functions registered below. What the binary
does, measured (`tests/conformance/mcp/`, `docs/claude-code.md`): a file that is not JSON, not an
object, or has no `mcpServers` object is ignored whole (an error); a server with a bad `type`, no
`command`, a `url` under stdio or without a `type`, or any value of the wrong type is skipped
alone (a warning); unknown keys are ignored silently; `${VAR}` and `${VAR:-default}` expand, an
unset `${VAR}` is passed through literally.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent_ls.core.findings import Edit, Finding, Fix
from agent_ls.core.jsondoc import JsonDocument, JsonMember, JsonNode, JsonObject, JsonString, walk
from agent_ls.core.suggest import suggest
from agent_ls.dialects.base import Applies, CheckContext, Rules
from agent_ls.dialects.jsonfile import (
    JsonDialect,
    JsonFile,
    LoadedJson,
    at,
    unknown_key,
    wrong_type,
)
from agent_ls.dialects.jsonshape import Mismatch, mismatches

_HERE = Path(__file__).resolve().parent
_VARIABLE = re.compile(r"\$\{([^}:]+)(?::-[^}]*)?\}")
_BARE_VARIABLE = re.compile(r"(?<![$\\])\$([A-Za-z_][A-Za-z0-9_]*)")
_SKIPS = "Claude Code skips this server (the file's other servers start)"
_IGNORED_FILE = "Claude Code ignores the whole file, so none of its servers starts"

RULES: Rules[Any] = Rules()


@dataclass(frozen=True)
class McpCatalogue:
    """What the catalogue says about `.mcp.json`."""

    version: str
    default_globs: tuple[str, ...]
    transports: Mapping[str, str]
    url_transports: frozenset[str]
    expanded_keys: frozenset[str]
    raw: Mapping[str, Any] = field(repr=False)


def load_catalogue() -> McpCatalogue:
    raw = json.loads((_HERE / "catalogue.json").read_text("utf-8"))
    return McpCatalogue(
        raw["version"],
        tuple(raw["globs"]),
        raw["transports"],
        frozenset(raw["urlTransports"]),
        frozenset(raw["expandedKeys"]),
        raw,
    )


class LoadedMcp(LoadedJson):
    """What Claude Code takes from one `.mcp.json`: the servers it starts, by name."""

    @property
    def servers(self) -> dict[str, Any]:
        return dict(self.data["mcpServers"])


def expand(value: Any, env: Mapping[str, str], keys: frozenset[str] | None = None) -> Any:
    """A server's value as Claude Code passes it on: `${VAR}` from `env` (left as written when
    unset), `${VAR:-default}` (the default when unset or empty), `$VAR` never; in a server
    object, only its `keys` (the catalogue's `expandedKeys`) expand."""
    if isinstance(value, str):
        return _VARIABLE_FULL.sub(lambda m: _expanded(m, env), value)
    if isinstance(value, list):
        return [expand(v, env) for v in value]
    if isinstance(value, dict):
        return {k: expand(v, env) if keys is None or k in keys else v for k, v in value.items()}
    return value


_VARIABLE_FULL = re.compile(r"\$\{([^}:]+)(?::-([^}]*))?\}")


def _expanded(match: re.Match[str], env: Mapping[str, str]) -> str:
    name, default = match.group(1), match.group(2)
    if default is not None:
        return env.get(name) or default
    return env.get(name, match.group(0))


def tool_prefix(server: str) -> str:
    """The server part of its tools' names (`mcp__SERVER__tool`): other characters than letters,
    digits, `_` and `-` become `_`."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", server)


class McpDialect(JsonDialect):
    """`.mcp.json`."""

    name = "mcp"
    title = "Claude Code .mcp.json"
    syntax_code = "MC001"
    rules = RULES

    def __init__(self, catalogue: McpCatalogue) -> None:
        literal = {name: f"${{{name}}}" for name in ("VAR", "DB_TOKEN", "HOME")}  # the examples'
        transports = ", ".join(f"`{t}`" for t in catalogue.transports)
        super().__init__(catalogue, _HERE, "file", {"transports": transports, **literal})

    def mismatch(self, m: Mismatch, file: JsonFile) -> Finding | None:
        if m.kind == "unknown-key":
            effect = "Claude Code ignores it" + (
                " (the server still starts)" if len(m.path) > 2 else ""
            )
            return unknown_key(m, "MC201", effect)
        return None  # a server's values are judged by `judge_server`, the top by `file_shape`

    def load(
        self, source: JsonDocument, environ: Mapping[str, str] | None = None
    ) -> LoadedMcp | None:
        """The servers Claude Code starts from this file, their values expanded from `environ`
        (default: this process's); None when it ignores the file."""
        env = os.environ if environ is None else environ
        file = JsonFile(source, CheckContext(self.catalogue), self.shapes)
        if any(True for _ in file_problems(file)):
            return None
        assert file.root is not None
        servers = file.root.get("mcpServers")
        assert isinstance(servers, JsonObject)
        started = {}
        for member in servers.members:
            if servers.member(member.key.value) is member and not any(
                f.code.startswith("MC1") for f in judge_server(member, file)
            ):
                config = file.data["mcpServers"][member.key.value]
                started[member.key.value] = expand(config, env, self.catalogue.expanded_keys)
        return LoadedMcp(".mcp.json", {"mcpServers": started})


def file_problems(file: JsonFile) -> Iterator[Finding]:
    """Why Claude Code ignores the whole file, if it does (the MC00x findings)."""
    if not file.doc.valid:
        yield from DIALECT.syntax(file, _IGNORED_FILE)
        return
    root = file.root
    if root is None:
        node = file.doc.root
        start, end = (node.start, node.end) if node is not None else (0, len(file.text))
        yield Finding("MC002", f"`.mcp.json` holds no object: {_IGNORED_FILE}.", start, end)
        return
    servers = root.member("mcpServers")
    if servers is None:
        other = root.member("servers")
        if other is not None:
            edit = Edit(other.key.start, other.key.end, '"mcpServers"')
            yield Finding(
                "MC003",
                f"Claude Code reads servers from `mcpServers`, not `servers`: {_IGNORED_FILE}.",
                other.key.start,
                other.key.end,
                (Fix("Rename to `mcpServers`", (edit,), True),),
            )
            return
        yield Finding(
            "MC003", f"No `mcpServers` object: {_IGNORED_FILE}.", root.start, root.start + 1
        )
        return
    if not isinstance(servers.value, JsonObject):
        node = servers.value or servers.key
        yield Finding(
            "MC004", f"`mcpServers` is not an object: {_IGNORED_FILE}.", node.start, node.end
        )


@RULES.rule("MC001", "MC002", "MC003", "MC004", applies_to=Applies.FILE)
def file_shape(file: JsonFile) -> Iterator[Finding]:
    """A file Claude Code ignores whole: not JSON, not an object, no `mcpServers` object."""
    yield from file_problems(file)


def _servers(file: JsonFile) -> list[JsonMember]:
    """The servers Claude Code reads (the last of duplicate names), or none for an ignored file."""
    root = file.root
    servers = root.get("mcpServers") if root is not None and file.doc.valid else None
    if not isinstance(servers, JsonObject):
        return []
    return [m for m in servers.members if servers.member(m.key.value) is m]


def judge_server(member: JsonMember, file: JsonFile) -> list[Finding]:
    """Why Claude Code skips one server (MC1xx; none when it starts it)."""
    name, config = member.key.value, member.value
    if not isinstance(config, JsonObject):
        node = config or member.key
        return [
            Finding(
                "MC101", f"The server `{name}` is not an object: {_SKIPS}.", node.start, node.end
            )
        ]
    cat: McpCatalogue = DIALECT.catalogue
    kind = config.get("type")
    if kind is not None and not (isinstance(kind, JsonString) and kind.value in cat.transports):
        return [_bad_type(name, kind, cat)]
    transport = kind.value if isinstance(kind, JsonString) else None
    url = config.member("url")
    command = config.get("command")
    if transport in cat.url_transports:
        if url is None:
            return [
                Finding(
                    "MC105",
                    f"The {transport} server `{name}` has no `url`: {_SKIPS}.",
                    member.key.start,
                    member.key.end,
                )
            ]
    elif command is None and url is not None and kind is None:
        fix = Fix('Add `"type": "http"`', (Edit(url.start, url.start, '"type": "http", '),), True)
        return [
            Finding(
                "MC104",
                f'The server `{name}` has a `url` but no `type`: {_SKIPS}. Add "type": "http" (or "sse" / "ws").',
                url.key.start,
                url.key.end,
                (fix,),
            )
        ]
    elif command is None:
        fixes: tuple[Fix, ...] = ()
        why = "no `command`"
        if url is not None and isinstance(kind, JsonString):
            why = "a `url` but is a stdio server, which needs `command`"
            fixes = (
                Fix("Change the type to `http`", (Edit(kind.start, kind.end, '"http"'),), True),
            )
        where = kind if isinstance(kind, JsonString) and url is not None else member.key
        return [at("MC103", f"The server `{name}` has {why}: {_SKIPS}.", where, fixes)]
    elif isinstance(command, JsonString) and not command.value:
        return [at("MC103", f"The server `{name}` has an empty `command`: {_SKIPS}.", command)]
    path = ("mcpServers", name)
    for m in mismatches(config, DIALECT.shapes.objects["server"], DIALECT.shapes, path):
        if m.kind == "type" or (m.kind == "enum" and m.path[-1:] != ("type",)):
            return [wrong_type(m, "MC106", f"{_SKIPS}", file.text)]
    return []


def _bad_type(name: str, kind: JsonNode, cat: McpCatalogue) -> Finding:
    if not isinstance(kind, JsonString):
        return Finding(
            "MC102", f"The `type` of `{name}` is not a string: {_SKIPS}.", kind.start, kind.end
        )
    near = suggest(kind.value, list(cat.transports))
    fixes = (
        (Fix(f"Change to `{near}`", (Edit(kind.start, kind.end, json.dumps(near)),), True),)
        if near
        else ()
    )
    listed = ", ".join(cat.transports)
    hint = f" Did you mean `{near}`?" if near else ""
    return Finding(
        "MC102",
        f'Unknown MCP server type "{kind.value}" for `{name}` (types: {listed}): {_SKIPS}.{hint}',
        kind.start,
        kind.end,
        fixes,
    )


@RULES.rule("MC101", "MC102", "MC103", "MC104", "MC105", "MC106", applies_to=Applies.FILE)
def servers_skipped(file: JsonFile) -> Iterator[Finding]:
    """Each server Claude Code skips, with the first reason it has."""
    for member in _servers(file):
        yield from judge_server(member, file)


@RULES.rule("MC201", applies_to=Applies.FILE)
def keys_ignored(file: JsonFile) -> Iterator[Finding]:
    """Keys Claude Code ignores, at the top and in each server it reads."""
    if not any(True for _ in file_problems(file)):
        yield from DIALECT.shape_findings(file)


@RULES.rule("MC301", "MC302", applies_to=Applies.FILE)
def variables(file: JsonFile, environ: Mapping[str, str] | None = None) -> Iterator[Finding]:
    """`${VAR}` unset (passed through literally) and `$VAR` (never expanded) in a server's
    expanded values."""
    env = os.environ if environ is None else environ
    cat: McpCatalogue = DIALECT.catalogue
    for member in _servers(file):
        config = member.value
        if not isinstance(config, JsonObject) or judge_server(member, file):
            continue
        for key in config.members:
            if key.key.value not in cat.expanded_keys:
                continue
            for node in walk(key.value):
                if not isinstance(node, JsonString):
                    continue
                for variable in dict.fromkeys(_unset(node.value, env)):
                    yield at(
                        "MC301",
                        f"`${{{variable}}}` is not set here: Claude Code passes it to `{member.key.value}` literally where it is unset.",
                        node,
                    )
                for bare in dict.fromkeys(_BARE_VARIABLE.findall(node.value)):
                    yield at(
                        "MC302",
                        f"`${bare}` is not expanded (only `${{{bare}}}` is): the server gets it as written.",
                        node,
                    )


def _unset(text: str, env: Mapping[str, str]) -> Iterator[str]:
    """The variables of `${VAR}` (without a default) that `env` lacks."""
    for match in _VARIABLE.finditer(text):
        if ":-" not in match.group(0) and match.group(1) not in env:
            yield match.group(1)


DIALECT = McpDialect(load_catalogue())
