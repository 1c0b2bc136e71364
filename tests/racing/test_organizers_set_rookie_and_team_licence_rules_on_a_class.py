"""The class form sets the rookie-class, on-the-spot and team-licence rules; the page states them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from racing.models import CompetitionClass, Organization
from tests.racing.test_class_pages import class_data

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NO_LICENCE = {"licences-0-issuer": "", "licences-0-discipline": "", "licences-0-min_grade": ""}


def test_a_rookie_class_with_the_on_the_spot_and_team_rules_is_saved_and_described(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    response = client.post(
        reverse("racing:class-create", args=[organization.slug]),
        class_data(
            **{
                "rules-rookie_class": "on",
                "rules-on_the_spot_max_events": "3",
                "rules-team_licence_required": "on",
            }
        ),
    )
    assert response.status_code == 302
    created = CompetitionClass.objects.get()
    rules = created.eligibility_rules
    assert (rules.rookie_class, rules.on_the_spot_max_events, rules.team_licence_required) == (
        True,
        3,
        True,
    )
    assert created.rules["on_the_spot_max_events"] == 3

    url = created.get_absolute_url()
    english = client.get(url, **EN).content.decode()
    assert "Rookie class" in english
    assert "Licences issued on the spot accepted for the holder&#x27;s first 3 event(s)" in english
    assert "A team licence valid on the event date is required" in english
    chinese = client.get(url).content.decode()
    assert "新手组别" in chinese
    assert "持有人的前 3 场比赛接受现场签发的执照" in chinese
    assert "要求比赛日期有效的车队执照" in chinese

    form = client.get(reverse("racing:class-edit", args=[organization.slug, created.slug]))
    page = form.content.decode()
    assert 'name="rules-on_the_spot_max_events" value="3"' in page


def test_outside_a_rookie_class_the_page_says_such_licences_are_refused(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    client.post(
        reverse("racing:class-create", args=[organization.slug]),
        class_data(**{"rules-on_the_spot_max_events": "3"}),
    )
    url = CompetitionClass.objects.get().get_absolute_url()
    assert "不接受现场签发的执照：仅限新手组别" in client.get(url).content.decode()


@pytest.mark.parametrize("value", ["0", "-2", "abc", "100"])
def test_a_bad_number_of_events_is_refused(
    client: Client, organizer: Any, organization: Organization, value: str
) -> None:
    client.force_login(organizer)
    response = client.post(
        reverse("racing:class-create", args=[organization.slug]),
        class_data(**{"rules-on_the_spot_max_events": value}),
        **EN,
    )
    assert response.status_code == 400
    assert not CompetitionClass.objects.exists()


def test_the_on_the_spot_rule_needs_an_accepted_licence(
    client: Client, organizer: Any, organization: Organization
) -> None:
    client.force_login(organizer)
    response = client.post(
        reverse("racing:class-create", args=[organization.slug]),
        class_data(**NO_LICENCE, **{"rules-on_the_spot_max_events": "3"}),
        **EN,
    )
    assert response.status_code == 400
    assert "List at least one accepted licence first." in response.content.decode()
    assert not CompetitionClass.objects.exists()
