"""A process that starts serving live sessions raises the GC thresholds, and never lowers them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from live.fanout.hub import GC_THRESHOLDS, _raise_gc_thresholds


@pytest.fixture
def gc_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def test_the_default_thresholds_are_raised(gc_thresholds) -> None:
    gc.set_threshold(700, 10, 10)
    _raise_gc_thresholds()
    assert gc.get_threshold() == GC_THRESHOLDS


def test_a_threshold_already_set_higher_is_kept(gc_thresholds) -> None:
    gc.set_threshold(200_000, 5, 500)
    _raise_gc_thresholds()
    assert gc.get_threshold() == (200_000, GC_THRESHOLDS[1], 500)
