"""The one rule for a new slug: the base, else the fallback, then "-2", "-3"... until free.

Pure: the caller slugifies and says which slugs are taken, so one loop serves organizations,
classes, championships and events, each with its own scope of uniqueness.
"""

from __future__ import annotations

from collections.abc import Callable


def unique_slug(base: str, taken: Callable[[str], bool], *, fallback: str) -> str:
    """`base` (or `fallback` when a name slugifies to nothing, as Chinese names do), numbered
    from 2 until `taken` says the slug is free."""
    stem = base or fallback
    slug, n = stem, 2
    while taken(slug):
        slug = f"{stem}-{n}"
        n += 1
    return slug
