"""`agent-ls check`, `schema`, `explain` and `--version`, run as a real subprocess.

Every output format, the exit codes (0 clean, 1 at or above --fail-on, 2 on usage errors and
unreadable paths, 3 on an internal error),
the folder walk, duplicate names across files, `.mcp.json` and `[tool.agent-ls]` settings, each
in a workspace built under tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent_ls import __version__
from agent_ls.dialects import all_codes
from agent_ls.dialects.agents.catalogue import load_catalogue

CODES = all_codes()

CLEAN = "---\nname: {name}\ndescription: Reviews code\ntools: Read, Grep\n---\n\nYou review code.\n"
WARNING = (
    "---\nname: {name}\ndescription: Reviews code\ntools: Read, Reed\n---\n\nYou review code.\n"
)
ERROR = "---\nname: {name}\ndescription: Reviews code\ntools: Reed\n---\n\nYou review code.\n"
INFORMATION = (
    "---\nname: {name}\ndescription: Reviews code\nmodel: claude-3-opus-20240229\n---\n\nBody\n"
)
HINT = "---\nname: {name}\ndescription: Reviews code\ntools: Task\n---\n\nYou review code.\n"
UNICODE = "---\nname: {name}\ndescription: 😀 中文 review #tag\n---\n\nBody\n"


def agent_ls(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Runs `python -m agent_ls ARGS` in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "agent_ls", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Creates `files` (relative path → content) under `root`, with a `.git` marking the project."""
    (root / ".git").mkdir(exist_ok=True)
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")
    return root


