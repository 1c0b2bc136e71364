"""Race times are integer milliseconds; people type and read them as clock times."""

from __future__ import annotations

import pytest

from events.engine.racetime import format_gap, format_time, parse_time


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("1:02:03.456", 3_723_456),
        ("62:03.4", 3_723_400),
        ("59.123", 59_123),
        ("5", 5_000),
        (" 1:29,05 ", 89_050),
        ("0:00.001", 1),
    ],
)
def test_clock_times_become_milliseconds(text: str, ms: int) -> None:
    assert parse_time(text) == ms


@pytest.mark.parametrize("text", ["", "1:60.000", "1:60:00", "1.2345", "-3", "abc", "1::2"])
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


@pytest.mark.parametrize(
    ("ms", "text"),
    [(3_723_456, "1:02:03.456"), (89_050, "1:29.050"), (1_250, "1.250"), (None, "")],
)
def test_milliseconds_are_shown_as_clock_times_that_parse_back(ms: int | None, text: str) -> None:
    assert format_time(ms) == text
    if ms is not None:
        assert parse_time(text) == ms


def test_a_gap_carries_a_plus_sign() -> None:
    assert format_gap(2_000) == "+2.000"
    assert format_gap(None) == ""
