"""How a person's name is put together from its parts, in the order its language writes it.

Chinese (and Japanese and Korean) names are written family name first with no space ("张敏");
Western names given name first with a space ("Min Zhang" for an account that typed it so).
"""

from __future__ import annotations

import unicodedata


def is_cjk(text: str) -> bool:
    """True when every letter of `text` is a CJK ideograph, kana or hangul (spaces ignored)."""
    letters = [c for c in text if not c.isspace() and c not in "·・"]
    if not letters:
        return False
    return all(_is_cjk_letter(c) for c in letters)


def _is_cjk_letter(char: str) -> bool:
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")) or (
        name.startswith(("HIRAGANA", "KATAKANA", "HANGUL"))
    )


def full_name(given: str, family: str) -> str:
    """Family then given with no space when both are CJK; given then family otherwise."""
    given, family = given.strip(), family.strip()
    if given and family and is_cjk(given) and is_cjk(family):
        return family + given
    return " ".join(part for part in (given, family) if part)