def check_json(
    root: Path, *args: str | Path
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    done = agent_ls("check", *(args or (".",)), "--format", "json", cwd=root)
    return json.loads(done.stdout), done


def by_path(report: dict[str, Any]) -> dict[str, list[str]]:
    """path → the codes of its diagnostics."""
    return {f["path"]: [d["code"] for d in f["diagnostics"]] for f in report["files"]}


# -- formats ------------------------------------------------------------------------------------
@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write(
        tmp_path,
        {
            ".claude/agents/clean.md": CLEAN.format(name="clean"),
            ".claude/agents/typo.md": WARNING.format(name="typo"),
            ".claude/agents/unicode.md": UNICODE.format(name="unicode"),
        },
    )


def test_json_has_exactly_the_documented_shape(project: Path) -> None:
    report, done = check_json(project)
    assert done.returncode == 0, done.stderr
    assert list(report) == ["files"]
    assert sorted(f["path"] for f in report["files"]) == [
        ".claude/agents/clean.md",
        ".claude/agents/typo.md",
        ".claude/agents/unicode.md",
    ]
    for file in report["files"]:
        assert list(file) == ["path", "diagnostics"]
        for d in file["diagnostics"]:
            assert list(d) == ["code", "severity", "message", "range"]
            assert d["code"] in CODES and d["severity"] in (
                "error",
                "warning",
                "information",
                "hint",
            )
            assert list(d["range"]) == ["start", "end"]
            for end in d["range"].values():
                assert list(end) == ["line", "character"]
                assert all(isinstance(v, int) and v >= 0 for v in end.values())
    files = {f["path"]: f["diagnostics"] for f in report["files"]}
    assert files[".claude/agents/clean.md"] == []  # clean files are listed too
    [typo] = files[".claude/agents/typo.md"]
    assert typo["code"] == "AL401" and typo["severity"] == "warning" and "`Read`" in typo["message"]
    assert typo["range"] == {
        "start": {"line": 3, "character": 13},
        "end": {"line": 3, "character": 17},
    }
    [tag] = files[".claude/agents/unicode.md"]  # UTF-16 characters: 😀 counts 2, 中 and 文 1 each
    assert tag["code"] == "AL213"
    assert tag["range"] == {
        "start": {"line": 2, "character": 26},
        "end": {"line": 2, "character": 30},
    }


def test_sarif_is_2_1_0(project: Path) -> None:
    done = agent_ls("check", ".", "--format", "sarif", cwd=project)
    sarif = json.loads(done.stdout)
    assert done.returncode == 0
    assert sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"]
    [run] = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "agent-ls" and driver["version"] == __version__
    assert {r["id"] for r in driver["rules"]} == set(all_codes())
    assert run["columnKind"] == "utf16CodeUnits"
    results = {r["ruleId"]: r for r in run["results"]}
    assert set(results) == {"AL401", "AL213"}
    typo = results["AL401"]
    assert typo["level"] == "warning" and typo["message"]["text"]
    [location] = typo["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == ".claude/agents/typo.md"
    assert location["physicalLocation"]["region"] == {
        "startLine": 4,
        "startColumn": 14,
        "endLine": 4,
        "endColumn": 18,
    }


def test_github_annotations(project: Path) -> None:
    done = agent_ls("check", ".", "--format", "github", cwd=project)
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and len(lines) == 2
    typo = next(line for line in lines if "typo.md" in line)
    assert typo.startswith(
        "::warning file=.claude/agents/typo.md,line=4,col=14,endLine=4,endColumn=18,title=AL401::"
    )
    annotation = re.compile(
        r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
        r"title=AL\d{3}::.+"
    )
    assert all(annotation.fullmatch(line) for line in lines)


@pytest.mark.parametrize("fmt", ["github", "json", "sarif", "text"])
def test_every_format_knows_a_plugin_layout_code(tmp_path: Path, fmt: str) -> None:
    """A refused plugin manifest (PL101, the plugins' layout codes) in every output format: the
    github writer once stopped with `KeyError: 'PL101'` when worker processes had checked the
    files (a folder of `POOL_MIN_FILES` or more)."""
    from agent_ls.workspace import POOL_MIN_FILES

    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    for n in range(POOL_MIN_FILES):
        (agents / f"a{n}.md").write_text(CLEAN.format(name=f"a{n}"))
    plugin = tmp_path / "kit"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "my kit"}\n')
    (plugin / "agents").mkdir()
    (plugin / "agents" / "rev.md").write_text(CLEAN.format(name="rev"))
    done = agent_ls("check", ".", "--format", fmt, cwd=tmp_path)
    assert "internal error" not in done.stderr and done.returncode == 1
    assert "PL101" in done.stdout


def test_text_lists_findings_and_a_summary(project: Path) -> None:
    done = agent_ls("check", ".", cwd=project)
    lines = done.stdout.splitlines()
    assert done.returncode == 0
    assert ".claude/agents/typo.md:4:14: warning AL401 " in done.stdout
    assert lines[-1] == "3 agent files checked: 2 warnings"


def test_a_clean_workspace_says_so(tmp_path: Path) -> None:
    write(tmp_path, {".claude/agents/clean.md": CLEAN.format(name="clean")})
    done = agent_ls("check", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "1 agent file checked: no problems\n")


# -- exit codes ---------------------------------------------------------------------------------
EXITS = [
    ("clean", CLEAN, "error", 0),
    ("warning-below-error", WARNING, "error", 0),
    ("warning-at-warning", WARNING, "warning", 1),
    ("error", ERROR, "error", 1),
    ("information-below-warning", INFORMATION, "warning", 0),
    ("information-at-information", INFORMATION, "information", 1),
    ("hint-never-fails", HINT, "information", 0),
]


@pytest.mark.parametrize(
    "content, fail_on, code", [e[1:] for e in EXITS], ids=[e[0] for e in EXITS]
)
def test_exit_code_follows_fail_on(tmp_path: Path, content: str, fail_on: str, code: int) -> None:
    write(tmp_path, {".claude/agents/a.md": content.format(name="a")})
    done = agent_ls("check", ".claude/agents/a.md", "--fail-on", fail_on, cwd=tmp_path)
    assert done.returncode == code, done.stdout + done.stderr


def test_missing_path_exits_2_and_still_checks_the_rest(tmp_path: Path) -> None:
    write(tmp_path, {".claude/agents/a.md": CLEAN.format(name="a")})
    report, done = check_json(tmp_path, ".", "nowhere.md")
    assert done.returncode == 2
    assert "nowhere.md: no such file or folder" in done.stderr
    assert by_path(report) == {".claude/agents/a.md": []}


def test_bytes_are_read_as_claude_code_reads_them(tmp_path: Path) -> None:
    """A NUL in the body loads; in the frontmatter it is a YAML error that drops the agent; a
    binary file has no frontmatter: each a diagnostic, none an I/O error (exit 1, not 2)."""
    write(
        tmp_path,
        {
            ".claude/agents/nul-body.md": b"---\nname: nul-body\ndescription: d\n---\nBody \x00\n",
            ".claude/agents/nul-yaml.md": b"---\nname: nul-yaml\ndescription: d \x00\n---\nBody\n",
            ".claude/agents/binary.md": bytes(range(256)) * 4,
            ".claude/agents/fffd.md": "---\nname: fffd\ndescription: a \ufffd\n---\nBody\n",
        },
    )
    report, done = check_json(tmp_path)
    assert (done.returncode, done.stderr) == (1, "")
    assert by_path(report) == {
        ".claude/agents/binary.md": ["AL101"],
        ".claude/agents/fffd.md": [],  # a literal U+FFFD in valid UTF-8 is just a character
        ".claude/agents/nul-body.md": [],
        ".claude/agents/nul-yaml.md": ["AL110"],
    }


def test_an_agent_file_over_one_mebibyte_is_not_loaded(tmp_path: Path) -> None:
    big = CLEAN.format(name="a") + "x" * (1024 * 1024)
    write(tmp_path, {".claude/agents/a.md": big, "notes/big.md": big})
    report, done = check_json(tmp_path)
    assert done.returncode == 1
    assert by_path(report) == {".claude/agents/a.md": ["AL901"]}  # the other is not an agent's
    assert (
        "skips agent files over 1,048,576 bytes" in report["files"][0]["diagnostics"][0]["message"]
    )


@pytest.mark.parametrize(
    "mcp",
    ["[" * 100_000 + "]" * 100_000, '{"mcpServers": {"a": ', b'{"mcpServers": \xff}'],
    ids=["nested-100000-deep", "invalid-json", "invalid-utf8"],
)
def test_a_broken_mcp_json_is_a_message_not_a_crash(tmp_path: Path, mcp: str | bytes) -> None:
    write(tmp_path, {".mcp.json": mcp, ".claude/agents/a.md": ERROR.format(name="a")})
    report, done = check_json(tmp_path)
    assert done.returncode == 1  # the agent's own error, not a traceback
    assert by_path(report) == {".claude/agents/a.md": ["AL401", "AL406"], ".mcp.json": ["MC001"]}
    assert ".mcp.json: " in done.stderr
    # Claude Code ignores a .mcp.json that is not JSON (so no server of it exists); one agent-ls
    # cannot read (nested past its parser's limit) leaves MCP tool names unjudged.
    unjudged = "MCP tool names are not checked" in done.stderr
    assert unjudged == (mcp.startswith("[")) if isinstance(mcp, str) else not unjudged
    assert "Traceback" not in done.stderr


def test_deeply_nested_settings_are_a_message_not_a_crash(tmp_path: Path) -> None:
    write(
        tmp_path,
        {".agent-ls.toml": "x = " + "[" * 100_000, ".claude/agents/a.md": CLEAN.format(name="a")},
    )
    report, done = check_json(tmp_path)
    assert done.returncode == 0
    assert "cannot read settings" in done.stderr and "Traceback" not in done.stderr


BROKEN_CHECK = (
    "import sys, agent_ls.workspace as w\n"
    "def broken(*args, **kwargs):\n"
    "    raise KeyError('a bug in agent-ls')\n"
    "w.check_paths = broken\n"
    "from agent_ls.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_an_internal_error_exits_3_with_one_line(tmp_path: Path) -> None:
    """A bug inside `check` (injected: check_paths raises) is exit 3, distinct from findings."""
    write(tmp_path, {".claude/agents/a.md": CLEAN.format(name="a")})
    run = [sys.executable, "-c", BROKEN_CHECK, "check", "."]
    done = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr == (
        "agent-ls: internal error: KeyError: 'a bug in agent-ls' "
        "(run with --debug for the traceback)\n"
    )
    debug = subprocess.run([*run, "--debug"], cwd=tmp_path, capture_output=True, text=True)
    assert debug.returncode == 3
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert debug.stderr.endswith("agent-ls: internal error: KeyError: 'a bug in agent-ls'\n")


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        path = write(tmp_path, {"a.md": CLEAN.format(name="a")}) / "a.md"
        path.chmod(0)
    elif Path("/proc/self/mem").exists():
        path = Path("/proc/self/mem")  # root reads any file; reading this one fails with EIO
    else:  # pragma: no cover
        pytest.skip("no unreadable file for root here")
    done = agent_ls("check", path, cwd=tmp_path)
    assert done.returncode == 2
    assert f"{path}: cannot read" in done.stderr


def test_invalid_utf8_is_read_with_replacement_characters(tmp_path: Path) -> None:
    write(tmp_path, {".claude/agents/a.md": b"---\nname: a\ndescription: caf\xe9\n---\n\nBody\n"})
    report, done = check_json(tmp_path)
    assert done.returncode == 0  # AL902 is a warning: the value changed
    assert by_path(report) == {".claude/agents/a.md": ["AL902"]}
    assert (
        (tmp_path / ".claude/agents/a.md").read_bytes().endswith(b"caf\xe9\n---\n\nBody\n")
    )  # untouched


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert agent_ls("check", cwd=tmp_path).returncode == 2
    assert agent_ls("check", ".", "--format", "xml", cwd=tmp_path).returncode == 2
    assert agent_ls("check", ".", "--fail-on", "hint", cwd=tmp_path).returncode == 2
    assert agent_ls(cwd=tmp_path).returncode == 2


# -- the folder walk ----------------------------------------------------------------------------
def test_folder_walk(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".claude/agents/top.md": CLEAN.format(name="top"),
            ".claude/agents/team/deep/nested.md": WARNING.format(name="nested"),
            ".claude/agents/no-frontmatter.md": "Just notes.\n",
            ".claude/agents/.hidden.md": CLEAN.format(name="hidden"),
            ".claude/agents/readme.txt": "not markdown",
            "packages/api/.claude/agents/sub.md": CLEAN.format(name="sub"),
            "docs/guide.md": "# Guide\n\nOrdinary Markdown.\n",
            "docs/blog.md": "---\ntitle: Hello\ndate: 2024-01-01\n---\n\nA post.\n",
            "docs/stray-agent.md": ERROR.format(name="stray-agent"),
            "node_modules/pkg/.claude/agents/vendored.md": ERROR.format(name="vendored"),
            ".git/hooks/agent.md": ERROR.format(name="git"),
            ".venv/lib/.claude/agents/venv.md": ERROR.format(name="venv"),
        },
    )
    (tmp_path / ".claude/agents/team/loop").symlink_to(
        tmp_path / ".claude", target_is_directory=True
    )
    report, done = check_json(tmp_path)
    assert done.returncode == 1
    assert by_path(report) == {
        ".claude/agents/.hidden.md": ["AL207"],  # `hidden` is not `.hidden`: a hint
        ".claude/agents/no-frontmatter.md": ["AL101"],
        ".claude/agents/readme.txt": ["AL106"],  # Claude Code reads only `.md` here
        ".claude/agents/team/deep/nested.md": ["AL401"],
        ".claude/agents/top.md": [],
        "docs/stray-agent.md": ["AL401", "AL406"],
        "packages/api/.claude/agents/sub.md": [],
    }


def test_checking_the_agent_folder_itself(tmp_path: Path) -> None:
    """Without a project marker the agent folder is the root: its files are still agents."""
    folder = tmp_path / "p/.claude/agents"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text("Just notes.\n")
    report, done = check_json(tmp_path / "p", ".claude/agents")
    assert (done.returncode, by_path(report)) == (1, {".claude/agents/a.md": ["AL101"]})
    report, done = check_json(folder, ".")
    assert (done.returncode, by_path(report)) == (1, {"a.md": ["AL101"]})


def test_paths_given_more_than_once_are_checked_once(tmp_path: Path) -> None:
    """A file reached from several arguments (a folder, a folder inside it, the file itself) is
    reported once, in the order first found, and is not taken for a second file of its name."""
    write(
        tmp_path,
        {
            ".claude/agents/a.md": CLEAN.format(name="a"),
            ".claude/agents/team/b.md": WARNING.format(name="b"),
        },
    )
    args = (".claude/agents/team", ".", ".claude/agents/a.md", ".claude/agents")
    report, done = check_json(tmp_path, *args)
    assert done.returncode == 0  # a warning: below the default `--fail-on error`
    assert [(f["path"], [d["code"] for d in f["diagnostics"]]) for f in report["files"]] == [
        (".claude/agents/team/b.md", ["AL401"]),
        (".claude/agents/a.md", []),
    ]


def test_an_explicit_file_is_always_checked(tmp_path: Path) -> None:
    write(tmp_path, {"notes/readme.md": "# Readme\n"})
    report, done = check_json(tmp_path, "notes/readme.md")
    assert (done.returncode, by_path(report)) == (1, {"notes/readme.md": ["AL101"]})


def test_duplicate_names_across_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".claude/agents/reviewer.md": CLEAN.format(name="reviewer"),
            ".claude/agents/team/reviewer-copy.md": CLEAN.format(name="reviewer"),
            ".claude/agents/other.md": CLEAN.format(name="other"),
            ".claude/agents/Other_Case.md": CLEAN.format(name="Other_Case"),  # names are exact
        },
    )
    report, done = check_json(tmp_path)
    assert done.returncode == 0  # a warning
    assert by_path(report) == {
        ".claude/agents/Other_Case.md": ["AL206"],
        ".claude/agents/other.md": [],
        ".claude/agents/reviewer.md": ["AL208"],
        ".claude/agents/team/reviewer-copy.md": ["AL207", "AL208"],
    }
    last = {f["path"]: f["diagnostics"][-1] for f in report["files"] if f["diagnostics"]}
    first, copy = last[".claude/agents/reviewer.md"], last[".claude/agents/team/reviewer-copy.md"]
    assert copy["range"] == {
        "start": {"line": 1, "character": 6},
        "end": {"line": 1, "character": 14},
    }
    # One agent folder (subfolders included): Claude Code's scan order decides.
    assert (
        "`.claude/agents/team/reviewer-copy.md`" in first["message"]
        and "scan order" in first["message"]
    )
    assert "`.claude/agents/reviewer.md`" in copy["message"] and "scan order" in copy["message"]


