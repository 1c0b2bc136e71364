"""Which board row a P3 transponder belongs to.

Order of lookup: a mapping already made for this live session (`LiveTransponder`), then the entry
that registration (issue 5) gave this transponder number, then a new ad hoc row named after the
transponder so an unknown car still shows up on the board.

The entry lookup is `events.queries.entry_for_transponder(*, session, transponder)` returning
`{"number": str, "name": str, "class_name": str}` or None. Until the events app provides it, every
transponder becomes an ad hoc row; this module keeps working either way.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from live.models import LiveSession, LiveTransponder
from live.timing import Competitor

ENTRY_LOOKUP = ("events.queries", "entry_for_transponder")


def entry_lookup() -> Any:
    module_name, function_name = ENTRY_LOOKUP
    try:
        module = import_module(module_name)
    except ModuleNotFoundError:
        return None
    return getattr(module, function_name, None)


def resolve_transponder(*, session: LiveSession, transponder: int) -> Competitor:
    """A competitor record for `transponder`, creating the ad hoc mapping row when needed."""
    mapping = LiveTransponder.objects.filter(session=session, transponder=transponder).first()
    if mapping is None:
        found = None
        lookup = entry_lookup()
        if lookup is not None and session.event_session_id is not None:
            found = lookup(session=session.event_session, transponder=transponder)
        found = found or {}
        mapping = LiveTransponder.objects.create(
            session=session,
            transponder=transponder,
            number=str(found.get("number") or transponder),
            name=str(found.get("name") or ""),
            class_name=str(found.get("class_name") or ""),
        )
    return Competitor(
        reg_no=f"t{transponder}",
        number=mapping.number or str(transponder),
        first_name=mapping.name,
        transponder=transponder,
        class_name=mapping.class_name,
    )
