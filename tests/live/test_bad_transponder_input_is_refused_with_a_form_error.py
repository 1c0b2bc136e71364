"""Whatever staff type on the transponders page, a refusal is a form error in their language with
status 400, never a server error, and nothing changes on the board."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Entry, EntryClass
from live.engine.timing import TransponderPassing
from live.models import LiveSession, LiveTransponder
from live.services.timing import apply_timing_events, finish_live_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client: Client, staff_member: Any) -> Client:
    # Errors raised in a view would fail the test, not hide behind a 500 page.
    client.force_login(staff_member)
    return client


def slug(live: LiveSession) -> str:
    return live.event_session.event.organization.slug  # type: ignore[union-attr]


def add(client: Client, live: LiveSession, language: str = "en", **data: str) -> Any:
    return client.post(
        reverse("live:transponder-add", args=[slug(live), live.pk]),
        {f"new-{name}": value for name, value in data.items()},
        HTTP_ACCEPT_LANGUAGE=language,
    )


def edit(client: Client, live: LiveSession, mapping: LiveTransponder, **data: str) -> Any:
    return client.post(
        reverse("live:transponder-edit", args=[slug(live), live.pk, mapping.pk]),
        {f"m{mapping.pk}-{name}": value for name, value in data.items()},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def refused(response: Any, *messages: str) -> str:
    text = response.content.decode()
    assert response.status_code == 400, text
    for message in messages:
        assert message in text
    return text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"transponder": "", "number": "5"}, "This field is required."),
        ({"transponder": "   ", "number": "5"}, "This field is required."),
        ({"transponder": "56A91", "number": "5"}, "Enter the transponder number in digits only."),
        ({"transponder": "-12", "number": "5"}, "Enter the transponder number in digits only."),
        ({"transponder": "٣٤٥", "number": "5"}, "Enter the transponder number in digits only."),
        ({"transponder": "0", "number": "5"}, "A transponder number is between 1 and 4294967295."),
        ({"transponder": "4294967296", "number": "5"}, "between 1 and 4294967295"),
        ({"transponder": "9" * 25, "number": "5"}, "at most 20 characters"),
        ({"transponder": "12", "number": ""}, "This field is required."),
        ({"transponder": "12", "number": "123456789"}, "at most 8 characters"),
        ({"transponder": "12", "number": "1 2"}, "A car number has no spaces."),
        ({"transponder": "12", "number": "5", "name": "x" * 201}, "at most 200 characters"),
        ({"transponder": "12", "number": "5", "class_name": "x" * 101}, "at most 100 characters"),
        ({"transponder": "12", "number": "5", "name": "Li\nNa"}, "Use a single line of text."),
        ({"transponder": "12", "number": "5", "name": "Li\x00Na"}, "Null characters"),
    ],
)
def test_a_bad_new_mapping_is_a_form_error(
    staff: Client, p3_live: LiveSession, data: dict[str, str], message: str
) -> None:
    refused(add(staff, p3_live, **data), message, "The transponder was not saved")
    assert not LiveTransponder.objects.exists()


def test_a_transponder_mapped_twice_is_refused(staff: Client, p3_live: LiveSession) -> None:
    assert add(staff, p3_live, transponder="5691251", number="17").status_code == 302
    refused(
        add(staff, p3_live, transponder="05691251", number="18"),
        "Transponder 5691251 already has a row in this session.",
    )
    assert list(LiveTransponder.objects.values_list("number", flat=True)) == ["17"]


def test_errors_are_in_chinese_for_chinese_staff(staff: Client, p3_live: LiveSession) -> None:
    text = refused(add(staff, p3_live, language="zh-hans", transponder="abc", number="5"))
    assert "应答器未保存" in text
    assert "Enter the transponder number" not in text


def test_a_car_number_already_on_the_board_is_refused(staff: Client, p3_live: LiveSession) -> None:
    apply_timing_events(
        session_id=p3_live.pk,
        events=[
            TransponderPassing(passing_no=1, transponder=111, time_us=10**9),
            TransponderPassing(passing_no=2, transponder=222, time_us=2 * 10**9),
        ],
    )
    first = LiveTransponder.objects.get(transponder=111)
    edit(staff, p3_live, first, number="7")
    second = LiveTransponder.objects.get(transponder=222)
    refused(edit(staff, p3_live, second, number="7"), "Car number 7 is already on this board.")
    refused(
        add(staff, p3_live, transponder="333", number="7"), "Car number 7 is already on this board."
    )
    # The row keeps its own number when only its name changes.
    assert edit(staff, p3_live, first, number="7", name="Li Na").status_code == 302


def test_an_entrys_transponder_is_set_on_the_entry_not_here(
    staff: Client, p3_live: LiveSession, driver: Any
) -> None:
    event = p3_live.event_session.event  # type: ignore[union-attr]
    entry_class = EntryClass.objects.create(
        event=event, name="GT4", capacity=10, fee=Decimal("800.00")
    )
    Entry.objects.create(
        event=event,
        entry_class=entry_class,
        driver=driver,
        status=Entry.Status.CONFIRMED,
        place_number=1,
        car_number=42,
        transponder="05691251",
        fee_minor=80000,
        currency="CNY",
    )
    refused(
        add(staff, p3_live, transponder="5691251", number="9"),
        "Transponder 5691251 is on the entry of car 42",
    )
    # Once it crossed, its row is the entry's and is not listed with the unknown ones.
    apply_timing_events(
        session_id=p3_live.pk,
        events=[TransponderPassing(passing_no=1, transponder=5691251, time_us=10**9)],
    )
    mapping = LiveTransponder.objects.get(transponder=5691251)
    page = staff.get(reverse("live:transponders", args=[slug(p3_live), p3_live.pk]))
    assert f"m{mapping.pk}-number" not in page.content.decode()
    refused(edit(staff, p3_live, mapping, number="9"), "is on the entry of car 42")
    mapping.refresh_from_db()
    assert mapping.number == "42"


def test_nothing_is_added_to_a_finished_session(staff: Client, p3_live: LiveSession) -> None:
    finish_live_session(session_id=p3_live.pk)
    refused(
        add(staff, p3_live, transponder="12", number="5"),
        "This live session has finished: no transponder will cross any more.",
    )
    assert not LiveTransponder.objects.exists()
