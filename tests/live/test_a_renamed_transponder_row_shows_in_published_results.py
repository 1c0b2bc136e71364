"""After the flag, staff give an unknown transponder's row its car number and driver; the
classification they publish as results carries them, laps included, and spectators still
watching the finished board see the change too."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import LapRecord, ResultRow
from live.engine.standings import apply_delta
from live.engine.timing import TransponderPassing
from live.models import LiveDelta, LiveSession, LiveTransponder
from live.services.timing import apply_timing_events, finish_live_session

pytestmark = pytest.mark.django_db

FAST, SLOW = 5691251, 3292480


def test_the_published_results_name_the_renamed_row(
    client: Client, staff_member: Any, p3_live: LiveSession
) -> None:
    # Two unknown cars, three laps each: FAST laps in 50 s, SLOW in 60 s.
    for lap in range(4):
        apply_timing_events(
            session_id=p3_live.pk,
            events=[
                TransponderPassing(
                    passing_no=2 * lap + 1, transponder=FAST, time_us=lap * 50 * 10**6
                ),
                TransponderPassing(
                    passing_no=2 * lap + 2, transponder=SLOW, time_us=lap * 60 * 10**6 + 1
                ),
            ],
        )
    finish_live_session(session_id=p3_live.pk)
    organization = p3_live.event_session.event.organization  # type: ignore[union-attr]
    mapping = LiveTransponder.objects.get(session=p3_live, transponder=SLOW)
    client.force_login(staff_member)

    response = client.post(
        reverse("live:transponder-edit", args=[organization.slug, p3_live.pk, mapping.pk]),
        {
            f"m{mapping.pk}-number": "23",
            f"m{mapping.pk}-name": "Wei Li",
            f"m{mapping.pk}-class_name": "GT4",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Publish the results (again) for the official results to show it." in page
    p3_live.refresh_from_db()
    assert p3_live.status == LiveSession.Status.FINISHED
    # The finished board followed, with one more delta, so deltas still rebuild it.
    board: dict[str, Any] = {"rows": []}
    for payload in (
        LiveDelta.objects.filter(session=p3_live).order_by("seq").values_list("payload", flat=True)
    ):
        board = apply_delta(board, payload)
    assert board["rows"] == p3_live.snapshot["rows"]

    review = client.get(reverse("live:publish-results", args=[organization.slug, p3_live.pk]))
    assert "Wei Li" in review.content.decode()
    response = client.post(
        reverse("live:publish-results", args=[organization.slug, p3_live.pk]), {"official": "on"}
    )
    assert response.status_code == 302
    rows = {
        row.car_number: (row.position, row.driver_name, row.class_name, row.laps)
        for row in ResultRow.objects.all()
    }
    assert rows == {str(FAST): (1, "", "", 3), "23": (2, "Wei Li", "GT4", 3)}
    # Its laps, timed before the rename under the transponder number, are under car 23.
    laps = LapRecord.objects.filter(session=p3_live.event_session)
    assert sorted(laps.values_list("car_number", "lap", "lap_time_ms")) == sorted(
        [(str(FAST), n, 50_000) for n in (1, 2, 3)] + [("23", n, 60_000) for n in (1, 2, 3)]
    )
