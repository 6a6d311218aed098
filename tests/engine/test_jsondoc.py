"""core.jsondoc: JSON with positions, proven against json.loads on generated inputs."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_ls.core.jsondoc import (
    JsonArray,
    JsonMember,
    JsonNumber,
    JsonObject,
    JsonString,
    parse_json,
    to_python,
    walk,
)


def _reject_constant(name: str) -> object:
    raise ValueError(name)  # JSON.parse has no NaN / Infinity


def strict_loads(text: str) -> object:
    """json.loads as JSON.parse reads: no NaN/Infinity; a leading BOM stripped first."""
    return json.loads(text.removeprefix("\ufeff"), parse_constant=_reject_constant)


def loads_or_none(text: str) -> tuple[bool, object]:
    try:
        return True, strict_loads(text)
    except (ValueError, RecursionError):
        return False, None


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def written(draw: st.DrawFn) -> str:
    """A JSON text as people write it: varied indentation and separators, maybe ASCII-escaped."""
    value = draw(json_values)
    indent = draw(st.sampled_from([None, 0, 2, "\t"]))
    separators = draw(st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : ")]))
    text = json.dumps(value, indent=indent, separators=separators, ensure_ascii=draw(st.booleans()))
    return (
        draw(st.sampled_from(["", " ", "\n", "\ufeff"])) + text + draw(st.sampled_from(["", "\n"]))
    )


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A written JSON text with a few characters inserted, deleted or replaced."""
    text = draw(written())
    pieces = list(text)
    alphabet = list('{}[]:,"\\ \n\t0123456789-+.eEtrufalsn/*\x01\ud800é')
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        position = draw(st.integers(min_value=0, max_value=len(pieces)))
        operation = draw(st.sampled_from(["insert", "delete", "replace"]))
        char = draw(st.sampled_from(alphabet))
        if operation == "insert":
            pieces.insert(position, char)
        elif pieces and position < len(pieces):
            if operation == "delete":
                del pieces[position]
            else:
                pieces[position] = char
    return "".join(pieces)


def assert_agrees_with_json_loads(text: str) -> None:
    ok, expected = loads_or_none(text)
    document = parse_json(text)
    assert document.valid == ok, (text, document.errors)
    if ok:
        assert to_python(document.root) == expected


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(written())
def test_valid_json_parses_to_the_value_json_loads_gives(text: str) -> None:
    assert_agrees_with_json_loads(text)


@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_text_is_invalid_exactly_when_json_loads_rejects_it(text: str) -> None:
    assert_agrees_with_json_loads(text)


@settings(max_examples=800)
@given(st.text(alphabet='{}[]:,"\\ 01-.etrunlfas\n/*', max_size=30))
def test_short_texts_from_json_characters_agree_with_json_loads(text: str) -> None:
    assert_agrees_with_json_loads(text)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_any_bytes_parse_without_an_exception(data: bytes) -> None:
    document = parse_json(data.decode("utf-8", errors="replace"))
    for error in document.errors:
        assert 0 <= error.start <= error.end <= len(document.text)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(written())
def test_every_node_spans_exactly_its_own_text(text: str) -> None:
    document = parse_json(text)
    for node in walk(document.root):
        assert to_python(parse_json(text[node.start : node.end]).root) == to_python(node)
        if isinstance(node, JsonObject):
            for member in node.members:
                assert json.loads(text[member.key.start : member.key.end]) == member.key.value


