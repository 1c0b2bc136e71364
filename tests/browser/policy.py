"""Content security policy violations a page reports in the browser console, and a way to wait
for the page that does not cause one.

Development sends the policy report-only, so a violation does not break the page under test; the
console line it leaves is what these tests look for. Playwright's `wait_for_function` must not be
used in a test that watches the policy: when its condition is not true at once, it polls by
compiling the condition in the page with `new Function`, which the policy's `script-src 'self'`
reports as "Evaluating a string as JavaScript" (so the test failed only when the machine was slow
enough for the board to lag). `wait_until` polls through the debugging protocol instead, which the
policy does not govern.
"""

from __future__ import annotations

import time
from typing import Any

POLL_SECONDS = 0.02


def watch_policy_violations(page: Any) -> list[str]:
    violations: list[str] = []

    def note(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note)
    return violations


def wait_until(page: Any, expression: str, timeout: float) -> None:
    """Wait until the JavaScript `expression` is truthy in the page; `timeout` in milliseconds,
    raising TimeoutError (as Playwright's waits do) when it passes."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout:.0f} ms: {expression}")
        time.sleep(POLL_SECONDS)
