"""The packages of bot/ import one another in one direction only: no cycle between them
(docs/architecture.md draws the layers)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def package_imports() -> dict[str, set[str]]:
    """{package: the other packages of bot/ its modules import}, for bot/'s subpackages."""
    packages = {p.name for p in BOT.iterdir() if (p / "__init__.py").exists()}
    found: dict[str, set[str]] = defaultdict(set)
    for path in BOT.rglob("*.py"):
        own = path.relative_to(BOT).parts[0]
        if own not in packages:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "bot" and len(parts) > 1 and parts[1] in packages and parts[1] != own:
                    found[own].add(parts[1])
    return found


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in `graph`, if there is one (depth-first search)."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return [*path[path.index(nxt):], nxt] if nxt in path else [node, nxt]
            if nxt not in state and (found := visit(nxt, [*path, nxt])):
                return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_no_cycle_between_packages():
    graph = package_imports()
    assert graph["slack"] and graph["delivery"]  # (the walk found imports at all)
    assert cycle(graph) is None, " → ".join(cycle(graph) or [])


def test_the_cycle_finder_finds_one():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None
