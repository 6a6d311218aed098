"""Every answer shape real models produce, as text and as a `replace_selection` tool call carrying
the same content: each gives the right edit of the document, or nothing and a message saying why.
Also placement (indentation unit, repeated headers, imports) and rendered reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from agent_ls.personas.agents import PersonaDirectory
from agent_ls.personas.answer import import_point, indent_unit
from agent_ls.personas.client import Answer
from agent_ls.personas.failures import PersonaError
from agent_ls.personas.prompt import Selection
from agent_ls.personas.session import PreparedAction, prepare, report, rewrite_edits
from agent_ls.settings import PersonaSettings

SAMPLE = '''"""Orders."""

import json


def create_order(db, payload):
    data = json.loads(payload)
    order_id = db.insert("orders", data)
    return {"id": order_id}


class OrderService:
    def cancel(self, order_id):
        order = self.db.get("orders", order_id)
        order["status"] = "cancelled"
        return order
'''
FUNCTION = SAMPLE[SAMPLE.index("def create_order") : SAMPLE.index("\n\n\nclass")] + "\n"
BODY = FUNCTION.split("\n", 1)[1]
METHOD = SAMPLE[SAMPLE.index("    def cancel") :]

HARDENED = """def create_order(db, payload):
    try:
        data = json.loads(payload)
    except ValueError as err:
        raise ValueError("invalid order payload") from err
    order_id = db.insert("orders", data)
    return {"id": order_id}
