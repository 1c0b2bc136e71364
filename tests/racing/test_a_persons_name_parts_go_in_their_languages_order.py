"""Name parts are joined in the order their language writes them: family then given with no space
for Chinese, Japanese and Korean; given then family with a space otherwise."""

from __future__ import annotations

import pytest

from racing.engine.names import full_name, is_cjk


@pytest.mark.parametrize(
    ("given", "family", "name"),
    [
        ("敏", "张", "张敏"),
        ("新", "陈", "陈新"),
        (" 敏 ", "张", "张敏"),
        ("Fang", "Wang", "Fang Wang"),
        ("Min", "张", "Min 张"),
        ("敏", "", "敏"),
        ("", "Wang", "Wang"),
        ("", "", ""),
    ],
)
def test_full_name(given: str, family: str, name: str) -> None:
    assert full_name(given, family) == name


def test_latin_letters_digits_and_empty_text_are_not_cjk() -> None:
    assert is_cjk("张") and is_cjk("さくら") and is_cjk("민준")
    assert not is_cjk("") and not is_cjk("Zhang") and not is_cjk("张 Min") and not is_cjk("7")