def test_duplicate_name_in_a_deeper_project_wins(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".claude/agents/reviewer.md": CLEAN.format(name="reviewer"),
            "api/.claude/agents/reviewer.md": CLEAN.format(name="reviewer"),
        },
    )
    report, _ = check_json(tmp_path)
    messages = {f["path"]: f["diagnostics"][0]["message"] for f in report["files"]}
    assert "loads this one" in messages["api/.claude/agents/reviewer.md"]
    assert "loads `api/.claude/agents/reviewer.md`" in messages[".claude/agents/reviewer.md"]
    assert "ignores this one" in messages[".claude/agents/reviewer.md"]


def test_mcp_json_in_the_project_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.claude.json servers
    tools = "tools: Read, mcp__github__create_issue, mcp__slack__post"
    agent = f"---\nname: a\ndescription: d\n{tools}\n---\n\nBody\n"
    write(tmp_path, {".claude/agents/a.md": agent})
    report, _ = check_json(tmp_path)
    # No .mcp.json (and no ~/.claude.json in this HOME): neither server is configured.
    assert by_path(report) == {".claude/agents/a.md": ["AL407", "AL407"]}
    write(tmp_path, {".mcp.json": json.dumps({"mcpServers": {"github": {"command": "gh-mcp"}}})})
    report, _ = check_json(tmp_path)
    [agent] = [f for f in report["files"] if f["path"] == ".claude/agents/a.md"]
    [finding] = agent["diagnostics"]
    assert finding["code"] == "AL407" and "`slack`" in finding["message"]
    assert finding["range"]["start"] == {"line": 3, "character": 40}


