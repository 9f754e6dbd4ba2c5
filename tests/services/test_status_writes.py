"""Only the status machines (``services/states``) change a status: no service and no demo
module assigns ``.status`` (alone or in a tuple), sets it with ``setattr``, or writes it
with a bulk ``update(...).values(status=...)``. New rows may be given their first status."""

from __future__ import annotations

import ast
from pathlib import Path

import oms_tui

ROOT = Path(oms_tui.__file__).parent
STATES = ROOT / "services" / "states"


def _targets(node: ast.AST) -> list[ast.expr]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AugAssign | ast.AnnAssign):
        return [node.target]
    return []


def _flat(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [t for e in target.elts for t in _flat(e)]
    return [target]


def status_writes(source: str) -> list[int]:
    """Line numbers where ``source`` changes a status outside a status machine."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in (t for top in _targets(node) for t in _flat(top)):
            if isinstance(target, ast.Attribute) and target.attr == "status":
                found.append(node.lineno)
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            named = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            if name == "setattr" and named == ["status"]:
                found.append(node.lineno)
            if name == "values" and any(k.arg == "status" for k in node.keywords):
                found.append(node.lineno)
    return found


def test_the_check_finds_every_kind_of_status_write():
    source = """
order.status = "x"
sh.status, sh.at = "x", now
self.doc.status: str = "x"
setattr(run, "status", "x")
session.execute(update(Order).where(Order.id == 1).values(status="x"))
row = {"status": "x"}
new = Order(status="draft")
if order.status == "x":
    pass
"""
    assert status_writes(source) == [2, 3, 4, 5, 6]


def test_no_status_is_changed_outside_the_status_machines():
    files = [*(ROOT / "services").rglob("*.py"), *(ROOT / "demo").rglob("*.py")]
    assert len(files) > 40
    found = [f"{p.relative_to(ROOT)}:{line}" for p in sorted(files) if STATES not in p.parents
             for line in status_writes(p.read_text("utf-8"))]  # fmt: skip
    assert found == [], "change a status with the move() of services/states/<document>_states.py"
