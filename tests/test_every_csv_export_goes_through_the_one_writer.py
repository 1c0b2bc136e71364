"""Formula cells are defused in one place, config/csv_export.py; an export that made its own
``csv.writer`` would skip that, so the project's code is read for any other."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

from config.csv_export import csv_text, neutralise

ROOT = Path(__file__).resolve().parent.parent
THE_WRITER = ROOT / "config" / "csv_export.py"
WRITERS = {"writer", "DictWriter"}


def csv_writers_made_in(path: Path) -> list[int]:
    """Lines that make a CSV writer: ``csv.writer(...)``, ``csv.DictWriter(...)`` or an import."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        makes_one = (
            isinstance(node, ast.Attribute)
            and node.attr in WRITERS
            and isinstance(node.value, ast.Name)
            and node.value.id == "csv"
        )
        imports_one = (
            isinstance(node, ast.ImportFrom)
            and node.module == "csv"
            and any(alias.name in WRITERS for alias in node.names)
        )
        if makes_one or imports_one:
            lines.append(getattr(node, "lineno", 0))
    return lines


def project_modules() -> list[Path]:
    skipped = {".venv", "tests", "node_modules", ".git"}
    return [
        path
        for path in ROOT.rglob("*.py")
        if not skipped & set(path.relative_to(ROOT).parts) and path != THE_WRITER
    ]


def test_no_module_but_the_export_writer_makes_a_csv_writer() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in project_modules()
        for line in csv_writers_made_in(path)
    ]
    assert found == []
    assert csv_writers_made_in(THE_WRITER)


def test_the_walk_catches_each_way_of_making_a_writer(tmp_path: Path) -> None:
    module = tmp_path / "export.py"
    module.write_text(
        "import csv\nfrom csv import DictWriter\nw = csv.writer(out)\nr = csv.reader(lines)\n"
    )
    assert csv_writers_made_in(module) == [2, 3]


def test_text_starting_a_formula_is_quoted_and_numbers_we_compute_stay_numbers() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1", "+1.250"):
        assert neutralise(text) == "'" + text
    for text in ("张敏", "a=1", " =1", "", "1-1"):
        assert neutralise(text) == text
    assert neutralise(-5) == -5
    assert neutralise(Decimal("-12.50")) == Decimal("-12.50")
    assert neutralise(None) == ""
    assert neutralise(True) == "True"


def test_the_text_starts_with_a_bom_for_excel() -> None:
    text = csv_text(["driver", "fee"], [["张敏", Decimal("-1.00")], ["=1", 3]])
    assert text == "\ufeffdriver,fee\r\n张敏,-1.00\r\n'=1,3\r\n"
