"""`agent-ls check` output is what it claims to be, whatever the file names and messages hold.

JSON is valid UTF-8 with undecodable names escaped (raw bytes in `path_bytes`); SARIF validates
against the SARIF 2.1.0 schema (`schemas/sarif-schema-2.1.0.json`, the OASIS errata01 schema)
with RFC 3986 URIs relative to `%SRCROOT%`; GitHub workflow commands cannot be forged by a file
name or a message.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from jsonschema import Draft4Validator, FormatChecker
from rfc3986_validator import validate_rfc3986

SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
AGENT = "---\nname: {name}\ndescription: Reviews code\ntools: Read, {tool}\n---\n\nBody.\n"
FORGED = "x.md,line=1::pwned\n::error file=evil.md"  # + ".md": a name that forges annotations
NAMES: list[bytes] = [
    b"plain.md",
    b"my agent #1 100%.md",
    "\u00e9t\u00e9 \U0001f600.md".encode(),
    b"bad-\xff\xfe.md",  # not UTF-8
    FORGED.encode() + b".md",
    b"semi;colon?query=1&a[b].md",
]


def check(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Runs `agent-ls check ARGS` in `cwd`, keeping stdout as bytes."""
    return subprocess.run(
        [sys.executable, "-m", "agent_ls", "check", *args],
        cwd=cwd,
        capture_output=True,
        timeout=60,
        env=env,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose agent files have hostile names; each has a warning (tool `Reed`; for the
    forged name a tool name holding `%0A%25`) and a hint (AL207: `name` differs from the file
    name, which its message quotes)."""
    (tmp_path / ".git").mkdir()
    agents = os.path.join(os.fsencode(tmp_path), b".claude", b"agents")
    os.makedirs(agents)
    for n, name in enumerate(NAMES):
        tool = "Re%0A%25d" if name.startswith(b"x.md") else "Reed"
        with open(os.path.join(agents, name), "w", encoding="utf-8") as file:
            file.write(AGENT.format(name=f"agent-{n}", tool=tool))
    return tmp_path


def relative(name: bytes) -> bytes:
    return b".claude/agents/" + name


def test_json_is_valid_utf8_and_keeps_undecodable_names_in_path_bytes(project: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}  # the output is UTF-8 even so
    done = check(project, ".", "--format", "json", env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.decode("utf-8"))  # strict: raises on any invalid byte
    files = {f["path"]: f for f in report["files"]}
    assert len(files) == len(NAMES)
    for name in NAMES:
        shown = relative(name).decode("utf-8", "replace")
        entry = files[shown]
        codes = sorted(d["code"] for d in entry["diagnostics"])
        assert len(codes) == 2 and codes[0] == "AL207" and codes[1] in ("AL401", "AL410")
        if name == b"bad-\xff\xfe.md":
            assert "\ufffd" in shown
            assert list(entry) == ["path", "path_bytes", "diagnostics"]
            assert base64.b64decode(entry["path_bytes"]) == relative(name)
        else:
            assert list(entry) == ["path", "diagnostics"]


def sarif_of(project: Path, *paths: str, cwd: Path | None = None) -> dict[str, Any]:
    done = check(cwd or project, *(paths or (".",)), "--format", "sarif")
    assert done.returncode == 0, done.stderr
    sarif: dict[str, Any] = json.loads(done.stdout.decode("utf-8"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        Draft4Validator(schema, format_checker=FormatChecker()).iter_errors(sarif), key=str
    )
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    return sarif


def locations(sarif: dict[str, Any]) -> list[dict[str, Any]]:
    [run] = sarif["runs"]
    return [
        loc["physicalLocation"]["artifactLocation"]
        for result in run["results"]
        for loc in result["locations"]
    ]


def test_sarif_validates_and_its_uris_are_percent_encoded_relative_to_srcroot(
    project: Path,
) -> None:
    sarif = sarif_of(project)
    [run] = sarif["runs"]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert validate_rfc3986(base, rule="URI") and base.endswith("/")
    assert unquote_to_bytes(base.removeprefix("file://")) == os.fsencode(project) + b"/"
    found = locations(sarif)
    assert len(found) == 2 * len(NAMES)  # AL207 and AL401 in each file
    for location in found:
        assert location["uriBaseId"] == "%SRCROOT%"
        uri = location["uri"]
        assert validate_rfc3986(uri, rule="URI_reference"), uri
        assert re.fullmatch(r"[A-Za-z0-9\-._~/%]+", uri), uri  # every other character encoded
    decoded = {unquote_to_bytes(loc["uri"]) for loc in found}
    assert decoded == {relative(name) for name in NAMES}


def test_sarif_names_a_file_outside_the_current_folder_by_absolute_uri(project: Path) -> None:
    elsewhere = project / "sub"
    elsewhere.mkdir()
    sarif = sarif_of(project, "../.claude/agents/my agent #1 100%.md", cwd=elsewhere)
    location = locations(sarif)[0]
    assert "uriBaseId" not in location
    assert validate_rfc3986(location["uri"], rule="URI")
    assert location["uri"] == (project / ".claude/agents/my agent #1 100%.md").as_uri()


COMMAND = re.compile(r"::(error|warning|notice) ([^:\r\n]*)::([^\r\n]*)")


def unescape(text: str, property_value: bool) -> str:
    """What the Actions runner reads back from an escaped workflow-command value."""
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, raw in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, raw)
    return text


def test_github_annotations_cannot_be_forged_by_file_names_or_messages(project: Path) -> None:
    done = check(project, ".", "--format", "github")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.decode("utf-8").split("\n")
    assert lines[-1] == ""
    commands = [COMMAND.fullmatch(line) for line in lines[:-1]]
    assert all(commands), [line for line, m in zip(lines[:-1], commands, strict=True) if not m]
    assert len(commands) == 2 * len(NAMES)  # one per finding: nothing injected a command
    files, messages = set(), []
    for command in commands:
        assert command is not None
        properties = dict(p.split("=", 1) for p in command.group(2).split(","))
        assert list(properties) == ["file", "line", "col", "endLine", "endColumn", "title"]
        file = unescape(properties["file"], property_value=True)
        files.add(file)
        message = unescape(command.group(3), property_value=False)
        if file.startswith(".claude/agents/x.md") and properties["title"] != "AL207":
            assert "Re%0A%25d" in message  # the tool name, read back exactly
        messages.append(message)
    assert files == {relative(name).decode("utf-8", "replace") for name in NAMES}
    assert ".claude/agents/" + FORGED + ".md" in files
    assert any(FORGED in m for m in messages)  # AL207 quotes the name, newline and all
