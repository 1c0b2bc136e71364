from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from events.models import AuditLog, Entry
from events.services.registration import approve_entry

pytestmark = [pytest.mark.django_db]


def entries_url(event: Any, suffix: str = "entries/") -> str:
    return f"/organizer/{event.organization.slug}/events/{event.slug}/{suffix}"


@pytest.fixture
def confirmed(event: Any, make_user: Any, register: Any, settings: Any) -> Entry:
    """A confirmed, pay-at-track entry (no Stripe keys) by 张敏."""
    settings.STRIPE_SECRET_KEY = ""
    who = make_user("zhang@example.test", first_name="敏", last_name="张")
    return register(who, event.entry_classes.get())


def test_without_stripe_keys_an_entry_is_confirmed_to_pay_at_the_track(confirmed: Entry) -> None:
    assert confirmed.status == Entry.Status.CONFIRMED
    assert confirmed.payments.get().method == "at_track"
    assert not confirmed.is_paid


@pytest.mark.parametrize(
    "suffix", ["entries/", "entries.csv", "entries/{pk}/", "entries/{pk}/approve/"]
)
def test_outsiders_get_404_on_every_entry_management_url(
    client: Any, outsider: Any, other_organization: Any, confirmed: Entry, suffix: str
) -> None:
    client.force_login(outsider)
    url = entries_url(confirmed.event, suffix.format(pk=confirmed.pk))

    response = client.post(url) if suffix.endswith("approve/") else client.get(url)

    assert response.status_code == 404


def test_the_list_filters_by_class_and_status(
    client: Any, staff_member: Any, confirmed: Entry, make_entry_class: Any
) -> None:
    other = make_entry_class(confirmed.event, name="Other class")
    client.force_login(staff_member)

    mine = client.get(entries_url(confirmed.event), {"class": confirmed.entry_class_id})
    none = client.get(entries_url(confirmed.event), {"class": other.pk})
    cancelled = client.get(entries_url(confirmed.event), {"status": "cancelled"})

    assert "zhang@example.test" not in none.content.decode()
    assert "张" in mine.content.decode()
    assert "张" not in cancelled.content.decode()


def test_the_csv_opens_in_excel_with_chinese_names(
    client: Any, staff_member: Any, confirmed: Entry
) -> None:
    client.force_login(staff_member)

    response = client.get(entries_url(confirmed.event, "entries.csv"), HTTP_ACCEPT_LANGUAGE="en")

    assert response["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Class,Car number,Driver")
    assert "张敏" in text


def test_staff_check_in_scrutineer_and_set_the_transponder_with_an_audit_trail(
    client: Any, staff_member: Any, confirmed: Entry
) -> None:
    client.force_login(staff_member)
    url = entries_url(confirmed.event, f"entries/{confirmed.pk}/")

    response = client.post(
        url,
        {
            "checked_in": "on",
            "scrutineering": "failed",
            "scrutineering_notes": "Seat belt out of date",
            "transponder": "4711",
            "car_number": "",
        },
    )

    assert response.status_code == 302
    confirmed.refresh_from_db()
    assert confirmed.checked_in_at is not None
    assert confirmed.scrutineering == "failed"
    assert confirmed.scrutineering_notes == "Seat belt out of date"
    assert confirmed.transponder == "4711"
    actions = set(AuditLog.objects.filter(entry=confirmed).values_list("action", flat=True))
    assert {"checked_in", "scrutineering", "transponder"} <= actions
    page = client.get(url).content.decode()
    assert "Seat belt out of date" in page


def test_a_bad_transponder_is_refused_with_a_field_error(
    client: Any, staff_member: Any, confirmed: Entry
) -> None:
    client.force_login(staff_member)

    response = client.post(
        entries_url(confirmed.event, f"entries/{confirmed.pk}/"),
        {"scrutineering": "pending", "transponder": "47-11!"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "Use digits and letters only." in response.content.decode()
    confirmed.refresh_from_db()
    assert confirmed.transponder == ""


def test_staff_mark_an_at_track_payment_paid(
    client: Any, staff_member: Any, confirmed: Entry, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(staff_member)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(entries_url(confirmed.event, f"entries/{confirmed.pk}/mark-paid/"))

    assert confirmed.payments.get().status == "succeeded"
    assert AuditLog.objects.get(entry=confirmed, action="paid_at_track").actor == staff_member
    assert len(mail.outbox) == 1


def test_an_approval_class_waits_for_the_organizer_then_asks_for_payment(
    event: Any, driver: Any, register: Any, fake_stripe: Any, staff_member: Any
) -> None:
    entry_class = event.entry_classes.get()
    entry_class.approval_required = True
    entry_class.save()

    entry = register(driver, entry_class)
    assert entry.status == Entry.Status.PENDING_APPROVAL
    assert entry.expires_at is None

    approved = approve_entry(entry_id=entry.pk, actor=staff_member)
    assert approved.status == Entry.Status.HELD
    assert approved.expires_at is not None


def test_staff_email_one_class(
    client: Any,
    staff_member: Any,
    confirmed: Entry,
    make_entry_class: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    other = make_entry_class(confirmed.event, name="Other class")
    client.force_login(staff_member)
    url = entries_url(confirmed.event, "entries/email/")

    # Mail leaves after commit (config/mail.py); the test's own transaction never commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"entry_class": other.pk, "subject": "Briefing", "body": "08:00"})
        client.post(
            url, {"entry_class": confirmed.entry_class_id, "subject": "Briefing", "body": "08:00"}
        )

    assert [m.to for m in mail.outbox] == [["zhang@example.test"]]
    assert "Briefing" in mail.outbox[0].subject
