"""Every action code the services write to the audit log has a sentence on the audit trail, in
English and Chinese; a code without one (from a newer writer) is shown as the code, never a 500."""

from __future__ import annotations

import re
from pathlib import Path

from django.utils import translation

from events.models import Deposit, Payment
from events.queries.audit import ACTION_LABELS, action_label

ROOT = Path(__file__).resolve().parents[2]
WRITERS = [
    *sorted((ROOT / "events" / "services").glob("*.py")),
    ROOT / "live" / "services" / "timing.py",
]


def written_codes() -> set[str]:
    codes: set[str] = set()
    for path in WRITERS:
        text = path.read_text()
        # action="x", action = "x" if ... else "y", and live's _audit(session, actor, "x", ...)
        for first, second in re.findall(
            r'\baction\s*=\s*"([a-z_]+)"(?:\s+if\s+[^,\n]+?\s+else\s+"([a-z_]+)")?', text
        ):
            codes |= {first, second} - {""}
        codes |= set(re.findall(r'_audit\([^,\n]+,\s*[^,\n]+,\s*"([a-z_]+)"', text))
    # Codes made from a status: checkout.fail_payment and deposits._fail_request.
    codes |= {f"payment_{s}" for s in (Payment.Status.FAILED, Payment.Status.EXPIRED)}
    codes |= {f"deposit_{s}" for s in (Deposit.Status.FAILED, Deposit.Status.EXPIRED)}
    return codes


def test_the_writers_are_found() -> None:
    codes = written_codes()
    assert {"paid_at_track", "cancelled_by_driver", "deposit_held", "live_transponder"} <= codes


def test_every_written_code_has_a_sentence() -> None:
    missing = sorted(written_codes() - set(ACTION_LABELS))
    assert not missing, f"add these to events.queries.audit.ACTION_LABELS: {missing}"


def test_every_sentence_is_translated_to_chinese() -> None:
    with translation.override("en"):
        english = {code: str(label) for code, label in ACTION_LABELS.items()}
    with translation.override("zh-hans"):
        untranslated = [
            code for code, label in ACTION_LABELS.items() if str(label) == english[code]
        ]
    assert not untranslated


def test_an_unknown_code_is_shown_as_itself() -> None:
    assert action_label("written_by_a_future_version") == "written_by_a_future_version"