"""
TWO_SPACE = HARDENED.replace("    ", "  ")
LOGGED = HARDENED.replace("    try:", '    logging.info("creating an order")\n    try:')
DOCSTRING = HARDENED.replace(
    "    try:",
    '    """Creates an order.\n\n    ```\n    create_order(db, "{}")\n    ```\n    """\n    try:',
)
METHOD_NEW = METHOD.replace('        order["status"]', '        if order is None:\n'
                            '            raise KeyError(order_id)\n        order["status"]')  # fmt: skip
TAB_FILE = "def f(x):\n\tif x:\n\t\treturn 1\n\treturn 0\n"
TAB_NEW = "def f(x):\n    if x is None:\n        raise ValueError('x')\n    return 1 if x else 0\n"
CURL = "curl -X POST http://localhost:8000/orders \\\n  -H 'content-type: application/json' \\\n"


def fenced(code: str, info: str = "python", fence: str = "```") -> str:
    return f"{fence}{info}\n{code}{fence}"


@dataclass(frozen=True)
class Shape:
    """One answer shape: the document and selection, the answer as text and as a tool call, and
    what each must give (the new document, or a phrase of the refusal)."""

    name: str
    text: str
    tool: dict[str, Any]
    text_gives: str
    tool_gives: str
    document: str = SAMPLE
    selected: str = FUNCTION
    stop_reason: str = "end_turn"
    language: str = "python"


def done(new: str, old: str = FUNCTION, document: str = SAMPLE) -> str:
    return document.replace(old, new)


IMPORT_FENCE = fenced("import logging\n")
WITH_LOGGING = done(LOGGED).replace("import json\n", "import json\nimport logging\n")

SHAPES = [
    Shape("one fenced block", fenced(HARDENED), {"code": HARDENED}, done(HARDENED), done(HARDENED)),
    Shape(
        "prose around the block",
        f"Here is the hardened code:\n\n{fenced(HARDENED)}\n\nThis handles bad JSON.",
        {"code": HARDENED, "summary": "Handles bad JSON.", "imports": []},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "a longer shell usage example next to it",
        f"{fenced(HARDENED)}\n\nTry it:\n\n{fenced(CURL * 4, 'bash')}",
        {"code": HARDENED, "summary": "Try it with curl."},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "an unlabelled fence",
        fenced(HARDENED, ""),
        {"code": HARDENED},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "a tilde fence",
        fenced(HARDENED, "py", "~~~"),
        {"code": fenced(HARDENED, "py", "~~~")},  # a fenced code field is read as one block
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "a diff fence",
        fenced("-    data = json.loads(payload)\n+    try:\n", "diff"),
        {"code": fenced("-    data = json.loads(payload)\n+    try:\n", "diff")},
        "it is a diff",
        "it is a diff",
    ),
    Shape(
        "code without a fence after an explanation",
        "Wrap the parsing in try/except:\n\n" + HARDENED,
        {"code": HARDENED, "summary": "Wrap the parsing in try/except."},
        'it holds no code block, only text ("Wrap the parsing in try/except:',
        done(HARDENED),
    ),
    Shape(
        "prose only",
        "No change is needed: the function already handles its input.",
        {"code": "", "summary": "No change is needed: the function already handles its input."},
        'only text ("No change is needed',
        'it proposes no code (it says: "No change is needed',
    ),
    Shape(
        "a fence inside a list item",
        "1. Replace the function:\n\n   ```python\n   def create_order(db, payload):\n"
        "       pass\n   ```\n2. Run the tests.",
        {
            "code": "1. Replace the function:\n\n   ```python\n   def create_order(db, payload):\n"
            "       pass\n   ```\n2. Run the tests."
        },  # fmt: skip
        "inside a list item",
        "holds a Markdown fence (line 3 of the code)",
    ),
    Shape(
        "a docstring holding an indented fence",
        fenced(DOCSTRING),
        {"code": DOCSTRING},
        done(DOCSTRING),
        done(DOCSTRING),
    ),
    Shape(
        "echoed selection tags",
        f"<selection>\n{HARDENED}</selection>",
        {"code": f"<selection>\n{HARDENED}</selection>"},
        "it echoes the <selection> delimiters",
        "its code holds the <selection> delimiters",
    ),
    Shape(
        "an import in a separate small fence",
        f"Add the import:\n\n{IMPORT_FENCE}\n\nThen:\n\n{fenced(LOGGED)}",
        {"code": LOGGED, "imports": ["import logging"]},
        WITH_LOGGING,
        WITH_LOGGING,
    ),
    Shape(
        "an import at the top of the code",
        fenced("import logging\n\n" + LOGGED),
        {"code": "import logging\n\n" + LOGGED, "imports": []},
        WITH_LOGGING,
        WITH_LOGGING,
    ),
    Shape(
        "an import the file already has",
        fenced("import json\n\n" + HARDENED),
        {"code": HARDENED, "imports": ["import json"]},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "an import field holding prose",
        f"{fenced(LOGGED)}\n\nRemember to import logging.",
        {"code": LOGGED, "imports": ["Remember to import logging."]},
        done(LOGGED),  # text: the prose is not code; the block is applied as it is
        "its imports hold 'Remember to import logging.', which is not an import",
    ),
    Shape(
        "the enclosing class line repeated",
        fenced("class OrderService:\n" + METHOD_NEW),
        {"code": "class OrderService:\n" + METHOD_NEW},
        done(METHOD_NEW, METHOD),
        done(METHOD_NEW, METHOD),
        selected=METHOD,
    ),
    Shape(
        "the enclosing def line repeated over a selected body",
        fenced(HARDENED),
        {"code": HARDENED},
        done(HARDENED.split("\n", 1)[1], BODY),
        done(HARDENED.split("\n", 1)[1], BODY),
        selected=BODY,
    ),
    Shape(
        "an unclosed fence at end_turn",
        "```python\ndef create_order(db, payload):\n    try:\n",
        {"code": "```python\ndef create_order(db, payload):\n    try:\n"},
        "a code block is not closed",
        "a code block is not closed",
    ),
    Shape(
        "cut off at max_tokens",
        fenced(HARDENED),
        {"code": HARDENED[:40]},
        "cut off at 4,096 tokens",
        "cut off at 4,096 tokens",
        stop_reason="max_tokens",
    ),
    Shape(
        "several blocks of the file's language",
        f"{fenced(HARDENED)}\n\nOr, shorter:\n\n{fenced(FUNCTION)}",
        {"code": f"{fenced(HARDENED)}\n\nOr, shorter:\n\n{fenced(FUNCTION)}"},
        "it holds 2 python code blocks",
        "it holds 2 python code blocks",
    ),
    Shape(
        "a fence left inside the code",
        fenced(HARDENED) + "\n```",
        {"code": HARDENED + "```\n"},
        "a code block is not closed",
        "holds a Markdown fence (line 8 of the code)",
    ),
    Shape(
        "a 2-space answer in a 4-space file",
        fenced(TWO_SPACE),
        {"code": TWO_SPACE},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "a space-indented answer in a tab-indented file",
        fenced(TAB_NEW),
        {"code": TAB_NEW},
        TAB_NEW.replace("    ", "\t"),
        TAB_NEW.replace("    ", "\t"),
        document=TAB_FILE,
        selected=TAB_FILE,
    ),
    Shape(
        "line numbers copied from the request",
        fenced("".join(f"{n} | {line}\n" for n, line in enumerate(HARDENED.splitlines(), 6))),
        {"code": "".join(f"{n:>2} | {line}\n" for n, line in enumerate(HARDENED.splitlines(), 6))},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "a bullet list before the block and notes after it",
        f"Changes:\n- parse inside try\n- raise ValueError\n\n{fenced(HARDENED)}\n\n- note: tested",
        {"code": HARDENED, "summary": "Parse inside try; raise ValueError."},
        done(HARDENED),
        done(HARDENED),
    ),
    Shape(
        "a file of a language without a fence name, answered in another",
        fenced("DEBUG=0\nPORT=8080\n", "bash"),
        {"code": "DEBUG=0\nPORT=8080\n"},
        "DEBUG=0\nPORT=8080\n",
        "DEBUG=0\nPORT=8080\n",
        document="DEBUG=1\nPORT=80\n",
        selected="DEBUG=1\nPORT=80\n",
        language="text",
    ),
    Shape(
        "the selection returned unchanged",
        fenced(FUNCTION),
        {"code": FUNCTION, "summary": "Nothing to change."},
        SAMPLE,
        SAMPLE,
    ),
]


def prepared_on(
    document: str, selected: str, action: str = "harden", language: str = "python"
) -> PreparedAction:
    start = document.index(selected)
    return prepare(
        PersonaDirectory().personas(),
        "backend-engineer",
        action,
        Selection(document, start, start + len(selected)),
        file_name="app/orders.py",
        language=language,
        settings=PersonaSettings(),
    )


def applied(document: str, prepared: PreparedAction, answer: Answer) -> str:
    """Returns the document after the rewrite's changes (applied from the end)."""
    for change in sorted(rewrite_edits(prepared, answer), key=lambda c: c.start, reverse=True):
        document = document[: change.start] + change.text + document[change.end :]
    return document


