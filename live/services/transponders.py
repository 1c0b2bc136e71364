"""Which board row a P3 transponder belongs to.

Order of lookup, once per transponder and live session: a mapping already made for this live
session (`LiveTransponder`), then the confirmed entry of the event whose transponder number
(set by staff at check-in, `events.Entry.transponder`) matches, then a new ad hoc row named after
the transponder so an unknown car still shows up on the board. The answer is stored as a
`LiveTransponder` row, so later passings do not query entries again and staff can correct it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from events.models import Entry
from live.engine.standings import State, carries
from live.engine.timing import Competitor
from live.models import LiveSession, LiveTransponder
from racing.queries.drivers import public_name


@dataclass(frozen=True)
class EntryIdentity:
    number: str
    name: str
    class_name: str


def entry_for_transponder(*, event_session: Any, transponder: int) -> EntryIdentity | None:
    """The confirmed entry of the session's event carrying `transponder`, if any.

    Entries keep the number as typed (text, maybe with leading zeros); decoders report an integer.
    """
    wanted = str(transponder)
    candidates = (
        Entry.objects.filter(
            event_id=event_session.event_id,
            status=Entry.Status.CONFIRMED,
            transponder__endswith=wanted,
        )
        .select_related("driver__driver_profile", "entry_class")
        .order_by("pk")
    )
    entry = next((e for e in candidates if e.transponder.lstrip("0") == wanted), None)
    if entry is None:
        return None
    return EntryIdentity(
        number=str(entry.car_number) if entry.car_number is not None else wanted,
        # The name results give the same driver; never the e-mail or username on a public board.
        name=public_name(entry.driver),
        class_name=entry.entry_class.name,
    )


def resolve_transponder(*, session: LiveSession, transponder: int) -> Competitor:
    """A competitor record for `transponder`, creating the session's mapping row when needed."""
    mapping = LiveTransponder.objects.filter(session=session, transponder=transponder).first()
    if mapping is None:
        found = None
        if session.event_session is not None:
            found = entry_for_transponder(
                event_session=session.event_session, transponder=transponder
            )
        mapping = LiveTransponder.objects.create(
            session=session,
            transponder=transponder,
            number=found.number if found else str(transponder),
            name=found.name if found else "",
            class_name=found.class_name if found else "",
        )
    return Competitor(
        reg_no=f"t{transponder}",
        number=mapping.number or str(transponder),
        first_name=mapping.name,
        transponder=transponder,
        class_name=mapping.class_name,
    )


@dataclass(frozen=True)
class AdHocRow:
    mapping: LiveTransponder
    # A crossing has used the mapping: the car is on the board, so the mapping cannot be removed.
    on_board: bool


def entry_transponders(*, event_session: Any) -> set[int]:
    """Transponder numbers carried by the confirmed entries of the session's event."""
    values = Entry.objects.filter(
        event_id=event_session.event_id, status=Entry.Status.CONFIRMED
    ).values_list("transponder", flat=True)
    digits = (value.strip().lstrip("0") for value in values)
    return {int(value) for value in digits if value.isascii() and value.isdigit()}


def ad_hoc_rows(session: LiveSession) -> list[AdHocRow]:
    """The session's mappings that no confirmed entry accounts for: unknown cars that crossed,
    and the mappings staff made in advance. Staff name these; entries are named at check-in."""
    carried = set()
    if session.event_session is not None:
        carried = entry_transponders(event_session=session.event_session)
    state = State.from_json(session.engine_state)
    return [
        AdHocRow(mapping, carries(state, mapping.transponder))
        for mapping in session.transponders.order_by("transponder")
        if mapping.transponder not in carried
    ]
