"""The JSON dialects on their own: `.mcp.json` (MC), plugin manifests (PM), marketplaces (MK).

Tables of text → codes with exact ranges, the quick fixes applied, completion, hover, schema,
the loader and the servers every layer gives (`known_servers`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agent_ls.core.findings import Edit, Finding, Severity
from agent_ls.dialects import dialect_for, dialect_named
from agent_ls.dialects.jsonfile import JsonDialect
from agent_ls.dialects.marketplace import DIALECT as MARKETPLACE
from agent_ls.dialects.mcp import DIALECT as MCP
from agent_ls.dialects.mcp import expand, tool_prefix
from agent_ls.dialects.mcp.servers import is_layer, known_servers
from agent_ls.dialects.plugin_manifest import DIALECT as MANIFEST
from agent_ls.settings import Settings


def apply_edits(text: str, edits: tuple[Edit, ...]) -> str:
    """`text` with the edits applied (from the last, so offsets hold)."""
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def codes(dialect: JsonDialect, text: str, path: Path | None = None) -> list[str]:
    return [f.code for f in dialect.check_text(text, path=path)]


def only(dialect: JsonDialect, text: str, code: str) -> Finding:
    [found] = [f for f in dialect.check_text(text) if f.code == code]
    return found


def marked(text: str) -> tuple[str, int, int]:
    """`text` without its `«…»`, and the offsets of what they enclosed."""
    start = text.index("«")
    end = text.index("»") - 1
    return text.replace("«", "").replace("»", ""), start, end


# -- .mcp.json -------------------------------------------------------------------------------------
MCP_CASES = [
    ('{"mcpServers": {"db": {"command": "db-mcp"}}}', []),
    ('{"mcpServers": {"db": {"type": "stdio", "command": "db-mcp", "args": ["-v"]}}}', []),
    ('{"mcpServers": {"api": {"type": "http", "url": "https://x.example/mcp"}}}', []),
    ('{"mcpServers": {"api": {"type": "sse", "url": "https://x.example/sse"}}}', []),
    ('{"mcpServers": {"api": {"type": "ws", "url": "wss://x.example/"}}}', []),
    ('{"mcpServers": {}}', []),
    ('\ufeff{"mcpServers": {"db": {"command": "db-mcp"}}}', []),
    ('{"mcpServers": {"db": {"command": "db-mcp"}},}', ["MC001"]),
    ('// c\n{"mcpServers": {}}', ["MC001"]),
    ("[]", ["MC002"]),
    ('"x"', ["MC002"]),
    ("{}", ["MC003"]),
    ('{"servers": {"db": {"command": "db-mcp"}}}', ["MC003"]),
    ('{"mcpServers": []}', ["MC004"]),
    ('{"mcpServers": {"db": "db-mcp"}}', ["MC101"]),
    ('{"mcpServers": {"db": {"type": "stdoi", "command": "db-mcp"}}}', ["MC102"]),
    ('{"mcpServers": {"db": {"type": "Stdio", "command": "db-mcp"}}}', ["MC102"]),
    ('{"mcpServers": {"db": {"type": 1, "command": "db-mcp"}}}', ["MC102"]),
    ('{"mcpServers": {"db": {"args": ["x"]}}}', ["MC103"]),
    ('{"mcpServers": {"db": {"command": ""}}}', ["MC103"]),
    ('{"mcpServers": {"db": {"type": "stdio", "url": "https://x.example"}}}', ["MC103"]),
    ('{"mcpServers": {"db": {"url": "https://x.example"}}}', ["MC104"]),
    ('{"mcpServers": {"db": {"type": "http"}}}', ["MC105"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "args": "-v"}}}', ["MC106"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "args": ["-v", 2]}}}', ["MC106"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "env": {"A": 1}}}}', ["MC106"]),
    ('{"mcpServers": {"db": {"command": 5}}}', ["MC106"]),
    (
        '{"mcpServers": {"db": {"type": "http", "url": "https://x", "headers": {"A": true}}}}',
        ["MC106"],
    ),
    ('{"mcpServers": {"db": {"command": "db-mcp", "timeout": "5"}}}', ["MC106"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "comand": "x"}}}', ["MC201"]),
    ('{"mcpServers": {"db": {"command": "db-mcp"}}, "version": 1}', ["MC201"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "args": ["${AGENT_LS_UNSET_X}"]}}}', ["MC301"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "args": ["${AGENT_LS_UNSET_X:-d}"]}}}', []),
    ('{"mcpServers": {"db": {"command": "db-mcp", "args": ["$HOME/x"]}}}', ["MC302"]),
    ('{"mcpServers": {"db": {"command": "db-mcp", "headersHelper": "${AGENT_LS_UNSET_X}"}}}', []),
]


@pytest.mark.parametrize(("text", "expected"), MCP_CASES)
def test_mcp_json_codes(text: str, expected: list[str]) -> None:
    assert codes(MCP, text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"mcpServers": {"db": {"type": «"stdoi"», "command": "x"}}}', "MC102"),
        ('{"mcpServers": {"db": {«"url"»: "https://x"}}}', "MC104"),
        ('{"mcpServers": {"db": {"command": "x", «"comand"»: "y"}}}', "MC201"),
        ('{"mcpServers": {"db": {"command": "x", "args": «"-v"»}}}', "MC106"),
        ('{«"servers"»: {}}', "MC003"),
        ('{"mcpServers": «[]»}', "MC004"),
        ('{"mcpServers": {"db": {"command": "x"}}«,»}', "MC001"),
    ],
)
def test_mcp_json_ranges(text: str, code: str) -> None:
    clean, start, end = marked(text)
    found = only(MCP, clean, code)
    assert (found.start, found.end) == (start, end)


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        (
            '{"mcpServers": {"db": {"type": "stdoi", "command": "x"}}}',
            '{"mcpServers": {"db": {"type": "stdio", "command": "x"}}}',
        ),
        (
            '{"mcpServers": {"db": {"url": "https://x"}}}',
            '{"mcpServers": {"db": {"type": "http", "url": "https://x"}}}',
        ),
        (
            '{"mcpServers": {"db": {"type": "stdio", "url": "https://x"}}}',
            '{"mcpServers": {"db": {"type": "http", "url": "https://x"}}}',
        ),
        (
            '{"mcpServers": {"db": {"command": "x", "comand": "y"}}}',
            '{"mcpServers": {"db": {"command": "x", "command": "y"}}}',
        ),
        ('{"servers": {}}', '{"mcpServers": {}}'),
        (
            '{"mcpServers": {"db": {"command": "x", "args": "-v"}}}',
            '{"mcpServers": {"db": {"command": "x", "args": ["-v"]}}}',
        ),
        (
            '{"mcpServers": {"db": {"command": "x", "env": {"N": 3}}}}',
            '{"mcpServers": {"db": {"command": "x", "env": {"N": "3"}}}}',
        ),
    ],
)
def test_mcp_json_quick_fixes(text: str, fixed: str) -> None:
    [finding] = [f for f in MCP.check_text(text) if f.fixes]
    assert apply_edits(text, finding.fixes[0].edits) == fixed


def test_severity_follows_the_consequence() -> None:
    assert MCP.codes["MC001"].severity == Severity.ERROR and MCP.codes["MC001"].drops_file
    assert MCP.codes["MC102"].severity == Severity.WARNING and not MCP.codes["MC102"].drops_file
    assert MANIFEST.codes["PM003"].severity == Severity.ERROR
    assert MANIFEST.codes["PM101"].severity == Severity.WARNING
    assert MARKETPLACE.codes["MK005"].severity == Severity.ERROR
    assert MARKETPLACE.codes["MK101"].severity == Severity.WARNING


def test_the_loader_keeps_the_servers_claude_code_starts_with_their_values_expanded() -> None:
    text = json.dumps(
        {
            "mcpServers": {
                "ok": {
                    "command": "x",
                    "args": ["${A}", "${B}", "${B:-d}", "$A"],
                    "env": {"E": "${A}-e"},
                },
                "skipped": {"type": "stdoi", "command": "x"},
            }
        }
    )
    loaded = MCP.load(MCP.read(text), {"A": "a"})
    assert loaded is not None
    assert loaded.servers == {
        "ok": {"command": "x", "args": ["a", "${B}", "d", "$A"], "env": {"E": "a-e"}}
    }
    assert MCP.load(MCP.read("{}")) is None


def test_expansion_follows_claude_code() -> None:
    env = {"SET": "v", "EMPTY": ""}
    assert expand("${SET}/${UNSET}/${UNSET:-d}/${EMPTY:-d}/$SET", env) == "v/${UNSET}/d/d/$SET"


def test_tool_names_replace_other_characters() -> None:
    assert tool_prefix("my.server x") == "my_server_x"
    assert tool_prefix("a-b_c1") == "a-b_c1"


def test_mcp_completion_of_keys_and_types() -> None:
    text = '{"mcpServers": {"db": {"": 1}}}'
    at = text.index('""') + 1
    labels = [c.label for c in MCP.complete(MCP.read(text), at, None)]
    assert labels[:4] == ["type", "command", "args", "env"]
    text = '{"mcpServers": {"db": {"type": "s"}}}'
    at = text.index('"s"') + 2
    assert [c.label for c in MCP.complete(MCP.read(text), at, None)] == [
        "stdio",
        "sse",
        "http",
        "streamable-http",
        "ws",
    ]
    text = '{"mcpServers": {"db": {"command": "x", }}}'
    at = text.index(", }") + 2
    labels = [c.label for c in MCP.complete(MCP.read(text), at, None)]
    assert "command" not in labels and "args" in labels


def test_mcp_hover_documents_a_key() -> None:
    text = '{"mcpServers": {"db": {"type": "stdio"}}}'
    found = MCP.hover(MCP.read(text), text.index('"type"') + 2, [])
    assert found is not None
    markdown, start, end = found
    assert "**type**" in markdown and "`stdio`" in markdown
    assert text[start:end] == '"type"'
    assert MCP.hover(MCP.read(text), 0, []) is None


def test_schemas_describe_the_files() -> None:
    mcp = MCP.schema()
    server = mcp["$defs"]["server"]["properties"]
    assert mcp["required"] == ["mcpServers"]
    assert server["type"]["enum"] == ["stdio", "sse", "http", "streamable-http", "ws"]
    assert server["args"] == {
        "type": "array",
        "items": {"type": "string"},
        "description": server["args"]["description"],
    }
    manifest = MANIFEST.schema()
    assert manifest["required"] == ["name"] and "agents" in manifest["properties"]
    market = MARKETPLACE.schema()
    assert market["properties"]["plugins"]["items"] == {"$ref": "#/$defs/entry"}
    for dialect in (MCP, MANIFEST, MARKETPLACE):
        json.dumps(dialect.schema())  # serialisable
        assert dialect_named(dialect.name) is dialect


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (".mcp.json", "mcp"),
        ("sub/.mcp.json", "mcp"),
        (".claude-plugin/plugin.json", "plugin"),
        ("plugins/a/.claude-plugin/plugin.json", "plugin"),
        (".claude-plugin/marketplace.json", "marketplace"),
    ],
)
def test_dialects_are_chosen_by_path(tmp_path: Path, path: str, name: str) -> None:
    found = dialect_for(tmp_path / path, tmp_path, Settings())
    assert found is not None and found.name == name


# -- plugin manifests ------------------------------------------------------------------------------
MANIFEST_CASES = [
    ('{"name": "px"}', []),
    ('{"name": "px", "version": "1.0.0", "author": {"name": "me"}, "keywords": ["a"]}', []),
    ('{"name": "px",}', ["PM001"]),
    ("[1]", ["PM002"]),
    ('{"version": "1.0.0"}', ["PM003"]),
    ('{"name": ""}', ["PM003"]),
    ('{"name": "My Plugin"}', ["PM003"]),
    ('{"name": 5}', ["PM003"]),
    ('{"name": "px", "version": 1}', ["PM004"]),
    ('{"name": "px", "defaultEnabled": "yes"}', ["PM004"]),
    ('{"name": "px", "agents": "./agents/"}', ["PM005"]),
    ('{"name": "px", "commands": "commands/"}', ["PM005"]),
    ('{"name": "px", "hooks": "./hooks.yaml"}', ["PM005"]),
    ('{"name": "px", "skills": "."}', []),
    ('{"name": "px", "mcpServers": {"db": {"type": "stdoi", "command": "x"}}}', ["PM006"]),
    ('{"name": "px", "mcpServers": {"db": {"command": "x"}}}', []),
    ('{"name": "px", "author": "me"}', ["PM101"]),
    ('{"name": "px", "homepage": "not a url"}', ["PM101"]),
    ('{"name": "px", "keywords": "a,b"}', ["PM101"]),
    ('{"name": "px", "description": 5}', ["PM101"]),
    ('{"name": "px", "bogus": 1}', ["PM201"]),
    ('{"name": "px", "agent": "./a.md"}', ["PM201"]),
    ('{"name": "PX"}', ["PM301"]),
]


@pytest.mark.parametrize(("text", "expected"), MANIFEST_CASES)
def test_plugin_manifest_codes(text: str, expected: list[str]) -> None:
    assert codes(MANIFEST, text) == expected


def test_declared_paths_must_exist(tmp_path: Path) -> None:
    manifest = tmp_path / ".claude-plugin" / "plugin.json"
    manifest.parent.mkdir()
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "a.md").write_text("x")
    text = '{"name": "px", "agents": ["./agents/a.md", "./agents/b.md"], "commands": "./nope/"}'
    found = MANIFEST.check_text(text, path=manifest)
    assert [(f.code, text[f.start : f.end]) for f in found] == [
        ("PM102", '"./agents/b.md"'),
        ("PM102", '"./nope/"'),
    ]
    assert codes(MANIFEST, text) == []  # without its path nothing is claimed about files


def test_a_misspelt_field_is_renamed() -> None:
    text = '{"name": "px", "agent": "./a.md"}'
    [finding] = MANIFEST.check_text(text)
    assert apply_edits(text, finding.fixes[0].edits) == '{"name": "px", "agents": "./a.md"}'


def test_the_manifest_loader() -> None:
    loaded = MANIFEST.load(MANIFEST.read('{"name": "px", "author": "me"}'))
    assert loaded is not None and loaded.name == "px"
    assert MANIFEST.load(MANIFEST.read('{"name": "a b"}')) is None


# -- marketplaces ----------------------------------------------------------------------------------
OWNER = '"owner": {"name": "o"}'
MARKET_CASES = [
    (f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "./a"}}]}}', []),
    (
        f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": {{"source": "github", "repo": "o/r"}}}}]}}',
        [],
    ),
    (f'{{"name": "mk", {OWNER}, "plugins": [],}}', ["MK001"]),
    ("[]", ["MK002"]),
    (f'{{"name": 3, {OWNER}, "plugins": []}}', ["MK003"]),
    (f'{{"name": "my market", {OWNER}, "plugins": []}}', ["MK003"]),
    (f'{{{OWNER}, "plugins": []}}', ["MK003"]),
    ('{"name": "mk", "plugins": []}', ["MK004"]),
    ('{"name": "mk", "owner": "me", "plugins": []}', ["MK004"]),
    (f'{{"name": "mk", {OWNER}, "plugins": {{}}}}', ["MK005"]),
    (f'{{"name": "mk", {OWNER}, "plugins": [{{"source": "./a"}}]}}', ["MK101"]),
    (f'{{"name": "mk", {OWNER}, "plugins": ["a"]}}', ["MK101"]),
    (f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "a"}}]}}', ["MK102"]),
    (
        f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": {{"source": "github"}}}}]}}',
        ["MK102"],
    ),
    (
        f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": {{"source": "svn"}}}}]}}',
        ["MK102"],
    ),
    (
        f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "./a", "version": 1}}]}}',
        ["MK103"],
    ),
    (
        f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "./a"}}, {{"name": "a", "source": "./b"}}]}}',
        ["MK105", "MK105"],
    ),
    (
        f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "./a", "sorce": 1}}]}}',
        ["MK201"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MARKET_CASES)
def test_marketplace_codes(text: str, expected: list[str]) -> None:
    assert codes(MARKETPLACE, text) == expected


def test_a_relative_source_must_be_a_folder_of_the_marketplace(tmp_path: Path) -> None:
    path = tmp_path / ".claude-plugin" / "marketplace.json"
    path.parent.mkdir()
    (tmp_path / "a").mkdir()
    text = f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "./a"}}, {{"name": "b", "source": "./b"}}]}}'
    found = MARKETPLACE.check_text(text, path=path)
    assert [(f.code, text[f.start : f.end]) for f in found] == [("MK104", '"./b"')]


def test_the_marketplace_loader_offers_named_entries() -> None:
    text = f'{{"name": "mk", {OWNER}, "plugins": [{{"name": "a", "source": "./a"}}, {{"source": "./b"}}]}}'
    loaded = MARKETPLACE.load(MARKETPLACE.read(text))
    assert loaded is not None and [e["name"] for e in loaded.data["plugins"]] == ["a"]


# -- the servers of every layer --------------------------------------------------------------------
def write(root: Path, files: dict[str, object]) -> None:
    for rel, value in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(value if isinstance(value, str) else json.dumps(value))


def test_known_servers_read_every_layer(tmp_path: Path) -> None:
    project, home = tmp_path / "p", tmp_path / "h"
    server = {"command": "x"}
    write(
        tmp_path,
        {
            "p/.mcp.json": {"mcpServers": {"proj": server, "off": server, "bad": {"type": "x"}}},
            "p/.claude/settings.local.json": {"disabledMcpjsonServers": ["off"]},
            "p/.claude/settings.json": {"mcpServers": {"ignored": server}},
            "h/.claude.json": {
                "mcpServers": {"user.one": server},
                "projects": {str(project.resolve()): {"mcpServers": {"local": server}}},
            },
            "h/.claude/settings.json": {"enabledPlugins": {"px@mk": True, "off@mk": False}},
            "h/.claude/plugins/installed_plugins.json": {
                "version": 2,
                "plugins": {
                    "px@mk": [{"installPath": str(tmp_path / "px")}],
                    "off@mk": [{"installPath": str(tmp_path / "off")}],
                },
            },
            "px/.claude-plugin/plugin.json": {"name": "px", "mcpServers": {"inner": server}},
            "off/.claude-plugin/plugin.json": {"name": "off", "mcpServers": {"inner": server}},
        },
    )
    assert known_servers(project, home) == {"proj", "user_one", "local", "plugin_px_inner"}


def test_known_servers_read_open_documents_over_their_files(tmp_path: Path) -> None:
    project, home = tmp_path / "p", tmp_path / "h"
    server = {"command": "x"}
    write(tmp_path, {"p/.mcp.json": {"mcpServers": {"saved": server}}})
    edited = json.dumps({"mcpServers": {"edited": server}})
    user = json.dumps({"mcpServers": {"mine": server}})
    texts = {(project / ".mcp.json").resolve(): edited, (home / ".claude.json").resolve(): user}
    assert known_servers(project, home, texts) == {"edited", "mine"}
    assert known_servers(project, home) == {"saved"}  # one call's texts only
    assert known_servers(project, home, {(project / ".mcp.json").resolve(): "{"}) == frozenset()


@pytest.mark.parametrize(
    ("path", "layer"),
    [
        ("w/.mcp.json", True),
        ("h/.claude.json", True),
        ("w/.claude/settings.json", True),
        ("w/.claude/settings.local.json", True),
        ("h/.claude/plugins/installed_plugins.json", True),
        ("kit/.claude-plugin/plugin.json", True),
        ("w/settings.json", False),
        ("w/.claude/agents/a.md", False),
        ("w/package.json", False),
    ],
)
def test_the_files_the_servers_come_from(path: str, layer: bool) -> None:
    assert is_layer(Path("/x") / path) is layer


def test_known_servers_without_any_layer(tmp_path: Path) -> None:
    assert known_servers(tmp_path, tmp_path / "home") == frozenset()
    assert known_servers(None, tmp_path) is None


def test_an_ignored_mcp_json_gives_no_servers_and_an_unreadable_one_unknown(tmp_path: Path) -> None:
    write(tmp_path, {"p/.mcp.json": '{"mcpServers": {"a": {"command": "x"}},}'})
    assert known_servers(tmp_path / "p", tmp_path / "h") == frozenset()
    write(tmp_path, {"q/.mcp.json": "[" * 1000 + "]" * 1000})
    assert known_servers(tmp_path / "q", tmp_path / "h") is None
    write(tmp_path, {"r/x": "", "h/.claude.json": "{not json"})
    assert known_servers(tmp_path / "r", tmp_path / "h") is None


def test_a_plugins_own_mcp_json_when_its_manifest_declares_none(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "h/.claude/settings.json": {"enabledPlugins": {"px@mk": True}},
            "h/.claude/plugins/installed_plugins.json": {
                "plugins": {"px@mk": [{"installPath": str(tmp_path / "px")}]}
            },
            "px/.claude-plugin/plugin.json": {"name": "px"},
            "px/.mcp.json": {"mcpServers": {"a": {"command": "x"}}},
            "p/x": "",
        },
    )
    assert known_servers(tmp_path / "p", tmp_path / "h") == {"plugin_px_a"}
