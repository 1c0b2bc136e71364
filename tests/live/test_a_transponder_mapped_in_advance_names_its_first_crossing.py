"""Staff map a transponder before the session starts: the board does not change until that
transponder first crosses, and its row then has the number, name and class given. A mapping no
crossing has used can be removed; one that has, cannot."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from live.engine.timing import TransponderPassing
from live.models import LiveDelta, LiveSession, LiveTransponder
from live.services.timing import apply_timing_events

pytestmark = pytest.mark.django_db


def slug(live: LiveSession) -> str:
    return live.event_session.event.organization.slug  # type: ignore[union-attr]


def add(client: Client, live: LiveSession, **data: str) -> Any:
    return client.post(
        reverse("live:transponder-add", args=[slug(live), live.pk]),
        {f"new-{name}": value for name, value in data.items()},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def remove(client: Client, live: LiveSession, mapping: LiveTransponder) -> Any:
    return client.post(
        reverse("live:transponder-remove", args=[slug(live), live.pk, mapping.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_first_crossing_of_a_mapped_transponder_shows_the_mapping(
    client: Client, staff_member: Any, p3_live: LiveSession
) -> None:
    client.force_login(staff_member)
    response = add(
        client, p3_live, transponder="0005691251", number="88", name="Wei Li", class_name="GT4"
    )
    assert response.status_code == 302
    follow = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Transponder 5691251 will show as car 88 when it crosses the line." in follow
    assert "Not crossed yet" in follow
    # Nothing on the board yet: no ghost row for a car that may not come.
    p3_live.refresh_from_db()
    assert (p3_live.seq, p3_live.snapshot["rows"], p3_live.status) == (0, [], "pending")
    assert not LiveDelta.objects.exists()

    apply_timing_events(
        session_id=p3_live.pk,
        events=[TransponderPassing(passing_no=1, transponder=5691251, time_us=10**9)],
    )
    p3_live.refresh_from_db()
    (row,) = p3_live.snapshot["rows"]
    assert (row["key"], row["number"], row["name"], row["class"]) == (
        "t5691251",
        "88",
        "Wei Li",
        "GT4",
    )
    page = client.get(
        reverse("live:transponders", args=[slug(p3_live), p3_live.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "On the board" in page and "Not crossed yet" not in page


def test_only_a_mapping_no_crossing_used_can_be_removed(
    client: Client, staff_member: Any, p3_live: LiveSession
) -> None:
    client.force_login(staff_member)
    add(client, p3_live, transponder="111", number="1")
    add(client, p3_live, transponder="222", number="2")
    apply_timing_events(
        session_id=p3_live.pk,
        events=[TransponderPassing(passing_no=1, transponder=111, time_us=10**9)],
    )
    used = LiveTransponder.objects.get(transponder=111)
    unused = LiveTransponder.objects.get(transponder=222)
    seq = LiveSession.objects.get(pk=p3_live.pk).seq

    response = remove(client, p3_live, used)
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Transponder 111 has crossed the line: its row stays on the board." in page
    assert LiveTransponder.objects.filter(pk=used.pk).exists()

    response = remove(client, p3_live, unused)
    assert response.status_code == 302
    assert not LiveTransponder.objects.filter(pk=unused.pk).exists()
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The mapping of transponder 222 is removed." in page
    assert LiveSession.objects.get(pk=p3_live.pk).seq == seq
    # Removing is a change of a GET-less kind: a GET is refused.
    url = reverse("live:transponder-remove", args=[slug(p3_live), p3_live.pk, used.pk])
    assert client.get(url).status_code == 405


def test_the_timing_page_links_a_p3_session_to_its_transponders(
    client: Client, staff_member: Any, p3_live: LiveSession
) -> None:
    client.force_login(staff_member)
    page = client.get(reverse("live:timing", args=[slug(p3_live)])).content.decode()
    assert reverse("live:transponders", args=[slug(p3_live), p3_live.pk]) in page
