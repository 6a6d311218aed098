"""`agent-ls check` text output, as a person reads it: snapshots with and without colour, the
caret under each range, the per-code `explain` line, control characters in file names, and a
missing path that prints only its error."""

from __future__ import annotations

import io
import os
from pathlib import Path

from test_check import agent_ls, write

from agent_ls.cli import use_color

TYPO = "---\nname: typo\ndescription: Reviews code\ntools: Read,\tReed\n---\n\nBody\n"

PLAIN = (
    ".claude/agents/typo.md:4:14: warning AL401 Claude Code has no tool `Reed` (it drops it): "
    "did you mean `Read`?\n"
    " 4 | tools: Read,\tReed\n"
    "   |             \t^^^^\n"
    "\n"
    "AL401 ×1 Unknown tool: run agent-ls explain AL401\n"
    "1 agent file checked: 1 warning\n"
)

COLOURED = (
    "\x1b[1m.claude/agents/typo.md:4:14:\x1b[0m \x1b[1;33mwarning\x1b[0m \x1b[1mAL401\x1b[0m "
    "Claude Code has no tool `Reed` (it drops it): did you mean `Read`?\n"
    " \x1b[1;34m4\x1b[0m \x1b[1;34m|\x1b[0m tools: Read,\tReed\n"
    "   \x1b[1;34m|\x1b[0m             \t\x1b[1;33m^^^^\x1b[0m\n"
    "\n"
    "\x1b[1mAL401\x1b[0m ×1 Unknown tool: run \x1b[1magent-ls explain AL401\x1b[0m\n"
    "1 agent file checked: \x1b[1;33m1 warning\x1b[0m\n"
)


