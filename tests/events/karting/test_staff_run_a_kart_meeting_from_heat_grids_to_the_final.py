"""The meeting's stages end to end with the real services and database: heat grids from the
qualifying, heat points, the pre-final grid from them, the final grid from the pre-final, karts
drawn at every stage and every step in the audit log."""

from __future__ import annotations

import pytest

from events.models import AuditLog, Event, Session, StartingGrid
from events.services import karting

from .conftest import finish

pytestmark = pytest.mark.django_db


def test_heats_pair_the_groups_and_grids_follow_the_qualifying(
    meeting: Event, stages: dict[str, Session]
) -> None:
    grids = karting.make_heat_grids(event=meeting, seed="fixed")
    # Six drivers, four a grid: groups A (1, 4), B (2, 5), C (3, 6); heats A-B, A-C, B-C.
    assert [grid.order for grid in grids] == [
        ["1", "2", "4", "5"],
        ["1", "3", "4", "6"],
        ["2", "3", "5", "6"],
    ]
    assert [grid.session.name for grid in grids] == ["Heat 1", "Heat 2", "Heat 3"]
    assert AuditLog.objects.filter(event=meeting, action="grid_made").count() == 3


def test_heat_points_make_the_prefinal_grid_and_its_result_the_final_grid(
    meeting: Event, stages: dict[str, Session]
) -> None:
    karting.make_heat_grids(event=meeting, seed="fixed")
    finish(stages["Heat 1"], ["5", "1", "2", "4"])  # 5:0 1:2 2:3 4:4
    finish(stages["Heat 2"], ["6", "3", "1", "4"], dnf=("4",))  # 6:0 3:2 1:3 4:4 (last of 4)
    finish(stages["Heat 3"], ["2", "5", "6", "3"])  # 2:0 5:2 6:3 3:4
    # Totals: 1=5, 2=3, 3=6, 4=8, 5=2, 6=3. 2 and 6 tie on 3 with a win each; then a 2nd
    # place? neither (2: 1st and 3rd; 6: 1st and 3rd): the qualifying puts 2 first.
    ranking = {r.driver: r.points for r in karting.heat_ranking(meeting)}
    assert ranking == {"1": 5, "2": 3, "3": 6, "4": 8, "5": 2, "6": 3}
    prefinal = karting.make_final_grid(session=stages["Pre-final"])
    assert prefinal.order == ["5", "2", "6", "1"]  # cut at the grid of four
    assert prefinal.source == StartingGrid.Source.HEAT_POINTS
    finish(stages["Pre-final"], ["2", "5", "1", "6"], dnf=("6",))
    final = karting.make_final_grid(session=stages["Final"])
    assert final.order == ["2", "5", "1", "6"]
    assert final.source == StartingGrid.Source.PREFINAL


def test_a_final_grid_before_any_heat_result_is_refused(
    meeting: Event, stages: dict[str, Session], english: None
) -> None:
    karting.make_heat_grids(event=meeting, seed="fixed")
    with pytest.raises(karting.KartingError, match="publish the heat results"):
        karting.make_final_grid(session=stages["Pre-final"])
    with pytest.raises(karting.KartingError, match="pre-final or a final"):
        karting.make_final_grid(session=stages["Heat 1"])


def test_too_few_heat_sessions_for_the_groups_is_explained(
    meeting: Event, stages: dict[str, Session], english: None
) -> None:
    stages["Heat 3"].delete()
    with pytest.raises(karting.KartingError, match="race 3 heats, but the event has 2"):
        karting.make_heat_grids(event=meeting)
    assert not StartingGrid.objects.exists()


def test_karts_are_drawn_so_nobody_drives_the_same_kart_twice(
    meeting: Event, stages: dict[str, Session]
) -> None:
    karting.make_heat_grids(event=meeting, seed="fixed")
    driven: dict[str, list[str]] = {}
    fleet = ["10", "11", "12", "13", "14", "15"]
    for name in ("Heat 1", "Heat 2", "Heat 3"):
        grid = karting.draw_karts(session=stages[name], karts=fleet, seed=f"k-{name}")
        assert sorted(grid.karts) == sorted(grid.order)
        assert len(set(grid.karts.values())) == len(grid.order)
        for number, kart in grid.karts.items():
            driven.setdefault(number, []).append(kart)
    assert all(len(set(karts)) == len(karts) for karts in driven.values())
    audit = AuditLog.objects.filter(event=meeting, action="karts_drawn")
    assert audit.count() == 3
    assert "k-Heat 1" in audit.first().detail  # the seed, so the draw can be checked


def test_the_same_draw_seed_gives_the_same_grids(meeting: Event) -> None:
    first = [g.order for g in karting.make_heat_grids(event=meeting, seed="again")]
    second = [g.order for g in karting.make_heat_grids(event=meeting, seed="again")]
    assert first == second


def test_a_drawn_heat_grid_is_a_permutation_of_its_groups(
    meeting: Event, stages: dict[str, Session]
) -> None:
    for session in meeting.sessions.exclude(name="Qualifying"):
        session.rules = {**session.rules, "heat_grid": "draw"}
        session.save()
    grids = karting.make_heat_grids(event=meeting, seed="drawn")
    assert [g.source for g in grids] == [StartingGrid.Source.DRAW] * 3
    # Groups of two, drawn; every heat races two of them, so every driver races two heats and
    # meets all five others.
    heats_of = {n: sum(n in g.order for g in grids) for n in ["1", "2", "3", "4", "5", "6"]}
    assert heats_of == dict.fromkeys(heats_of, 2)
    for number in heats_of:
        met = {other for g in grids if number in g.order for other in g.order}
        assert met == set(heats_of)
