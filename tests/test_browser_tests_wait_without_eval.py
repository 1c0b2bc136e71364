"""A browser test that watches the content security policy must not wait with Playwright's
`wait_for_function`: its polling compiles the condition in the page, which the policy reports as a
violation of the page's own making, and only on a machine slow enough for the wait to poll."""

from __future__ import annotations

from pathlib import Path

BROWSER_TESTS = Path(__file__).parent / "browser"


def test_tests_that_watch_the_policy_wait_through_wait_until() -> None:
    offenders = [
        path.name
        for path in sorted(BROWSER_TESTS.glob("*.py"))
        if "watch_policy_violations" in (text := path.read_text(encoding="utf-8"))
        and "wait_for_function(" in text
    ]
    assert offenders == [], f"use tests.browser.policy.wait_until in {offenders}"
