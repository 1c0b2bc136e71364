"""Organizations, classes, championships and events number a taken slug the same way, through
one pure helper: the base, else the fallback, then "-2", "-3"... until free."""

from __future__ import annotations

from racing.engine.slugs import unique_slug


def test_a_free_base_is_kept() -> None:
    assert unique_slug("club-cup", lambda slug: False, fallback="event") == "club-cup"


def test_a_taken_base_gets_the_next_free_number() -> None:
    taken = {"club-cup", "club-cup-2", "club-cup-4"}
    assert unique_slug("club-cup", taken.__contains__, fallback="event") == "club-cup-3"


def test_a_name_that_slugifies_to_nothing_is_numbered_from_the_fallback() -> None:
    taken = {"class"}
    assert unique_slug("", taken.__contains__, fallback="class") == "class-2"
    assert unique_slug("", set().__contains__, fallback="class") == "class"
