"""Places gained or lost over a car's last lap. Pure, no Django.

The board shows an arrow per car: how many places it gained (or lost) between the moment it
completed its previous lap and the moment it completed its latest one. Two row fields carry it,
computed from the previous snapshot's rows and the new ones, so they are stored in the snapshot and
travel in its deltas like every other field (a replay of the deltas shows the same arrows):

- `lap_position`: the car's position when it completed its latest lap (its position when it
  first appeared on the board, before it completes one);
- `places_gained`: `lap_position` before the latest lap minus `lap_position` now; positive is
  places gained, negative places lost, null until the car has completed a lap on this board.

A lap count going down (a new board, a correction taking a lap away) starts the car over.
"""

from __future__ import annotations

from typing import Any


def with_moves(previous: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` with `lap_position` and `places_gained` set from the `previous` rows (by key)."""
    before = {row["key"]: row for row in previous}
    result = []
    for row in rows:
        old = before.get(row["key"])
        position = row["position"]
        lap_position: int | None
        places_gained: int | None
        if old is None or (row.get("laps") or 0) < (old.get("laps") or 0):
            lap_position, places_gained = position, None
        elif (row.get("laps") or 0) > (old.get("laps") or 0):
            start = old.get("lap_position")
            lap_position = position
            places_gained = None if start is None else start - position
        else:
            lap_position = old.get("lap_position", position)
            places_gained = old.get("places_gained")
        result.append({**row, "lap_position": lap_position, "places_gained": places_gained})
    return result
