"""Bad input never crashes the engine: every finding's range lies inside the text.

Garbage bytes, invalid UTF-8, lone surrogates, NUL, CR-only line ends, a 1 MB body, YAML alias
bombs, 10,000-deep nesting, Python tags and huge scalars each give findings (or none), never an
exception or a hang; a property test feeds arbitrary text.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_ls.core.findings import Finding
from agent_ls.core.textindex import LineIndex
from agent_ls.dialects.agents import CheckContext, check, read_agent
from agent_ls.dialects.agents.catalogue import load_catalogue

CTX = CheckContext(load_catalogue(), mcp_servers=frozenset({"github"}))
HEAD = "---\nname: reviewer\ndescription: Reviews code\n"


def checked(text: str) -> list[Finding]:
    """Checks `text` and asserts what must hold for any input: ranges inside, positions valid."""
    findings = check(text, CTX)
    index = LineIndex(text)
    for f in findings:
        assert 0 <= f.start <= f.end <= len(text), f
        for edit in (e for fix in f.fixes for e in fix.edits):
            assert 0 <= edit.start <= edit.end <= len(text), (f, edit)
        line, character = index.position(f.end)
        assert line >= 0 and character >= 0
    read_agent(text)  # must not raise either
    return findings


def codes(text: str) -> list[str]:
    return [f.code for f in checked(text)]


def bomb(levels: int) -> str:
    """Billion laughs: level i lists level i-1 nine times (9**levels strings when expanded)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def garbage(seed: int, size: int) -> str:
    return random.Random(seed).randbytes(size).decode("utf-8", errors="replace")


