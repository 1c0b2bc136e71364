"""Race control: officials' messages, penalties and pit marks, through the board's own path.

A public message goes into the session's engine state and out with the next delta, under the
session lock like timing data, so it reaches every board and the API at once. Staff-only
messages stay in the log. Penalties are read back by `live.services.results` when the session is
published as provisional results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from live.engine.standings import apply as apply_event
from live.engine.standings import find_car, post_message, withdraw_message
from live.engine.timing import PitMark
from live.exceptions import RaceControlError
from live.models import LiveSession, RaceControlMessage
from live.services.timing import publish_change, session_state

# A time penalty longer than this is a typing mistake (the results service refuses a day).
MAX_PENALTY_SECONDS = 3600
MAX_SECTOR = 99


def post_race_control_message(
    *,
    session_id: int,
    kind: str,
    actor: Any = None,
    text: str = "",
    flag: str = "",
    sector: int | None = None,
    car_number: str = "",
    penalty: str = "",
    penalty_seconds: int | None = None,
    penalty_positions: int | None = None,
    public: bool = True,
) -> RaceControlMessage:
    """Log a message; a public one is on every board with the change this call publishes."""
    text, car_number = text.strip()[:300], car_number.strip()[:16]
    _check(kind, flag, sector, car_number, penalty, penalty_seconds, penalty_positions, text)
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        if kind in _NEEDS_CAR and not _car_known(session, car_number):
            raise RaceControlError(
                "car_number", _("Car %(number)s is not on this board.") % {"number": car_number}
            )
        message = RaceControlMessage.objects.create(
            session=session,
            kind=kind,
            text=text,
            flag=flag,
            sector=sector,
            car_number=car_number,
            penalty=penalty if kind == RaceControlMessage.Kind.PENALTY else "",
            penalty_seconds=penalty_seconds if penalty == RaceControlMessage.Penalty.TIME else None,
            penalty_positions=(
                penalty_positions if penalty == RaceControlMessage.Penalty.POSITIONS else None
            ),
            public=public,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if public:
            state = session_state(session)
            post_message(state, message.board_dict())
            publish_change(session, state)
    return message


_NEEDS_CAR = {
    RaceControlMessage.Kind.PENALTY,
    RaceControlMessage.Kind.TRACK_LIMITS,
    RaceControlMessage.Kind.INVESTIGATION,
}


def _check(
    kind: str,
    flag: str,
    sector: int | None,
    car_number: str,
    penalty: str,
    penalty_seconds: int | None,
    penalty_positions: int | None,
    text: str,
) -> None:
    if kind not in RaceControlMessage.Kind.values or kind == RaceControlMessage.Kind.RECORD:
        raise RaceControlError("kind", _("Choose what kind of message this is."))
    if flag and flag not in RaceControlMessage.Flag.values:
        raise RaceControlError("flag", _("Choose a flag from the list."))
    if kind == RaceControlMessage.Kind.FLAG and not flag:
        raise RaceControlError("flag", _("Choose the flag."))
    if sector is not None and not 1 <= sector <= MAX_SECTOR:
        raise RaceControlError("sector", _("A sector is a number from 1 to 99."))
    if kind in _NEEDS_CAR and not car_number:
        raise RaceControlError("car_number", _("Give the car number."))
    if kind == RaceControlMessage.Kind.PENALTY:
        if penalty not in RaceControlMessage.Penalty.values:
            raise RaceControlError("penalty", _("Choose the penalty."))
        if penalty == RaceControlMessage.Penalty.TIME and not (
            penalty_seconds and 1 <= penalty_seconds <= MAX_PENALTY_SECONDS
        ):
            raise RaceControlError("penalty_seconds", _("A time penalty is 1 to 3600 seconds."))
        if penalty == RaceControlMessage.Penalty.POSITIONS and not (
            penalty_positions and 1 <= penalty_positions <= 100
        ):
            raise RaceControlError("penalty_positions", _("Give 1 to 100 places."))
        if not text:
            raise RaceControlError("text", _("Give the reason for the penalty."))
    if kind == RaceControlMessage.Kind.NOTE and not text:
        raise RaceControlError("text", _("Write the message."))


def _car_known(session: LiveSession, car_number: str) -> bool:
    return any(
        str(row.get("number")) == car_number for row in (session.snapshot or {}).get("rows", [])
    )


def withdraw_race_control_message(*, session_id: int, message_id: int) -> RaceControlMessage:
    """A message posted by mistake leaves the board and the results; the log keeps it, marked."""
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        message = RaceControlMessage.objects.get(pk=message_id, session=session)
        if message.withdrawn_at is None:
            message.withdrawn_at = timezone.now()
            message.save(update_fields=["withdrawn_at"])
            state = session_state(session)
            if withdraw_message(state, message.pk):
                publish_change(session, state)
    return message


def mark_pit(*, session_id: int, car: str, pit_in: bool) -> int | None:
    """Staff mark a car into or out of the pit lane now; returns the seq of the change."""
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        state = session_state(session)
        found = find_car(state, car)
        if found is None:
            raise RaceControlError(
                "car", _("Car %(number)s is not on this board.") % {"number": car}
            )
        if found.in_pit == pit_in:
            raise RaceControlError(
                "car",
                (
                    _("Car %(number)s is already in the pit lane.")
                    if pit_in
                    else _("Car %(number)s is not in the pit lane.")
                )
                % {"number": found.number},
            )
        apply_event(state, PitMark(car=found.key, pit_in=pit_in, at_ms=int(time.time() * 1000)))
        return publish_change(session, state)


@dataclass(frozen=True)
class CarPenalties:
    """What race control's penalties add up to for one car in the provisional results."""

    penalty_ms: int = 0
    penalty_positions: int = 0
    disqualified: bool = False
    reasons: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)[:300]


def penalties_by_car(session: LiveSession) -> dict[str, CarPenalties]:
    """Every car's penalties from the log (withdrawn ones left out), by car number."""
    totals: dict[str, CarPenalties] = {}
    messages = RaceControlMessage.objects.filter(
        session=session, kind=RaceControlMessage.Kind.PENALTY, withdrawn_at__isnull=True
    ).order_by("created_at", "id")
    for message in messages:
        if message.penalty not in _RESULT_PENALTIES:
            continue
        before = totals.get(message.car_number, CarPenalties())
        totals[message.car_number] = CarPenalties(
            penalty_ms=before.penalty_ms + (message.penalty_seconds or 0) * 1000,
            penalty_positions=before.penalty_positions + (message.penalty_positions or 0),
            disqualified=before.disqualified
            or message.penalty == RaceControlMessage.Penalty.DISQUALIFIED,
            reasons=(*before.reasons, message.text),
        )
    return totals


# Penalties served on track (drive-through, stop and go) and warnings change no result.
_RESULT_PENALTIES = {
    RaceControlMessage.Penalty.TIME,
    RaceControlMessage.Penalty.POSITIONS,
    RaceControlMessage.Penalty.DISQUALIFIED,
}
