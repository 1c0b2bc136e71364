"""Publishing a finished live session's standings as official results.

Live depends on events, never the reverse: this module turns live's final classification into
the lines that `events.services.results.publish_results` takes, the same service that typed and
uploaded results go through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext as _

from events.models import ResultStatus, SessionResult
from events.services.results import LapLine, ResultLine, ResultsError, publish_results
from live.engine.standings import apply_delta
from live.models import LiveDelta, LiveSession
from live.services.racecontrol import CarPenalties, penalties_by_car
from live.services.timing import final_classification


def _car_number(row: dict[str, Any]) -> str:
    number = str(row.get("number") or "")
    if not number and row.get("transponder"):
        number = f"T{row['transponder']}"[:8]
    return number


def lap_lines(deltas: Iterable[dict[str, Any]]) -> list[LapLine]:
    """Each car's position and lap time as it completed each lap, for the lap charts.

    The stored deltas are replayed from the empty board the session started with, the way a
    spectator's browser applies them; a lap is recorded when a car's lap count goes up. Laps go
    under the car number the row had last, so a row staff renumbered (an unknown
    transponder given its car number) keeps all its laps under that number.
    """
    board: dict[str, Any] = {"rows": []}
    seen: dict[str, int] = {}
    laps: dict[tuple[str, int], tuple[int, int | None]] = {}
    # The latest number of every row, also of rows no longer on the board at the end.
    numbers: dict[str, str] = {}
    for delta in deltas:
        board = apply_delta(board, delta)
        for position, row in enumerate(board["rows"], start=1):
            numbers[row["key"]] = _car_number(row)
            lap = row.get("laps") or 0
            if lap <= seen.get(row["key"], 0):
                continue
            seen[row["key"]] = lap
            laps.setdefault(
                (row["key"], lap), (row.get("position") or position, row.get("last_lap_ms"))
            )
    lines: dict[tuple[str, int], LapLine] = {}
    for (key, lap), (position, lap_ms) in laps.items():
        number = numbers.get(key, "")
        if number:
            lines.setdefault((number, lap), LapLine(number, lap, position, lap_ms))
    return list(lines.values())


def result_lines(
    rows: Sequence[dict[str, Any]], penalties: dict[str, CarPenalties] | None = None
) -> list[ResultLine]:
    """Result lines from live's final classification, in its finishing order.

    A car that never completed a lap did not start as far as the timing knows; staff can
    change any status (DNF, DSQ...) on the typed-in results page before making them official.
    Race control's penalties (`penalties`, by car number) come with their reasons: time and
    places are applied by the results service, a disqualification makes the car DSQ.
    """
    lines = []
    position = 0
    for row in rows:
        laps = row.get("laps") or 0
        number = _car_number(row)
        penalty = (penalties or {}).get(number, CarPenalties())
        started = laps > 0
        status = ResultStatus.CLASSIFIED if started else ResultStatus.DNS
        if penalty.disqualified:
            status = ResultStatus.DSQ
        classified = status == ResultStatus.CLASSIFIED
        if classified:
            position += 1
        lines.append(
            ResultLine(
                car_number=number,
                status=status,
                position=position if classified else None,
                driver_name=str(row.get("name") or "")[:200],
                class_name=str(row.get("class") or "")[:120],
                laps=laps if started else None,
                total_ms=row.get("total_ms") if started else None,
                best_lap_ms=row.get("best_lap_ms"),
                best_lap_no=row.get("best_lap_no"),
                penalty_ms=penalty.penalty_ms if classified else 0,
                penalty_positions=penalty.penalty_positions if classified else 0,
                penalty_reason=penalty.reason,
            )
        )
    return lines


def publish_live_results(
    *, live_session: LiveSession, by: AbstractBaseUser | None = None, official: bool = False
) -> SessionResult:
    """Publish a finished live session's classification to its event session."""
    if live_session.event_session_id is None:
        raise ResultsError(_("This live session is not linked to a session of an event."))
    if live_session.status != LiveSession.Status.FINISHED:
        raise ResultsError(_("The live session has not finished yet."))
    return publish_results(
        session=live_session.event_session,  # type: ignore[arg-type]
        lines=result_lines(final_classification(live_session), penalties_by_car(live_session)),
        laps=lap_lines(
            LiveDelta.objects.filter(session=live_session)
            .order_by("seq")
            .values_list("payload", flat=True)
        ),
        source=SessionResult.Source.LIVE,
        by=by,
        official=official,
    )
