"""The P3 parser unescapes, checks length and CRC, and reads PASSING and STATUS records."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from live.engine.timing import DecoderStatus, TransponderPassing
from live.feeds.adapters.p3 import (
    PASSING,
    STATUS,
    P3Parser,
    crc16,
    decode_frame,
    encode_frame,
    escape,
    parse_capture,
    unescape,
)


def hex_lines(shared_timing_dir: str, name: str = "p3-amb.out") -> list[str]:
    with open(os.path.join(shared_timing_dir, name), encoding="ascii") as capture:
        return [line.strip() for line in capture if line.strip()]


def passing_frame(passing_no: int = 1, transponder: int = 1234, time_us: int = 10**15) -> bytes:
    return encode_frame(
        PASSING,
        [
            (0x01, passing_no.to_bytes(4, "little")),
            (0x03, transponder.to_bytes(4, "little")),
            (0x04, time_us.to_bytes(8, "little")),
        ],
    )


def test_the_worked_example_of_the_timing_notes_decodes(shared_timing_dir: str) -> None:
    # docs/timing.md's worked example: the third line of p3-amb-short.out (the same passing is
    # the first PASSING of p3-amb.out, whose third line is a STATUS frame).
    (event,) = P3Parser().feed_hex_line(hex_lines(shared_timing_dir, "p3-amb-short.out")[2])
    assert event == TransponderPassing(
        passing_no=157777,
        transponder=5691251,
        time_us=1551542808933000,
        strength=178,
        hits=52,
        flags=0,
        decoder_id=0x00041813,
    )


def test_every_frame_of_the_real_capture_has_a_valid_crc(shared_timing_dir: str) -> None:
    lines = hex_lines(shared_timing_dir)
    parser = P3Parser()
    events = [event for line in lines for event in parser.feed_hex_line(line)]
    assert parser.frames == len(lines) == 1388
    assert parser.rejected == 0
    assert sum(isinstance(e, TransponderPassing) for e in events) == 84
    assert sum(isinstance(e, DecoderStatus) for e in events) == 1304


def test_the_crc_is_the_table_step_then_the_byte(shared_timing_dir: str) -> None:
    frame = unescape(bytes.fromhex(hex_lines(shared_timing_dir)[0]))
    stored = int.from_bytes(frame[4:6], "little")
    assert crc16(frame[:4] + b"\x00\x00" + frame[6:]) == stored
    # The textbook CRC-16/CCITT (byte XORed before the table step) would not match.
    textbook = 0xFFFF
    for byte in frame[:4] + b"\x00\x00" + frame[6:]:
        textbook ^= byte << 8
        for _ in range(8):
            textbook = ((textbook << 1) ^ 0x1021) if textbook & 0x8000 else textbook << 1
            textbook &= 0xFFFF
    assert textbook != stored


def test_escaped_bytes_are_unescaped_before_length_and_crc() -> None:
    # Transponder 0x8E8D8F00 forces all three special bytes to be escaped on the wire.
    frame = passing_frame(transponder=0x008F8D8E)
    assert b"\x8d\xae" in frame and b"\x8d\xad" in frame and b"\x8d\xaf" in frame
    (event,) = P3Parser().feed(frame)
    assert isinstance(event, TransponderPassing) and event.transponder == 0x008F8D8E
    assert unescape(escape(unescape(frame))) == unescape(frame)


def test_a_frame_with_a_bad_crc_is_counted_and_dropped() -> None:
    frame = bytearray(unescape(passing_frame()))
    frame[4] ^= 0x01
    parser = P3Parser()
    assert parser.feed(escape(bytes(frame)) + passing_frame(passing_no=2)) != []
    assert parser.bad_crc == 1 and parser.frames == 1


def test_a_corrupted_payload_fails_the_crc() -> None:
    frame = bytearray(unescape(passing_frame()))
    frame[14] ^= 0x40
    parser = P3Parser()
    assert parser.feed(escape(bytes(frame))) == []
    assert parser.bad_crc == 1


def test_a_wrong_length_field_is_rejected() -> None:
    frame = bytearray(unescape(passing_frame()))
    frame[2] += 1
    parser = P3Parser()
    assert parser.feed(escape(bytes(frame))) == []
    assert parser.garbage == 1


def test_a_truncated_frame_is_counted_and_the_next_frame_still_reads() -> None:
    whole = passing_frame(passing_no=7)
    parser = P3Parser()
    events = parser.feed(whole[:12] + whole)
    assert [e.passing_no for e in events if isinstance(e, TransponderPassing)] == [7]
    assert parser.truncated == 1


def test_an_endless_frame_is_dropped_as_oversized() -> None:
    parser = P3Parser()
    assert parser.feed(b"\x8e" + b"\x01" * 5000) == []
    assert parser.oversized == 1
    assert len(parser.feed(passing_frame())) == 1


def test_unknown_record_types_and_tags_are_skipped() -> None:
    unknown_type = encode_frame(0x0042, [(0x01, b"\x01")])
    extra_tag = encode_frame(STATUS, [(0x01, b"\x05\x00"), (0x77, b"\x01\x02\x03")])
    parser = P3Parser()
    events = parser.feed(unknown_type + extra_tag)
    assert events == [DecoderStatus(noise=5)]
    assert parser.unknown == 1 and parser.rejected == 0


def test_a_raw_binary_capture_reads_like_the_hex_lines(shared_timing_dir: str) -> None:
    lines = hex_lines(shared_timing_dir, "p3-amb-short.out")
    binary = b"".join(bytes.fromhex(line) for line in lines)
    from_hex, _ = parse_capture("\n".join(lines).encode())
    parser = P3Parser()
    from_binary = [
        e for start in range(0, len(binary), 37) for e in parser.feed(binary[start : start + 37])
    ]
    assert from_binary == from_hex and len(from_hex) == len(lines)


def test_hex_lines_that_are_not_hex_are_garbage() -> None:
    parser = P3Parser()
    assert parser.feed_hex_line("zz not hex") == []
    assert parser.garbage == 1


def test_decode_frame_reads_version_and_type() -> None:
    frame = decode_frame(passing_frame())
    assert (frame.version, frame.record_type) == (2, PASSING)


@given(st.lists(st.binary(max_size=200), max_size=15))
def test_any_bytes_never_raise_and_a_good_frame_after_them_is_read(chunks: list[bytes]) -> None:
    parser = P3Parser()
    for chunk in chunks:
        parser.feed(chunk)
    events = parser.feed(b"\x8f" + passing_frame(passing_no=99))
    assert any(isinstance(e, TransponderPassing) and e.passing_no == 99 for e in events)
