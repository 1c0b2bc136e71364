"""A session's format is data with its rules: presets per tier, rules checked per format on the
session's staff page, and a rules change scores the runs again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from events.engine.formats import RulesError, check_rules, preset_rules
from events.models import Event, Session, SessionFormat, SessionResult
from events.services.events import add_session, update_session
from events.services.timed_runs import RunLine, save_runs

pytestmark = pytest.mark.django_db


def test_every_rule_left_out_takes_its_default() -> None:
    assert check_rules("timed_runs", {"runs": 4}) == {
        "runs": 4,
        "runs_counted": 1,
        "penalty_ms_per_cone": 2000,
        "penalty_ms_per_gate": 10_000,
        "off_course_ms": 0,
        "class_index": {},
        "run_groups": {},
    }
    assert check_rules("race", {}) == {}


@pytest.mark.parametrize(
    ("rules", "bad_key"),
    [
        ({"runs": 0}, "runs"),
        ({"runs": "three"}, "runs"),
        ({"runs": 2, "runs_counted": 3}, "runs_counted"),
        ({"penalty_ms_per_cone": -1}, "penalty_ms_per_cone"),
        ({"class_index": {"A": "fast"}}, "class_index"),
        ({"laps": 10}, "laps"),
    ],
)
def test_bad_rules_name_the_rule(rules: dict[str, Any], bad_key: str) -> None:
    with pytest.raises(RulesError) as caught:
        check_rules("timed_runs", rules)
    assert [p.key for p in caught.value.problems] == [bad_key]


def test_each_tier_has_a_preset() -> None:
    assert preset_rules("timed_runs", "nev")["runs"] == 3
    assert preset_rules("timed_runs", "local_heritage")["runs_counted"] == 2
    assert preset_rules("timed_runs", "nowhere") == check_rules("timed_runs", {})


def test_a_new_timed_runs_session_starts_from_its_tiers_preset(gymkhana: Event) -> None:
    gymkhana.status = Event.Status.PUBLISHED
    gymkhana.save()
    session = add_session(
        event=gymkhana,
        kind=Session.Kind.OTHER,
        starts_at=gymkhana.starts_at + timedelta(hours=1),
        ends_at=gymkhana.starts_at + timedelta(hours=2),
        format=SessionFormat.TIMED_RUNS,
    )
    assert session.rules == preset_rules("timed_runs", "nev")


@pytest.mark.usefixtures("entered")
def test_changing_the_cone_penalty_scores_the_runs_again(runs_session: Session) -> None:
    save_runs(
        session=runs_session,
        lines=[RunLine("11", 1, 45_000, cones=1), RunLine("12", 1, 46_500)],
    )
    result = SessionResult.objects.get(session=runs_session)
    assert [r.car_number for r in result.rows.all()] == ["12", "11"]  # 46.5 < 47.0
    update_session(session=runs_session, rules={**runs_session.rules, "penalty_ms_per_cone": 1000})
    assert [(r.car_number, r.total_ms) for r in result.rows.all()] == [
        ("11", 46_000),
        ("12", 46_500),
    ]


def test_bad_rules_are_a_form_error_on_the_staff_page(
    client: Client, staff_member: Any, runs_session: Session
) -> None:
    client.force_login(staff_member)
    event = runs_session.event
    url = reverse(
        "events:session-edit",
        kwargs={"org_slug": event.organization.slug, "slug": event.slug, "pk": runs_session.pk},
    )
    local = runs_session.starts_at.astimezone(event.zone)
    data = {
        "kind": "other",
        "name": "Timed runs",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
        "format": "timed_runs",
        "rules": '{"runs": 2, "runs_counted": 3}',
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Runs counted (3) cannot be more than the runs (2)." in response.content.decode()
    runs_session.refresh_from_db()
    assert runs_session.rules["runs"] == 3
    data["rules"] = '{"runs": 5, "runs_counted": 2}'
    response = client.post(url, data)
    assert response.status_code == 302
    runs_session.refresh_from_db()
    assert (runs_session.rules["runs"], runs_session.rules["runs_counted"]) == (5, 2)


def test_the_model_refuses_rules_of_another_format(runs_session: Session) -> None:
    runs_session.format = SessionFormat.RACE
    with pytest.raises(ValidationError) as caught:
        runs_session.full_clean()
    assert "rules" in caught.value.message_dict
