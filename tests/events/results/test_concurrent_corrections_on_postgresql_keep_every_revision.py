"""Staff correcting the same official results at once: every correction is kept, in order, and
the standings end consistent with the last one."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from events.models import ChampionshipStanding, ResultRevision, Session, SessionResult
from events.services.championships import add_round, create_championship
from events.services.results import publish_results
from tests.events.results.conftest import line

pytestmark = pytest.mark.postgres


def test_eight_simultaneous_corrections_make_eight_revisions(
    transactional_db: None, finished_event: object, race: Session
) -> None:
    championship = create_championship(
        organization=race.event.organization, name="Cup", season=2026, position_points=[10, 6]
    )
    add_round(championship=championship, session=race)
    publish_results(session=race, source="csv", official=True, lines=[line("7", 1), line("23", 2)])
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def correct(n: int) -> None:
        start.wait()
        try:
            winner, second = ("7", "23") if n % 2 else ("23", "7")
            publish_results(
                session=race,
                source="typed",
                reason=f"correction {n}",
                lines=[line(winner, 1), line(second, 2)],
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    result = SessionResult.objects.get(session=race)
    numbers = list(
        ResultRevision.objects.filter(result=result)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, 10))
    assert result.revision == 9
    winner = result.rows.get(position=1)
    leader = ChampionshipStanding.objects.get(championship=championship, position=1)
    assert leader.name == winner.driver_name
