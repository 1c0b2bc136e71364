"""The dependency direction live -> events -> racing is kept by reading the imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"racing": {"events", "live"}, "events": {"live"}}


def imported_top_level_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def violations(app: str) -> list[str]:
    found = []
    for path in sorted((ROOT / app).rglob("*.py")):
        bad = imported_top_level_packages(path) & FORBIDDEN[app]
        if bad:
            found.append(f"{path.relative_to(ROOT)} imports {', '.join(sorted(bad))}")
    return found


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_above_it(app: str) -> None:
    assert violations(app) == []


def test_the_import_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from live.models import LiveSession\nimport events.services\n")
    assert imported_top_level_packages(module) >= {"live", "events"}