CASES = [
    ("garbage-bytes", garbage(1, 4096), None),
    ("garbage-after-a-fence", "---\n" + garbage(2, 4096), None),
    ("garbage-in-the-frontmatter", "---\n" + garbage(3, 2048) + "\n---\nBody\n", None),
    (
        "invalid-utf8-in-values",
        b"---\nname: reviewer\ndescription: caf\xe9 \xff\xfe\n---\nBody \x80\n".decode(
            "utf-8", errors="replace"
        ),
        None,  # AL902 comes from the bytes (tests/cli/test_check.py)
    ),
    ("lone-surrogate-in-the-frontmatter", HEAD + "model: \ud800\n---\nBody\n", None),
    ("lone-surrogate-in-the-body", HEAD + "---\nBody \udfff\n", None),
    ("nul-in-the-frontmatter", HEAD + "model: so\x00nnet\n---\nBody\n", None),
    ("nul-in-the-body", HEAD + "---\nBody\x00\x00\n", None),
    ("cr-only-line-ends", "---\rname: reviewer\rdescription: Reviews code\r---\rBody\r", "AL101"),
    ("alias-bomb-in-an-unknown-key", HEAD + bomb(10) + "---\nBody\n", "AL301"),
    ("alias-bomb-as-tools", HEAD + bomb(10) + "tools: *a9\n---\nBody\n", "AL406"),
    (
        "alias-bomb-as-the-name",
        "---\n" + bomb(10) + "name: *a9\ndescription: d\n---\nBody\n",
        "AL202",
    ),
    ("alias-bomb-as-hooks", HEAD + bomb(10) + "hooks: {Stop: *a9}\n---\nBody\n", "AL710"),
    ("alias-bomb-as-a-color", HEAD + bomb(10) + "color: *a9\n---\nBody\n", "AL601"),
    ("flow-nesting-10000", HEAD + "x: " + "[" * 10_000 + "]" * 10_000 + "\n---\nBody\n", "AL111"),
    ("flow-nesting-10000-unclosed", HEAD + "tools: " + "[" * 10_000 + "\n---\nBody\n", "AL111"),
    (
        "flow-mapping-nesting-10000",
        HEAD + "hooks: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n---\nBody\n",
        "AL111",
    ),
    ("block-nesting-10000", HEAD + "x:\n  " + "- " * 10_000 + "deep\n---\nBody\n", "AL110"),
    (
        "nesting-just-below-libyaml-limit",
        HEAD + "tools: " + "[" * 990 + "]" * 990 + "\n---\nBody\n",
        "AL406",
    ),
    (
        "block-nesting-just-below-the-limit",
        HEAD + "x:\n  " + "- " * 990 + "deep\n---\nBody\n",
        "AL301",
    ),
    ("complex-keys", HEAD + "? [a, b]\n: c\nhooks:\n  ? {x: 1}\n  : []\n---\nBody\n", "AL708"),
    (
        "lists-where-text-belongs",
        HEAD
        + "memory: [user]\ntools: Read\nhooks: {Stop: [{hooks: [{type: [command]}]}]}\n---\nBody\n",
        "AL710",
    ),
    (
        "python-object-tags",
        HEAD + "model: !!python/object/apply:os.system [touch /tmp/agent-ls-pwned]\n"
        "tools: !!python/object/new:subprocess.Popen [[ls]]\n---\nBody\n",
        "AL114",
    ),
    ("huge-scalar", HEAD + "initialPrompt: " + "x" * 200_000 + "\n---\nBody\n", None),
    ("huge-frontmatter", HEAD + "initialPrompt: " + "x" * 300_000 + "\n---\nBody\n", "AL110"),
    (
        "huge-key",
        HEAD + "k" * 100_000 + ": v\n---\nBody\n",
        "AL110",
    ),  # YAML keys: at most 1024 chars
    ("many-keys", HEAD + "".join(f"key{i}: {i}\n" for i in range(1000)) + "---\nBody\n", "AL301"),
    (
        "many-tools",
        HEAD + "tools:\n" + "".join(f"  - Tool{i}\n" for i in range(1000)) + "---\nBody\n",
        "AL406",
    ),
    ("many-fences", "---\n" * 10_000, "AL113"),
    ("only-a-bom", "\ufeff", "AL101"),
    ("empty", "", "AL101"),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_findings_not_exceptions(text: str, expected: str | None) -> None:
    found = codes(text)
    if expected is not None:
        assert expected in found


def test_python_tags_construct_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = HEAD + "model: !!python/object/apply:os.system [touch pwned]\n---\nBody\n"
    checked(text)
    assert not (tmp_path / "pwned").exists()


def test_a_huge_frontmatter_is_not_called_a_yaml_error() -> None:
    [finding] = checked(HEAD + "initialPrompt: " + "x" * 300_000 + "\n---\nBody\n")
    assert finding.severity.label == "information"
    assert "cannot tell" in finding.message and "drops" not in finding.message


def test_a_1_mb_body_changes_no_finding() -> None:
    frontmatter = HEAD + "tools: Read, Reed\ncolor: Blue\n---\n"
    short, long = (
        frontmatter + "You review code.\n",
        frontmatter + ("You review code. " * 60_000 + "\n") * 1,
    )
    assert len(long) > 1_000_000
    assert [(f.code, f.start, f.end) for f in checked(long)] == [
        (f.code, f.start, f.end) for f in checked(short)
    ]
    assert codes(long) == ["AL401", "AL601"]


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.text(max_size=300))
def test_any_text_never_crashes(text: str) -> None:
    checked(text)


FRONTMATTER_LINES = st.sampled_from(
    [
        "name: reviewer",
        "name:",
        "name: -x",
        "name: a:b",
        "Name: x",
        "description: d",
        "description: a: b",
        "description: C# #x",
        "tools: Read, Grep",
        "tools: [Read, Grep",
        "tools:",
        "tools: *",
        "tools: read LS",
        "  - Read",
        "\t- Bash(git diff:*)",
        "model: gpt-4",
        "color: #60a5fa",
        "color: Blue",
        "hooks: []",
        "hooks:",
        "  Stop:",
        "    - hooks: [{type: command, command: x}]",
        "PreToolUse: x",
        "maxTurns: 0",
        "background: yes",
        "---",
        "  ---",
        "a---b",
        "&a [x, *a]",
        "? [a]",
        ": b",
        "x: !!python/name:os.system",
        "'unclosed",
        '"unclosed',
        "{",
        "]",
        "😀: 中文",
        "\ufffd",
        "\r",
        "",
    ]
)


@settings(
    max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    st.lists(FRONTMATTER_LINES, max_size=12),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.text(max_size=20),
)
def test_any_frontmatter_never_crashes(
    lines: list[str], newline: str, bom: bool, body: str
) -> None:
    text = ("\ufeff" if bom else "") + newline.join(["---", *lines, "---", body])
    checked(text)