def test_pyproject_extra_keys(tmp_path: Path) -> None:
    agent = "---\nname: a\ndescription: d\nrole: Reviewer\nteam: core\n---\n\nBody\n"
    write(tmp_path, {".claude/agents/a.md": agent})
    report, _ = check_json(tmp_path)
    assert by_path(report) == {".claude/agents/a.md": ["AL301", "AL301"]}
    write(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "x"\n\n[tool.agent-ls]\nextra-keys = ["role"]\n'},
    )
    report, done = check_json(tmp_path)
    assert by_path(report) == {".claude/agents/a.md": ["AL301"]}
    assert "`team`" in report["files"][0]["diagnostics"][0]["message"]
    assert done.stderr == ""


def test_bad_settings_are_reported_and_defaults_used(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            ".claude/agents/a.md": CLEAN.format(name="a"),
            ".agent-ls.toml": "extra-keys = 5\n",
        },
    )
    report, done = check_json(tmp_path)
    assert done.returncode == 0 and by_path(report) == {".claude/agents/a.md": []}
    assert "extra-keys = 5 is not valid" in done.stderr


def test_check_never_modifies_files(tmp_path: Path) -> None:
    files = {
        ".claude/agents/a.md": ERROR.format(name="a"),
        ".claude/agents/b.md": "\n---\nname: b\n---\n",
    }
    write(tmp_path, files)
    agent_ls("check", ".", cwd=tmp_path)
    assert {k: (tmp_path / k).read_text() for k in files} == files


