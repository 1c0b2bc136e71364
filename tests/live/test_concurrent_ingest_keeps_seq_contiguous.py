"""Two processes applying timing to one session at once never share or skip a seq (the row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from live.engine.timing import Competitor, Heartbeat
from live.models import LiveDelta
from live.services.timing import apply_timing_events, create_live_session


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_writers_produce_one_contiguous_sequence() -> None:
    session = create_live_session(name="Race 1")
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            for n in range(25):
                apply_timing_events(
                    session_id=session.pk,
                    events=[
                        Competitor(reg_no=f"{offset}-{n}", number=str(n)),
                        Heartbeat(None, None, None, offset * 1000 + n + 1, "green"),
                    ],
                )
        except BaseException as exc:  # surfaced below, in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(offset,)) for offset in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    session.refresh_from_db()
    seqs = list(
        LiveDelta.objects.filter(session=session).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 51)) and session.seq == 50
    assert len(session.snapshot["rows"]) == 50
