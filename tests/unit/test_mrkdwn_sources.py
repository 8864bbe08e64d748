"""Parley's source keeps to the one way of putting people's text into mrkdwn (bot/blocks/mrkdwn.py):
templates are literals, `Mrkdwn` is only made from literals outside that module, and every mrkdwn
text object comes from the builders in bot/blocks/text.py."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "bot").rglob("*.py"))
MAKER = ROOT / "bot" / "blocks" / "mrkdwn.py"
BUILDERS = ROOT / "bot" / "blocks" / "text.py"


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)
            and ((isinstance(node.func, ast.Name) and node.func.id == name)
                 or (isinstance(node.func, ast.Attribute) and node.func.attr == name))]


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{node.lineno}"


def test_the_sources_are_found():
    assert len(SOURCES) > 50 and MAKER in SOURCES


def test_every_md_template_is_a_string_literal():
    found, bad = 0, []
    for path in SOURCES:
        for call in _calls(ast.parse(path.read_text()), "md"):
            found += 1
            if not call.args or not (_literal(call.args[0]) or _translated_literal(call.args[0])):
                bad.append(_where(path, call))
    assert found > 100 and bad == []


def _translated_literal(node: ast.AST) -> bool:
    """`_("…")`, `ngettext("…", "…", n)`, `pgettext("context", "…")`: Parley's own copy, looked up
    in a catalog that is Parley's too (tests/unit/test_catalogs.py checks what translations hold)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    texts = {"_": 1, "ngettext": 2, "pgettext": 2}.get(node.func.id)
    return texts is not None and len(node.args) >= texts and all(_literal(a) for a in node.args[:texts])


def test_mrkdwn_is_only_made_from_literals_outside_its_module():
    bad = []
    for path in SOURCES:
        if path == MAKER:
            continue
        for call in _calls(ast.parse(path.read_text()), "Mrkdwn"):
            if len(call.args) != 1 or call.keywords or not _literal(call.args[0]):
                bad.append(_where(path, call))
    assert bad == []


def test_mrkdwn_text_objects_come_from_the_builders():
    bad = []
    for path in SOURCES:
        if path == BUILDERS:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict) and any(
                    _literal(k) and k.value == "type" and _literal(v) and v.value == "mrkdwn"
                    for k, v in zip(node.keys, node.values, strict=True) if k is not None):
                bad.append(_where(path, node))
    assert bad == []
