"""The staff page at the line: staff enter runs and correct them; others get a 404; bad input is
an error on the form, never a 500, and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import AuditLog, Session, SessionResult, TimedRun

pytestmark = pytest.mark.django_db


def page(session: Session) -> str:
    event = session.event
    return reverse(
        "events:timed-runs",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "session_id": session.pk},
    )


def post(client: Client, session: Session, **data: Any) -> Any:
    fields = {"number": "", "time": "", "cones": "0", "gates": "0", "status": "ok", "run": ""}
    fields.update({k: str(v) for k, v in data.items()})
    return client.post(page(session), fields, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.usefixtures("entered")
def test_staff_enter_runs_one_after_another(
    client: Client, staff_member: Any, runs_session: Session
) -> None:
    client.force_login(staff_member)
    assert client.get(page(runs_session)).status_code == 200
    assert post(client, runs_session, number="11", time="45.120", cones=1).status_code == 302
    assert post(client, runs_session, number="11", time="0:44.900").status_code == 302
    assert post(client, runs_session, number="12", status="dnf").status_code == 302
    runs = [(r.car_number, r.run, r.time_ms, r.cones, r.status) for r in TimedRun.objects.all()]
    assert runs == [
        ("11", 1, 45_120, 1, "ok"),
        ("11", 2, 44_900, 0, "ok"),
        ("12", 1, None, 0, "dnf"),
    ]
    result = SessionResult.objects.get(session=runs_session)
    assert result.rows.get(car_number="11").total_ms == 44_900
    listing = client.get(page(runs_session), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "45.120" in listing and "1 cone" in listing


@pytest.mark.usefixtures("entered")
def test_a_correction_is_audited(client: Client, staff_member: Any, runs_session: Session) -> None:
    client.force_login(staff_member)
    post(client, runs_session, number="11", time="45.120")
    run = TimedRun.objects.get()
    edit = client.get(page(runs_session) + f"?edit={run.pk}", HTTP_ACCEPT_LANGUAGE="en")
    assert "Correcting car 11, run 1" in edit.content.decode()
    post(client, runs_session, number="11", run=1, time="45.120", cones=2, reason="Cone seen late")
    run.refresh_from_db()
    assert run.cones == 2
    assert AuditLog.objects.filter(action="timed_run_corrected", actor=staff_member).count() == 1


@pytest.mark.usefixtures("entered")
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "11", "time": "fast"}, "is not a time"),
        ({"number": "11", "time": ""}, "Give the time"),
        ({"number": "99", "time": "45.1"}, "not entered in this event"),
        ({"number": "11", "time": "45.1", "cones": "-1"}, "greater than or equal to 0"),
        ({"number": "11", "time": "45.1", "run": "7"}, "between 1 and 3"),
    ],
)
def test_bad_input_is_a_form_error(
    client: Client, staff_member: Any, runs_session: Session, data: dict[str, str], message: str
) -> None:
    client.force_login(staff_member)
    response = post(client, runs_session, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TimedRun.objects.exists()


@pytest.mark.usefixtures("entered")
def test_a_fourth_run_is_refused_when_the_rules_allow_three(
    client: Client, staff_member: Any, runs_session: Session
) -> None:
    client.force_login(staff_member)
    for time in ("45.1", "45.2", "45.3"):
        assert post(client, runs_session, number="11", time=time).status_code == 302
    response = post(client, runs_session, number="11", time="44.0")
    assert response.status_code == 400
    assert "has made all its 3 runs" in response.content.decode()


def test_the_page_is_for_the_organizers_staff_only(
    client: Client, outsider: Any, runs_session: Session
) -> None:
    assert client.get(page(runs_session)).status_code == 302  # to sign in
    client.force_login(outsider)
    assert client.get(page(runs_session)).status_code == 404
    assert post(client, runs_session, number="11", time="45.1").status_code == 404
    assert not TimedRun.objects.exists()


def test_staff_make_the_results_official(
    client: Client, staff_member: Any, runs_session: Session, entered: Any
) -> None:
    client.force_login(staff_member)
    post(client, runs_session, number="11", time="45.120")
    event = runs_session.event
    url = reverse(
        "events:timed-runs-official",
        kwargs={
            "org_slug": event.organization.slug,
            "slug": event.slug,
            "session_id": runs_session.pk,
        },
    )
    assert client.post(url).status_code == 302
    assert SessionResult.objects.get(session=runs_session).is_official


@pytest.mark.usefixtures("entered")
def test_the_page_offers_the_next_cars_in_the_running_order(
    client: Client, staff_member: Any, runs_session: Session
) -> None:
    client.force_login(staff_member)
    post(client, runs_session, number="11", time="45.120")
    page_url = page(runs_session)
    html = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # 12 and 21 have made no run yet, 11 has made one: they go first.
    assert (
        html.index('href="?number=12')
        < html.index('href="?number=21')
        < html.index('href="?number=11')
    )
    prefilled = client.get(page_url + "?number=21").content.decode()
    assert 'value="21"' in prefilled