def outcome(shape: Shape, answer: Answer) -> str:
    prepared = prepared_on(shape.document, shape.selected, language=shape.language)
    try:
        return applied(shape.document, prepared, answer)
    except PersonaError as err:
        assert err.kind == "answer" and "Nothing was applied" in err.message, err.message
        return err.message


def check(got: str, gives: str) -> None:
    """A document (it has lines) must be exact; a refusal must hold the phrase."""
    if "\n" in gives:
        assert got == gives
    else:
        assert gives in got, got


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_text_answers(shape: Shape) -> None:
    check(outcome(shape, Answer(shape.text, shape.stop_reason, "m", {})), shape.text_gives)


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_tool_answers(shape: Shape) -> None:
    stop = "tool_use" if shape.stop_reason == "end_turn" else shape.stop_reason
    check(
        outcome(shape, Answer("", stop, "m", {}, "replace_selection", shape.tool)), shape.tool_gives
    )


def test_the_table_covers_the_shapes_of_the_issue() -> None:
    assert len(SHAPES) >= 18
    refused = [s for s in SHAPES if "\n" not in s.text_gives]
    assert len(refused) >= 7 and len(SHAPES) - len(refused) >= 11


def test_refusals_say_why_and_apply_nothing() -> None:
    prepared = prepared_on(SAMPLE, FUNCTION)
    with pytest.raises(PersonaError) as caught:
        rewrite_edits(prepared, Answer("No change is needed.", "end_turn", "m", {}))
    assert caught.value.message == (
        "The agent's answer cannot be applied: it holds no code block, only text "
        '("No change is needed."). Nothing was applied; run the action again.'
    )
    with pytest.raises(PersonaError, match="it calls the tool 'Read', not replace_selection"):
        rewrite_edits(prepared, Answer("", "tool_use", "m", {}, "Read", {"file_path": "/x"}))
    with pytest.raises(PersonaError, match="has no code"):
        rewrite_edits(prepared, Answer("", "tool_use", "m", {}, "replace_selection", {"code": 3}))


def test_imports_are_a_separate_change_at_the_import_block() -> None:
    prepared = prepared_on(SAMPLE, FUNCTION)
    answer = Answer("", "tool_use", "m", {}, "replace_selection",
                    {"code": LOGGED, "imports": ["import logging", "import json"]})  # fmt: skip
    replace, insert = rewrite_edits(prepared, answer)
    assert (replace.start, replace.end) == (
        SAMPLE.index(FUNCTION),
        SAMPLE.index(FUNCTION) + len(FUNCTION),
    )
    at = SAMPLE.index("import json\n") + len("import json\n")
    assert (insert.start, insert.end, insert.text) == (at, at, "import logging\n")
    several = "from typing import (\n    Any,\n    cast,\n)"
    answer = Answer(
        "", "tool_use", "m", {}, "replace_selection", {"code": LOGGED, "imports": [several]}
    )
    _, insert = rewrite_edits(prepared, answer)
    assert (insert.start, insert.text) == (at, several + "\n")