# -- schema, explain, version -------------------------------------------------------------------
def test_schema_is_json_with_the_catalogues_keys(tmp_path: Path) -> None:
    done = agent_ls("schema", cwd=tmp_path)
    schema = json.loads(done.stdout)
    assert done.returncode == 0
    assert schema["type"] == "object" and schema["required"] == ["name", "description"]
    assert set(schema["properties"]) == set(load_catalogue().keys)
    assert schema["properties"]["color"]["enum"] == list(load_catalogue().colors)


def test_explain_a_code(tmp_path: Path) -> None:
    done = agent_ls("explain", "AL401", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("AL401 (warning): Unknown tool\n")
    assert "case-sensitive" in done.stdout


def test_explain_states_the_severity_rule_then_lists_every_code(tmp_path: Path) -> None:
    done = agent_ls("explain", cwd=tmp_path)
    assert done.returncode == 0
    rule, _, listing = done.stdout.partition("\n\n")
    assert rule.startswith("Severity follows the consequence in Claude Code: error — it does not")
    assert "information — what Claude Code does on its own" in rule
    assert [line.split()[0] for line in listing.splitlines()] == list(all_codes())


def test_explain_an_unknown_code_exits_2(tmp_path: Path) -> None:
    done = agent_ls("explain", "AL999", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "no such code: AL999" in done.stderr


def test_version(tmp_path: Path) -> None:
    done = agent_ls("--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"agent-ls {__version__}\n")