@pytest.mark.parametrize(
    ("text", "message", "start", "end"),
    [
        ('{"a": 1,}', "Trailing comma before '}'", 7, 8),
        ("[1, 2,]", "Trailing comma before ']'", 5, 6),
        ('{"a": 1 // note\n}', "Comments are not allowed in JSON", 8, 15),
        ('{"a": /* x */ 1}', "Comments are not allowed in JSON", 6, 13),
        ("{'a': 1}", "JSON strings need double quotes, not single quotes", 1, 2),
        ('{"a" 1}', "Expected ':' after a property name", 5, 5),
        ('{"a": 1 "b": 2}', "Expected ',' or '}' after a property", 8, 8),
        ('{"a": }', "Expected a value", 6, 7),
        ('{"a": tru}', "Unexpected word 'tru': JSON strings need double quotes", 6, 9),
        ('{"a": NaN}', "Unexpected word 'NaN': JSON strings need double quotes", 6, 9),
        ('{"a": "x\ny"}', "This string is never closed (a closing '\"')", 6, 8),
        ('{"a": "\\x"}', "Invalid escape in a JSON string", 7, 9),
        ('{"a": [1}', "Expected ']' before '}'", 8, 9),
        ('{"a": 1', "The JSON ends before this '{' is closed (a '}')", 0, 1),
        ("", "Expected a JSON value", 0, 0),
        ('{"a": 1} x', "Unexpected text after the JSON value", 9, 10),
        ("[01]", "Expected ',' or ']' between items", 2, 2),
    ],
)
def test_the_first_error_is_where_json_parse_stops(
    text: str, message: str, start: int, end: int
) -> None:
    first = parse_json(text).errors[0]
    assert (first.message, first.start, first.end) == (message, start, end)


def test_comments_and_trailing_commas_can_be_accepted_for_jsonc() -> None:
    text = '{\n  // hooks\n  "a": [1, 2,], /* b */ "b": true,\n}'
    assert not parse_json(text).valid
    document = parse_json(text, allow_comments=True, allow_trailing_commas=True)
    assert document.valid and to_python(document.root) == {"a": [1, 2], "b": True}


def test_a_bom_is_accepted_and_offsets_still_count_it() -> None:
    document = parse_json('\ufeff{"a": 1}')
    assert document.valid and document.bom
    assert isinstance(document.root, JsonObject) and document.root.start == 1


def test_ranges_of_keys_and_values() -> None:
    text = '{"hooks": {"PreToolUse": [{"matcher": "Bash"}]}, "n": -1.5e2}'
    root = parse_json(text).root
    assert isinstance(root, JsonObject)
    hooks = root.member("hooks")
    assert hooks is not None and text[hooks.key.start : hooks.key.end] == '"hooks"'
    number = root.get("n")
    assert isinstance(number, JsonNumber) and (number.raw, number.value) == ("-1.5e2", -150.0)
    matcher_offset = text.index('"Bash"') + 2
    chain = parse_json(text).path_at(matcher_offset)
    assert [type(node).__name__ for node in chain] == [
        "JsonObject",
        "JsonMember",
        "JsonObject",
        "JsonMember",
        "JsonArray",
        "JsonObject",
        "JsonMember",
        "JsonString",
    ]
    last = chain[-1]
    assert isinstance(last, JsonString) and last.value == "Bash"


def test_a_half_typed_file_still_gives_a_tree_for_completion() -> None:
    text = '{\n  "hooks": {\n    "PreToolUse": [\n      {"matcher": "Ba'
    document = parse_json(text)
    assert not document.valid
    root = document.root
    assert isinstance(root, JsonObject)
    hooks = root.get("hooks")
    assert isinstance(hooks, JsonObject)
    events = hooks.get("PreToolUse")
    assert isinstance(events, JsonArray) and isinstance(events.items[0], JsonObject)
    matcher = events.items[0].get("matcher")
    assert isinstance(matcher, JsonString) and matcher.value == "Ba"


def test_a_key_without_a_value_is_kept_as_a_member() -> None:
    root = parse_json('{"model": , "env": {}}').root
    assert isinstance(root, JsonObject)
    assert [(m.key.value, m.value is None) for m in root.members] == [
        ("model", True),
        ("env", False),
    ]
    assert isinstance(root.members[0], JsonMember)


def test_duplicate_keys_the_last_value_wins_as_in_javascript() -> None:
    root = parse_json('{"a": 1, "b": 2, "a": 3}').root
    assert isinstance(root, JsonObject) and to_python(root) == {"a": 3, "b": 2}
    assert len(root.members) == 3


def test_deep_nesting_is_a_clear_error_not_a_recursion_crash() -> None:
    document = parse_json("[" * 100_000 + "]" * 100_000)
    assert document.errors[0].message == "Nested deeper than 512 levels"
    assert parse_json("[" * 500 + "]" * 500).valid


def test_a_large_garbage_file_reports_a_bounded_number_of_errors() -> None:
    rng = random.Random(15)
    text = "".join(rng.choice('{}[]:,"x1 ') for _ in range(200_000))
    document = parse_json(text)
    assert 1 <= len(document.errors) <= 100