@pytest.mark.parametrize(
    ("document", "language", "point"),
    [
        ('"""Doc."""\n\nimport a\nfrom b import (\n    c,\n)\n\nx = 1\n', "python", "\nx = 1"),
        ('"""Doc\n\nimport nothing\n"""\nx = 1\n', "python", "x = 1"),  # no imports yet
        ("#!/usr/bin/env python\n# c\nimport os\nimport sys\ndef f(): pass\n", "python", "def f"),
        ('package main\n\nimport (\n\t"fmt"\n)\n\nfunc main() {}\n', "go", "\nfunc main"),
        ("import { a } from 'a';\nimport b from 'b';\nconst x = 1;\n", "typescript", "const x"),
    ],
)
def test_import_point(document: str, language: str, point: str) -> None:
    assert import_point(document, language) == document.index(point)


def test_a_new_import_block_is_set_off_by_a_blank_line() -> None:
    document = '"""Doc."""\n\n\ndef f(x):\n    return x\n'
    selected = "    return x\n"
    prepared = prepared_on(document, selected)
    answer = Answer("", "tool_use", "m", {}, "replace_selection",
                    {"code": "log.info(x)\nreturn x", "imports": ["import logging as log"]})  # fmt: skip
    assert applied(document, prepared, answer) == (
        '"""Doc."""\n\n\nimport logging as log\n\ndef f(x):\n    log.info(x)\n    return x\n'
    )


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("a\n  b\n    c\n", "  "),
        ("a\n    b\n        c\n", "    "),
        ("a\n\tb\n\t\tc\n", "\t"),
        ("call(a,\n         b)\n", None),  # continuation alignment is not a unit
        ("a\nb\n", None),
    ],
)
def test_indent_unit(code: str, unit: str | None) -> None:
    assert indent_unit(code.split("\n")) == unit


def test_crlf_documents_keep_crlf_with_imports() -> None:
    document = SAMPLE.replace("\n", "\r\n")
    prepared = prepared_on(document, FUNCTION.replace("\n", "\r\n"))
    answer = Answer("", "tool_use", "m", {}, "replace_selection",
                    {"code": LOGGED, "imports": ["import logging"]})  # fmt: skip
    assert applied(document, prepared, answer) == WITH_LOGGING.replace("\n", "\r\n")


# -- reports -------------------------------------------------------------------------------------

FINDINGS = {
    "summary": "The handler trusts its input.",
    "findings": [
        {
            "start_line": 7,
            "end_line": 7,
            "severity": "high",
            "title": "json.loads raises on bad input",
            "detail": "A malformed body becomes a 500.",
            "suggestion": "try:\n    data = json.loads(payload)\nexcept ValueError: ...",
        },
        {"start_line": 9, "end_line": 8, "severity": "LOW", "title": "No id check", "detail": "x"},
        {"start_line": 99, "end_line": 120, "severity": "bogus", "title": "Far", "detail": "y"},
    ],
}


def test_a_review_through_the_tool_is_rendered_with_exact_lines() -> None:
    prepared = prepared_on(SAMPLE, FUNCTION, action="review")
    assert prepared.prompt.as_kwargs()["tool_choice"] == {"type": "tool", "name": "report_findings"}
    markdown = report(prepared, Answer("", "tool_use", "claude-x", {}, "report_findings", FINDINGS))
    assert markdown == (
        "# backend-engineer: review\n\n`app/orders.py`, lines 6-9 · claude-x · "
        "0 in, 0 out, 0 cache read, 0 cache write tokens\n\n"
        "The handler trusts its input.\n\n"
        "## 1. json.loads raises on bad input · high · line 7\n\n"
        "A malformed body becomes a 500.\n\n"
        "Suggested change:\n\n```python\ntry:\n    data = json.loads(payload)\nexcept ValueError: ...\n```\n\n"
        "## 2. No id check · low · lines 8-9\n\nx\n\n"
        "## 3. Far · lines 99-120 (not in the file, which has 17 lines)\n\ny\n"
    )


def test_a_text_review_is_shown_as_it_came() -> None:
    prepared = prepared_on(SAMPLE, FUNCTION, action="review")
    markdown = report(prepared, Answer("**L7**: validate.", "end_turn", "m", {}))
    assert markdown.endswith(
        "· m · 0 in, 0 out, 0 cache read, 0 cache write tokens\n\n**L7**: validate.\n"
    )


def test_rewrites_are_asked_for_through_the_tool() -> None:
    kwargs = prepared_on(SAMPLE, FUNCTION).prompt.as_kwargs()
    assert kwargs["tool_choice"] == {"type": "tool", "name": "replace_selection"}
    # both answer tools are offered (the same tools for every action: one cached prefix)
    assert [t["name"] for t in kwargs["tools"]] == ["replace_selection", "report_findings"]
    tool = kwargs["tools"][0]
    assert set(tool["input_schema"]["properties"]) == {"code", "imports", "summary"}
