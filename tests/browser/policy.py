"""Content security policy violations a page reports in the browser console.

Development sends the policy report-only, so a violation does not break the page under test; the
console line it leaves is what these tests look for.
"""

from __future__ import annotations

from typing import Any


def watch_policy_violations(page: Any) -> list[str]:
    violations: list[str] = []

    def note(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", note)
    return violations


def wait_for(page: Any, expression: str, timeout_s: float = 10) -> None:
    """Wait until `expression` is truthy in the page, without Playwright's wait_for_function:
    that evaluates its string with eval once it has to poll, which the policy reports."""
    import time

    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout_s} s: {expression}"
        page.wait_for_timeout(50)
