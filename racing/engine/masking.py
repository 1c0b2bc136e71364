"""How private values look to staff before a deliberate reveal (pure: strings in, strings out)."""

from __future__ import annotations

MASK = "*"


def mask_number(value: str, *, head: int = 4, tail: int = 4) -> str:
    """``11010519491231002X`` -> ``1101**********002X``: enough to tell two drivers apart at the
    desk, not enough to use. Short values keep less, so at least half is always masked."""
    value = value.strip()
    if not value:
        return ""
    keep = max(0, min(head + tail, len(value) // 2))
    shown_head = min(head, keep // 2)
    shown_tail = keep - shown_head
    end = value[len(value) - shown_tail :] if shown_tail else ""
    return value[:shown_head] + MASK * (len(value) - shown_head - shown_tail) + end


def mask_phone(value: str) -> str:
    """A phone number with only its last four digits: ``+86 139 1234 5678`` -> ``*** 5678``."""
    digits = [c for c in value if c.isdigit()]
    if not digits:
        return ""
    return f"{MASK * 3} {''.join(digits[-4:])}"


def mask_text(value: str) -> str:
    """Free text (medical notes, names) shows only whether there is any."""
    return MASK * 6 if value.strip() else ""
