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
