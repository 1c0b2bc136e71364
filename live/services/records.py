"""Track and class records per circuit layout, and the board's announcements of new bests.

Called by `live.services.timing` under the session lock, before a change is published: a lap
that beats the layout's track record (or its class record) replaces the record and posts one
announcement on the board in the same change; a lap that beats the session best without beating
a record announces the session best (only the newest such announcement stays on the board). A
layout's first session sets its records without announcing them (nothing was beaten), and a
session improving a record it set itself announces a session best.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from live.engine.standings import State, post_message, rows, withdraw_message
from live.models import LiveSession, RaceControlMessage, TrackRecord


def announce_bests(*, session: LiveSession, state: State) -> None:
    old = {row["key"]: row for row in (session.snapshot or {}).get("rows", [])}
    old_session_best = min(
        (row["best_lap_ms"] for row in old.values() if row.get("best_lap_ms") is not None),
        default=None,
    )
    improved = [
        row
        for row in rows(state)
        if row["best_lap_ms"] is not None
        and (old.get(row["key"], {}).get("best_lap_ms") or row["best_lap_ms"] + 1)
        > row["best_lap_ms"]
    ]
    if not improved:
        return
    session_best_announced = False
    for row in sorted(improved, key=lambda r: r["best_lap_ms"]):
        scope = _beat_records(session, row) if session.layout else ""
        if (
            not scope
            and not session_best_announced
            and old_session_best is not None
            and row["best_lap_ms"] < old_session_best
        ):
            scope = RaceControlMessage.Record.SESSION
        if not scope:
            continue
        if scope == RaceControlMessage.Record.SESSION:
            session_best_announced = True
            for message in list(state.messages):
                if message.get("record") == RaceControlMessage.Record.SESSION:
                    withdraw_message(state, message.get("id"))
        announcement = RaceControlMessage.objects.create(
            session=session,
            kind=RaceControlMessage.Kind.RECORD,
            record=scope,
            car_number=str(row["number"])[:16],
            text=str(row["name"])[:300],
            lap_ms=row["best_lap_ms"],
            class_name=str(row["class"])[:120],
        )
        post_message(state, announcement.board_dict())


def _beat_records(session: LiveSession, row: dict[str, Any]) -> str:
    """Update the layout's records with this best lap; the scope of the record beaten, if any."""
    beaten = ""
    scopes = [("", RaceControlMessage.Record.TRACK)]
    if row["class"]:
        scopes.append((str(row["class"])[:120], RaceControlMessage.Record.CLASS))
    for class_name, scope in scopes:
        record = (
            TrackRecord.objects.select_for_update()
            .filter(layout=session.layout, class_name=class_name)
            .first()
        )
        values = {
            "lap_ms": row["best_lap_ms"],
            "car_number": str(row["number"])[:16],
            "driver_name": str(row["name"])[:200],
            "session": session,
            "set_at": timezone.now(),
        }
        if record is None:
            TrackRecord.objects.create(layout=session.layout, class_name=class_name, **values)
        elif row["best_lap_ms"] < record.lap_ms:
            # A record this session set and now improves is a session best, not news of a record.
            if record.session_id != session.pk:
                beaten = beaten or scope
            for name, value in values.items():
                setattr(record, name, value)
            record.save()
    return beaten
