"""Property tests of the timing pipeline with generated feeds (bytes-never-raise tests for each
parser live in tests/live/; these add structure, so the fuzzing reaches the field parsers).

A TCP feed arrives in arbitrary pieces: the events read must not depend on where the cuts fall.
And whatever records a timing system sends, parsing, the standings engine, snapshots and deltas
never raise, and snapshot + delta always equals the next snapshot.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live.engine.standings import State, apply, apply_delta, diff, snapshot
from live.engine.timing import TransponderPassing
from live.feeds.adapters.p3 import P3Parser, encode_frame
from live.feeds.adapters.rmonitor import RMonitorParser

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# RMonitor: real tags with plausible but arbitrary fields (times, numbers, quoted strings with
# commas and quotes in them, empty fields), plus lines that are not records at all.
times = st.one_of(
    st.from_regex(r"\A[0-9]{1,3}:[0-5][0-9]:[0-5][0-9](\.[0-9]{1,3})?\Z", fullmatch=True),
    st.sampled_from(["", "00:00:00.000", "00:59:59.999", "99:99:99", "-1", "1e9", "::", "."]),
)
numbers = st.one_of(st.integers(-5, 100_000).map(str), st.sampled_from(["", " ", "x", "9999"]))
texts = st.text(alphabet=st.characters(codec="cp1252", exclude_characters="\r\n"), max_size=12)
quoted = texts.map(lambda t: '"' + t.replace('"', '""') + '"')
field = st.one_of(times.map(lambda t: f'"{t}"'), numbers, quoted, st.just(""))
record = st.builds(
    lambda tag, fields: ",".join([tag, *fields]),
    st.sampled_from(
        ["$F", "$A", "$COMP", "$B", "$C", "$E", "$G", "$H", "$I", "$J", "$COR", "$L", "$Z", "G"]
    ),
    st.lists(field, max_size=9),
)
line_end = st.sampled_from(["\r\n", "\n"])
rmonitor_feed = st.lists(st.tuples(record, line_end), max_size=40).map(
    lambda lines: "".join(text + end for text, end in lines).encode("cp1252", "replace")
)


def cut(data: bytes, points: list[int]) -> list[bytes]:
    bounds = sorted({0, len(data), *(p % (len(data) + 1) for p in points)})
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


def read_rmonitor(pieces: list[bytes]) -> tuple[list[object], int]:
    parser = RMonitorParser()
    events: list[object] = []
    for piece in pieces:
        events.extend(parser.feed(piece))
    events.extend(parser.finish())
    return events, parser.rejected


@FUZZ
@given(rmonitor_feed, st.lists(st.integers(min_value=0), max_size=12))
def test_rmonitor_events_do_not_depend_on_where_the_stream_is_cut(
    data: bytes, points: list[int]
) -> None:
    assert read_rmonitor(cut(data, points)) == read_rmonitor([data])


@FUZZ
@given(rmonitor_feed, st.sampled_from(["race", "practice", "qualifying"]))
def test_any_rmonitor_records_flow_through_the_engine_and_deltas(data: bytes, mode: str) -> None:
    events, _ = read_rmonitor([data])
    state = State(mode=mode)
    session = {"id": 1, "name": "fuzz", "mode": mode}
    board = snapshot(state, seq=0, session=session)
    for seq, event in enumerate(events, start=1):
        apply(state, event)
        fresh = snapshot(state, seq=seq, session=session)
        delta = diff(board, fresh)
        if delta is not None:
            assert apply_delta(board, {**delta, "seq": seq}) == fresh
        board = fresh
    assert State.from_json(state.to_json()).to_json() == state.to_json()


# P3: valid passing frames with arbitrary values, frames with a flipped byte, and garbage.
u32 = st.integers(0, 2**32 - 1)
passing = st.builds(
    lambda no, transponder, time_us, strength: encode_frame(
        0x0001,
        [
            (0x01, no.to_bytes(4, "little")),
            (0x03, transponder.to_bytes(4, "little")),
            (0x04, time_us.to_bytes(8, "little")),
            (0x05, strength.to_bytes(2, "little")),
        ],
    ),
    u32,
    u32,
    st.integers(0, 2**64 - 1),
    st.integers(0, 2**16 - 1),
)


def flip(frame: bytes, index: int, bit: int) -> bytes:
    position = 1 + index % max(1, len(frame) - 2)
    return frame[:position] + bytes([frame[position] ^ (1 << bit)]) + frame[position + 1 :]


damaged = st.builds(flip, passing, st.integers(min_value=0), st.integers(0, 7))
p3_feed = st.lists(st.one_of(passing, damaged, st.binary(max_size=30)), max_size=20).map(b"".join)


def read_p3(pieces: list[bytes]) -> tuple[list[object], int]:
    parser = P3Parser()
    events: list[object] = []
    for piece in pieces:
        events.extend(parser.feed(piece))
    events.extend(parser.finish())
    return events, parser.rejected


@FUZZ
@given(p3_feed, st.lists(st.integers(min_value=0), max_size=12))
def test_p3_events_do_not_depend_on_where_the_stream_is_cut(data: bytes, points: list[int]) -> None:
    assert read_p3(cut(data, points)) == read_p3([data])


@FUZZ
@given(u32, u32, st.integers(0, 2**64 - 1))
def test_a_p3_passing_reads_back_the_values_it_was_built_from(
    no: int, transponder: int, time_us: int
) -> None:
    frame = encode_frame(
        0x0001,
        [
            (0x01, no.to_bytes(4, "little")),
            (0x03, transponder.to_bytes(4, "little")),
            (0x04, time_us.to_bytes(8, "little")),
        ],
    )
    events, rejected = read_p3([frame])
    assert rejected == 0
    (event,) = events
    assert isinstance(event, TransponderPassing)
    assert (event.passing_no, event.transponder, event.time_us) == (no, transponder, time_us)
