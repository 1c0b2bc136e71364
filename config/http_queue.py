"""How many HTTP requests of this process are waiting for their turn into Django
(`config.middleware.ConcurrentRequestLimit`), and since when none has been: what the background
mail thread (`config.mail`) looks at to let a burst of requests be answered first."""

from __future__ import annotations

import threading
import time

_guard = threading.Lock()
_waiting = 0
_last_waiting = float("-inf")  # time.monotonic() when a request last waited


def started_waiting() -> None:
    global _waiting, _last_waiting
    with _guard:
        _waiting += 1
        _last_waiting = time.monotonic()


def stopped_waiting() -> None:
    global _waiting, _last_waiting
    with _guard:
        _waiting -= 1
        _last_waiting = time.monotonic()


def idle_for() -> float:
    """Seconds since a request of this process last waited for its turn (0 while one does)."""
    with _guard:
        if _waiting > 0:
            return 0.0
        return time.monotonic() - _last_waiting
