"""Every translatable string exists in Simplified Chinese (English is the source language)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO_FILES = sorted(ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/*.po"))
PO_FILES = [p for p in PO_FILES if ".venv" not in p.parts]


def test_there_are_chinese_translation_files_for_the_site_and_each_app() -> None:
    owners = {p.relative_to(ROOT).parts[0] for p in PO_FILES}
    assert {"locale", "racing"} <= owners


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_and_none_is_fuzzy(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {po_path}"
    assert fuzzy == [], f"fuzzy in {po_path}"


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_placeholders_survive_translation(po_path: Path) -> None:
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    po = polib.pofile(str(po_path))
    broken = [
        e.msgid
        for e in po.translated_entries()
        if not e.msgid_plural
        and sorted(pattern.findall(e.msgid)) != sorted(pattern.findall(e.msgstr))
    ]
    assert broken == []
