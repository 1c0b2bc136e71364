"""`make demo` seeds, then prints the demo accounts last, where they stay on screen: the seeded
confirmations and receipts are not printed in front of them by the console mail backend."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend")
def test_the_accounts_are_the_last_lines_and_no_mail_is_printed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    lines = out.getvalue().rstrip("\n").splitlines()
    accounts = lines.index("Demo accounts (e-mail / password):")
    tail = lines[accounts:]
    assert [line.split()[0] for line in tail[1:]] == ["organizer", "driver", "admin"]
    printed = capsys.readouterr().out
    assert "Subject:" not in printed
    assert "Content-Type: text/plain" not in printed
