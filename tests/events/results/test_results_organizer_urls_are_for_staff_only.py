"""Every organizer URL of results and championships: owner and staff yes, others no."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from events.models import Championship, Event, Session, SessionResult
from events.services.championships import add_round, create_championship
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def championship(finished_event: Event, race: Session) -> Championship:
    championship = create_championship(
        organization=finished_event.organization, name="Cup", season=2026, position_points=[5]
    )
    add_round(championship=championship, session=race)
    return championship


def organizer_urls(event: Event, race: Session, championship: Championship) -> list[str]:
    org = event.organization.slug
    session_kwargs = {"org_slug": org, "slug": event.slug, "session_id": race.pk}
    return [
        reverse("events:results-manage", kwargs={"org_slug": org, "slug": event.slug}),
        reverse("events:results-edit", kwargs=session_kwargs),
        reverse("events:results-upload", kwargs=session_kwargs),
        reverse("events:laps-upload", kwargs=session_kwargs),
        reverse("events:championship-manage-list", kwargs={"org_slug": org}),
        reverse("events:championship-manage", kwargs={"org_slug": org, "slug": championship.slug}),
    ]


def post_urls(event: Event, race: Session, championship: Championship) -> list[str]:
    org = event.organization.slug
    return [
        reverse(
            "events:results-official",
            kwargs={"org_slug": org, "slug": event.slug, "session_id": race.pk},
        ),
        reverse(
            "events:championship-round-add", kwargs={"org_slug": org, "slug": championship.slug}
        ),
        reverse(
            "events:championship-round-remove",
            kwargs={
                "org_slug": org,
                "slug": championship.slug,
                "round_id": championship.rounds.get().pk,
            },
        ),
    ]


@pytest.mark.parametrize("persona", ["organizer", "staff_member"])
def test_owner_and_staff_open_every_organizer_page(
    client: Client,
    persona: str,
    request: pytest.FixtureRequest,
    finished_event: Event,
    race: Session,
    championship: Championship,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    for url in organizer_urls(finished_event, race, championship):
        assert client.get(url).status_code == 200, url


def test_an_outsider_gets_404_on_every_organizer_url_and_changes_nothing(
    client: Client,
    outsider: Any,
    other_organization: Any,
    finished_event: Event,
    race: Session,
    championship: Championship,
) -> None:
    publish_results(session=race, source="typed", lines=[line("7", 1)])
    client.force_login(outsider)
    for url in organizer_urls(finished_event, race, championship):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    for url in post_urls(finished_event, race, championship):
        assert client.post(url).status_code == 404, url
    assert not SessionResult.objects.get(session=race).is_official
    assert championship.rounds.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(
    client: Client, finished_event: Event, race: Session, championship: Championship
) -> None:
    for url in organizer_urls(finished_event, race, championship) + post_urls(
        finished_event, race, championship
    ):
        response = client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_staff_cannot_reach_another_organizations_event_through_their_own_slug(
    client: Client,
    staff_member: Any,
    other_organization: Any,
    make_event: Any,
    make_session: Any,
    finished_event: Event,
) -> None:
    rival_event = make_event(organization=other_organization, slug="rival-cup")
    rival_session = make_session(rival_event)
    client.force_login(staff_member)
    url = reverse(
        "events:results-upload",
        kwargs={
            "org_slug": finished_event.organization.slug,
            "slug": rival_event.slug,
            "session_id": rival_session.pk,
        },
    )
    assert client.get(url).status_code == 404
