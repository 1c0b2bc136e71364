"""Subjects are folded to one line of printable text of a sane length (config/mail.py)."""

from __future__ import annotations

from config.mail import SUBJECT_MAX_LENGTH, header_safe


def test_line_breaks_and_control_characters_become_single_spaces() -> None:
    assert header_safe("  Night\r\n\tRace\x00\x1b[31m\u2028Final\u2029 ") == "Night Race [31m Final"


def test_unicode_text_is_kept() -> None:
    assert header_safe("确认您的副驾驶身份：上海 Club Cup") == "确认您的副驾驶身份：上海 Club Cup"


def test_a_long_subject_is_cut_with_an_ellipsis() -> None:
    subject = header_safe("Lap " * 500)
    assert len(subject) == SUBJECT_MAX_LENGTH
    assert subject.endswith("…")
    assert "\n" not in subject
