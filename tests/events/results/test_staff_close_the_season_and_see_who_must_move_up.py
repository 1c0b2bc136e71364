"""Staff see who must move up on the championship page and close (or reopen) the season."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from events.models import Championship, Event, Session
from racing.models import Organization
from tests.events.promotion_season import Season, run_season

pytestmark = pytest.mark.django_db

ORDER = ["Ann", "Bo", "Cai", "Dan"]


@pytest.fixture
def season(
    organization: Organization,
    make_event: Callable[..., Event],
    make_session: Callable[..., Session],
    make_user: Callable[..., Any],
) -> Season:
    return run_season(
        organization=organization,
        make_event=make_event,
        make_session=make_session,
        make_user=make_user,
        rounds=[ORDER],
    )


def urls(championship: Championship) -> tuple[str, str]:
    manage = championship.get_manage_url()
    return manage, f"{manage}season/"


def test_the_page_lists_who_must_move_up_and_closing_records_who_and_when(
    client: Any, staff_member: Any, season: Season
) -> None:
    championship = season.championship
    manage, season_url = urls(championship)
    client.force_login(staff_member)

    page = client.get(manage, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Once the season is closed" in page
    for name in ("Ann", "Bo", "Cai"):
        assert f"<td>{name}</td>" in page
    assert "<td>Dan</td>" not in page

    response = client.post(season_url, {"action": "close"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    championship.refresh_from_db()
    assert championship.season_closed_at is not None
    assert championship.season_closed_by == staff_member

    page = client.get(manage, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "本赛季已于" in page
    assert "重新开启赛季" in page
    public = client.get(championship.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "本赛季已结束" in public.content.decode()

    client.post(season_url, {"action": "reopen"})
    championship.refresh_from_db()
    assert championship.season_closed_at is None
    assert championship.season_closed_by is None


def test_a_promoted_line_without_an_account_is_shown_as_not_checked(
    client: Any, staff_member: Any, season: Season
) -> None:
    season.championship.standings.filter(name="Ann").update(driver=None)
    client.force_login(staff_member)
    page = client.get(season.championship.get_manage_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert "the results do not link this driver to an account" in page.content.decode()


@pytest.mark.parametrize("data", [{}, {"action": "explode"}, {"action": ""}])
def test_a_bad_action_changes_nothing_and_says_why(
    client: Any, staff_member: Any, season: Season, data: dict[str, Any]
) -> None:
    client.force_login(staff_member)
    response = client.post(
        urls(season.championship)[1], data, follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    season.championship.refresh_from_db()
    assert season.championship.season_closed_at is None
    assert "Choose whether to close or reopen the season." in response.content.decode()


def test_another_organizations_staff_cannot_close_the_season(
    client: Any, outsider: Any, season: Season
) -> None:
    client.force_login(outsider)
    response = client.post(urls(season.championship)[1], {"action": "close"})
    assert response.status_code == 404
    season.championship.refresh_from_db()
    assert season.championship.season_closed_at is None