def test_text_output_without_colour(tmp_path: Path) -> None:
    write(tmp_path, {".claude/agents/typo.md": TYPO})
    for args in (["--color", "never"], []):  # auto: a pipe is not a terminal
        done = agent_ls("check", ".", *args, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (0, PLAIN), done.stderr


def test_text_output_with_colour(tmp_path: Path) -> None:
    write(tmp_path, {".claude/agents/typo.md": TYPO})
    done = agent_ls("check", ".", "--color", "always", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, COLOURED), done.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_colour_follows_the_terminal_and_no_color() -> None:
    assert use_color("auto", _Terminal(), {}) is True
    assert use_color("auto", _Terminal(), {"NO_COLOR": "1"}) is False
    assert use_color("auto", _Terminal(), {"NO_COLOR": ""}) is True  # empty means unset
    assert use_color("auto", io.StringIO(), {}) is False
    assert use_color("always", io.StringIO(), {"NO_COLOR": "1"}) is True  # the flag wins
    assert use_color("never", _Terminal(), {}) is False


def test_a_range_over_several_lines_underlines_to_the_end_of_its_first(tmp_path: Path) -> None:
    text = "---\nname: multi\ndescription: d\ntools:\n  - Reed\n  - Read\n---\n\nBody\n"
    write(tmp_path, {".claude/agents/multi.md": text})
    lines = agent_ls("check", ".", "--color", "never", cwd=tmp_path).stdout.splitlines()
    at = lines.index(" 5 |   - Reed")
    assert lines[at + 1] == "   |     ^^^^"


def test_control_characters_in_a_file_name_stay_on_one_line(tmp_path: Path) -> None:
    name = "evil\nname\x1b[31m.md"
    write(tmp_path, {f".claude/agents/{name}": TYPO})
    done = agent_ls("check", ".", "--color", "never", cwd=tmp_path)
    headers = [line for line in done.stdout.splitlines() if line.startswith(".claude/")]
    assert [h.split(": ")[1].split()[:2] for h in headers] == [
        ["hint", "AL207"],
        ["warning", "AL401"],
    ]
    assert all(h.startswith(".claude/agents/evil\\nname\\x1b[31m.md:") for h in headers)
    assert "\x1b" not in done.stdout and "\nname" not in done.stdout


def test_a_missing_path_prints_only_its_error(tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    for fmt in ("text", "json", "sarif", "github"):
        done = agent_ls("check", missing, "--format", fmt, cwd=tmp_path)
        assert (done.returncode, done.stdout) == (2, ""), fmt
        assert done.stderr == f"agent-ls: {missing}: no such file or folder\n"


def test_nothing_to_check_says_so(tmp_path: Path) -> None:
    os.mkdir(tmp_path / "empty")
    done = agent_ls("check", "empty", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "0 agent files checked: no problems\n")


def test_explain_shows_an_example_and_the_fix(tmp_path: Path) -> None:
    done = agent_ls("explain", "al412", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout == (
        "AL412 (hint): Tool listed twice\n\nClaude Code reads each tool once; the second mention "
        "changes nothing. Remove it.\n\nExample:\n\n```yaml\ntools: Read, Grep, Read\n```\n\n"
        "Fix: Remove the second `Read`.\n"
    )


def test_every_example_produces_its_code() -> None:
    """Each example, put in an otherwise valid agent file, gives the code it illustrates."""
    from agent_ls.dialects.agents import CODES, CheckContext, check
    from agent_ls.dialects.agents.catalogue import load_catalogue

    context = CheckContext(load_catalogue(), True, "reviewer", None)
    with_examples = [c for c in CODES.values() if c.example]
    assert len(with_examples) >= 20
    for code in with_examples:
        if code.code == "AL101" or "---\n" in code.example or code.example.endswith("---"):
            text = code.example + "\n"  # a whole file
        else:
            head = [f"{k}: {v}" for k, v in (("name", "reviewer"), ("description", "Reviews"))]
            head = [line for line in head if line.split(":")[0] + ":" not in code.example]
            text = "---\n" + "".join(f"{h}\n" for h in head) + f"{code.example}\n---\nBody\n"
        found = {f.code for f in check(text, context)}
        assert code.code in found, (code.code, text, found)


def test_a_long_line_shows_a_window_around_the_finding(tmp_path: Path) -> None:
    # A minified settings file of about 1 MB: the line under the finding is cut to a window,
    # marked with `…` at both cut ends, with the caret still under the range.
    env = ",".join(f'"K{i}":"{"v" * 40}"' for i in range(20_000))
    text = '{"env":{' + env + '},"permissions":{"defaultMode":"yolo"},"x":"' + "y" * 500 + '"}\n'
    write(tmp_path, {".claude/settings.json": text})
    done = agent_ls("check", ".", "--color", "never", cwd=tmp_path)
    assert len(done.stdout) < 2_000, done.stdout[:300]
    lines = done.stdout.splitlines()
    header = next(line for line in lines if " ST304 " in line)
    column = int(header.split(":")[2])
    assert column == text.index('"yolo"') + 1
    shown, caret = lines[lines.index(header) + 1], lines[lines.index(header) + 2]
    assert shown.startswith(" 1 | …") and shown.endswith("…")
    assert caret.index("^") == shown.index('"yolo"')
    assert caret.rstrip().endswith("|" + " " * (caret.index("^") - caret.index("|") - 1) + "^" * 6)
    assert len(shown) <= 170


def test_a_long_line_cut_only_where_it_is_long(tmp_path: Path) -> None:
    text = '{"permissions":{"defaultMode":"yolo"},"x":"' + "y" * 500 + '"}\n'
    write(tmp_path, {".claude/settings.json": text})
    lines = agent_ls("check", ".", "--color", "never", cwd=tmp_path).stdout.splitlines()
    header = next(line for line in lines if " ST304 " in line)
    shown, caret = lines[lines.index(header) + 1], lines[lines.index(header) + 2]
    assert shown.startswith(' 1 | {"permissions"') and shown.endswith("…")  # no cut before
    assert caret.index("^") == shown.index('"yolo"')
