"""Layers point down: no module imports a layer above its own (imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tanfeng

PACKAGE = Path(tanfeng.__file__).resolve().parent
# top-level part of tanfeng.* → the parts it must never import
ABOVE_DOMAIN = {"services", "db", "web", "commands", "cli", "reports"}
FORBIDDEN: dict[str, set[str]] = {
    # domain packages and the plain helpers they share (cells: Office-safe text)
    **{domain: ABOVE_DOMAIN for domain in ("plans", "tracking", "accounting", "projection", "text", "regions",
                                          "enterprises",
                                          "units", "cells", "formatting")},
    "db": {"services", "web", "commands", "cli", "reports"},
    "services": {"web", "commands", "cli", "reports"},
    "reports": {"web", "commands", "cli"},
    "web": {"commands", "cli"},
}


def _imported(tree: ast.AST, module: str) -> set[str]:
    """Every ``tanfeng.*`` module named by an import statement anywhere in ``tree``."""
    names: set[str] = set()
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
    return {n for n in names if n.startswith("tanfeng.")}


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        if rel.parts[0] == "data" or "migrations" in rel.parts:
            continue
        out.append((".".join(("tanfeng", *rel.parts)), path))
    return out


def test_every_layer_is_checked() -> None:
    """A new top-level package must be placed in the table (or be a shared module like errors/config)."""
    tops = {m.split(".")[1] for m, _ in _modules() if m.count(".") >= 1}
    shared = {"__init__", "__main__", "errors", "config", "cli", "commands"}
    assert tops - shared - set(FORBIDDEN) == set()


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_import_from_a_layer_above(module: str, path: Path) -> None:
    layer = module.split(".")[1]
    forbidden = FORBIDDEN.get(layer, set())
    wrong = sorted(n for n in _imported(ast.parse(path.read_text(encoding="utf-8")), module)
                   if n.split(".")[1] in forbidden)
    assert wrong == [], f"{module} ({layer}) imports {wrong}"


def test_the_checker_sees_imports_inside_functions() -> None:
    tree = ast.parse("def f():\n    from tanfeng.services.status import compute_status\n")
    assert "tanfeng.services.status" in _imported(tree, "tanfeng.projection.x")
