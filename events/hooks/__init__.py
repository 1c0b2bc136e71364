"""Extension points so that apps above `events` (live) can add to its pages without `events`
importing them.

An app appends a callable in its AppConfig.ready(); events' views call each one.
- live_now: f(event_slug="") -> list of LiveNow items shown under "Live now" on the home page
  (all events) and on an event's page (that event's only).
- result_sources, session_replays: see below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LiveNow:
    title: str  # e.g. "Race 2 — Shanghai Club Cup"
    url: str  # where to watch it
    event_slug: str = ""


live_now: list[Callable[..., list[LiveNow]]] = []


def collect_live_now(*, event_slug: str = "") -> list[LiveNow]:
    return [item for provider in live_now for item in provider(event_slug=event_slug)]


# - result_sources: f(session) -> list of (label, url) shown next to a session on the organizer's
#   results page, e.g. "Publish from live timing" when live has a finished session for it.
result_sources: list[Callable[[Any], list[tuple[str, str]]]] = []


def collect_result_sources(session: Any) -> list[tuple[str, str]]:
    return [link for provider in result_sources for link in provider(session)]


# - timed_runs_changed: f(session) called after the commit of any change to a timed-runs session's
#   runs (entered, corrected, imported, started by a loop); live publishes its board from it.
timed_runs_changed: list[Callable[[Any], None]] = []

# - efficiency_changed: f(session) called after the commit of any change to an efficiency
#   session's runs (entered, corrected, rescored); live publishes its board from it.
efficiency_changed: list[Callable[[Any], None]] = []


# - session_replays: f(session) -> list of (label, url) shown on a session's public results page,
#   e.g. a replay of the live timing of that session once it has finished.
session_replays: list[Callable[[Any], list[tuple[str, str]]]] = []


def collect_session_replays(session: Any) -> list[tuple[str, str]]:
    return [link for provider in session_replays for link in provider(session)]


# - stamps_changed: f(route_id) called after a commit that changed a regularity route's stamps
#   (a marshal's sync, an official's correction, an import): live republishes the standings.
stamps_changed: list[Callable[[int], object]] = []


def notify_stamps_changed(route_id: int) -> None:
    for listener in stamps_changed:
        listener(route_id)


# - live_board_socket: f(session) -> the WebSocket path of the session's live standings, or "".
live_board_socket: list[Callable[[Any], str]] = []


def collect_live_board_socket(session: Any) -> str:
    return next((path for provider in live_board_socket if (path := provider(session))), "")
