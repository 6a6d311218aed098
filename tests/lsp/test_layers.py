"""The package's layers, read from its source: only `agent_ls.lsp` imports pygls and lsprotocol,
and no module takes part in an import cycle (every import counts: at the top, inside a function,
under TYPE_CHECKING, or named to `importlib.import_module`)."""

from __future__ import annotations

import ast
from pathlib import Path

import agent_ls

PACKAGE = Path(agent_ls.__file__).parent
PROTOCOL_LIBRARIES = ("pygls", "lsprotocol")


def modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def imported(tree: ast.Module) -> set[str]:
    """Every module name `tree` imports, or names as a string (`importlib.import_module`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.add(node.value)
    return names


def test_only_the_protocol_layer_imports_pygls_and_lsprotocol() -> None:
    found = modules()
    assert "agent_ls.lsp.server" in found and "agent_ls.personas.session" in found
    outside = {
        name: sorted(n for n in imported(tree) if n.split(".")[0] in PROTOCOL_LIBRARIES)
        for name, tree in found.items()
        if not (name == "agent_ls.lsp" or name.startswith("agent_ls.lsp."))
    }
    assert {name: libs for name, libs in outside.items() if libs} == {}


def import_graph() -> dict[str, set[str]]:
    """Each module of the package, with the modules of the package it imports."""
    found = modules()
    return {
        name: {n for n in imported(tree) if n in found and n != name}
        for name, tree in found.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of `graph`: each set of modules that import each other (a strongly
    connected component of more than one module), sorted."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in order:
            continue
        work = [(root, iter(sorted(graph[root])))]
        order[root] = low[root] = len(order)
        stack.append(root)
        while work:
            name, edges = work[-1]
            nxt = next((n for n in edges if n not in order or n in stack), None)
            if nxt is not None:
                if nxt in order:
                    low[name] = min(low[name], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    stack.append(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[name])
            if low[name] == order[name]:
                component = stack[stack.index(name) :]
                del stack[stack.index(name) :]
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)


def test_cycles_finds_each_set_of_modules_that_import_each_other() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": {"e"}, "e": {"d"}, "f": {"a"}}
    assert cycles(graph) == [["a", "b", "c"], ["d", "e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_the_package_is_in_an_import_cycle() -> None:
    graph = import_graph()
    assert "agent_ls.dialects.base" in graph["agent_ls.features.completion"]  # it reads
    assert cycles(graph) == []


def test_no_module_of_the_protocol_layer_is_in_an_import_cycle() -> None:
    graph = import_graph()
    assert "agent_ls.lsp.personas.state" in graph["agent_ls.lsp.personas.editor"]  # it reads
    for start in (name for name in graph if name.startswith("agent_ls.lsp.")):
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
        assert start not in seen, f"{start} imports itself through {sorted(seen)}"
