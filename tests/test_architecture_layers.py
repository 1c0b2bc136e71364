"""Inside an app there is no import cycle, and the pure layers import no framework.

Reads the imports with `ast`, like the direction test in test_architecture.py: nothing is
imported, so a broken module cannot hide a violation. Every import counts, also one inside a
function (a lazy import is still a cycle a reader has to untangle); only `if TYPE_CHECKING:`
blocks are left out, since they exist to name a type without depending on its module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("racing", "events", "live")
# Pure code: computations over dataclasses, and the timing-feed parsers. Nothing there may import
# a framework, nor any project module outside these places.
PURE_DIRS = ("racing/engine", "events/engine", "live/engine", "live/feeds/adapters")
FRAMEWORKS = {"django", "channels", "asgiref", "ninja", "allauth", "stripe", "redis", "psycopg"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path, root: Path) -> set[tuple[str, str | None]]:
    """(module, name) for `from module import name`, (module, None) for `import module`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    me = module_name(path, root)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[tuple[str, str | None]] = set()

    def visit(node: ast.AST) -> None:
        if is_type_checking_block(node):
            return
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.update((module, alias.name) for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def target(module: str, name: str | None, modules: set[str]) -> str | None:
    """The project module an import loads: `from a import b` is a.b when that is a module, else
    a; `import a.b.c` is the longest prefix that is a module."""
    if name and f"{module}.{name}" in modules:
        return f"{module}.{name}"
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return None


def import_graph(root: Path, apps: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> project modules it imports. Importing a.b.c is not counted as importing the
    package a.b (its __init__ may re-export a.b.c; that is not a cycle a reader follows)."""
    files = {
        module_name(p, root): p
        for app in apps
        for p in sorted((root / app).rglob("*.py"))
        if "migrations" not in p.parts
    }
    modules = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        edges = {target(m, n, modules) for m, n in imports_of(path, root)}
        graph[module] = {e for e in edges if e and e != module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def impure_imports(root: Path, pure_dirs: tuple[str, ...]) -> list[str]:
    files = [p for d in pure_dirs if (root / d).is_dir() for p in sorted((root / d).rglob("*.py"))]
    pure = {module_name(p, root) for p in files}
    project = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    found = []
    for path in files:
        for module, name in sorted(imports_of(path, root), key=str):
            top = module.split(".")[0]
            shown = f"{module}.{name}" if name else module
            if top in FRAMEWORKS:
                found.append(f"{path.relative_to(root)} imports {shown}")
            elif top in project and target(module, name, pure) is None:
                found.append(f"{path.relative_to(root)} imports {shown}, which is not pure")
    return sorted(set(found))


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycle_inside_an_app(app: str) -> None:
    assert cycles(import_graph(ROOT, (app,))) == []


def test_the_engines_and_the_timing_adapters_import_no_framework() -> None:
    for directory in PURE_DIRS:
        assert (ROOT / directory).is_dir(), f"{directory} moved: update PURE_DIRS"
    assert impure_imports(ROOT, PURE_DIRS) == []


def test_the_cycle_check_catches_a_lazy_cycle(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("")
    (app / "models.py").write_text("def f():\n    from app.capacity import g\n")
    (app / "capacity.py").write_text("from app import models\n")
    (app / "alone.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                  "    from app.models import f\n")  # fmt: skip
    assert cycles(import_graph(tmp_path, ("app",))) == [["app.capacity", "app.models"]]


def test_the_purity_check_catches_django_and_an_impure_project_import(tmp_path: Path) -> None:
    engine = tmp_path / "app" / "engine"
    engine.mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "models.py").write_text("")
    (engine / "__init__.py").write_text("")
    (engine / "points.py").write_text("from django.db import models\n")
    (engine / "charts.py").write_text("from app.models import Row\nfrom app.engine import points\n")
    assert impure_imports(tmp_path, ("app/engine",)) == [
        "app/engine/charts.py imports app.models.Row, which is not pure",
        "app/engine/points.py imports django.db.models",
    ]
