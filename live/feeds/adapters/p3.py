"""AMB / MYLAPS P3 decoder protocol parser: bytes in, timing events out.

Pure: no Django, no I/O. A frame is `8E | version | length u16 LE | crc u16 LE | flags u16 LE |
type u16 LE | TLV fields | 8F`, with 8D/8E/8F escaped inside as `8D, byte + 0x20`. Length and CRC
are over the unescaped frame (docs/timing.md, P3). Frames with a wrong CRC or length are
counted and dropped: applying a corrupted passing would put a car a lap up or down. A number
field wider than the protocol's (u16, u32, u64) is out of range: in a PASSING's transponder or
time the passing is dropped, elsewhere the field is null; both are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from live.engine.timing import DecoderStatus, TimingEvent, TransponderPassing

SOF, EOF, ESC = 0x8E, 0x8F, 0x8D
HEADER_BYTES = 10  # SOF, version, length(2), crc(2), flags(2), type(2)
# Real frames are well under 100 bytes; a start byte followed by this much without an end byte
# is a lost frame boundary, not a frame.
MAX_FRAME_BYTES = 1024

RESET, PASSING, STATUS, VERSION, RESEND, ERROR = 0x0000, 0x0001, 0x0002, 0x0003, 0x0004, 0xFFFF


def _crc_table() -> list[int]:
    table = []
    for i in range(256):
        crc = i << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return table


CRC_TABLE = _crc_table()


def crc16(frame: bytes) -> int:
    """The P3 CRC over an unescaped frame whose two CRC bytes are already zero.

    Unlike textbook CRC-16/CCITT the byte is XORed in after the table step (docs/timing.md).
    """
    crc = 0xFFFF
    for byte in frame:
        crc = CRC_TABLE[crc >> 8] ^ ((crc << 8) & 0xFFFF) ^ byte
    return crc


def unescape(data: bytes) -> bytes:
    out = bytearray()
    escaped = False
    for byte in data:
        if escaped:
            out.append((byte - 0x20) & 0xFF)
            escaped = False
        elif byte == ESC:
            escaped = True
        else:
            out.append(byte)
    if escaped:
        raise FrameError("frame ends inside an escape")
    return bytes(out)


def escape(frame: bytes) -> bytes:
    """Escape the inside of an unescaped frame (used by tests and the simulator's decoder)."""
    inner = bytearray()
    for byte in frame[1:-1]:
        if byte in (ESC, SOF, EOF):
            inner += bytes((ESC, byte + 0x20))
        else:
            inner.append(byte)
    return bytes((frame[0],)) + bytes(inner) + bytes((frame[-1],))


class FrameError(ValueError):
    """A frame that is damaged: bad CRC, bad length, truncated, not a frame."""


class CrcError(FrameError):
    pass


@dataclass(frozen=True)
class Frame:
    version: int
    flags: int
    record_type: int
    fields: dict[int, bytes]


def decode_frame(escaped: bytes) -> Frame:
    """One escaped frame, `8E ... 8F` inclusive, checked and split into its TLV fields."""
    if len(escaped) < HEADER_BYTES + 1 or escaped[0] != SOF or escaped[-1] != EOF:
        raise FrameError("not a frame")
    frame = unescape(escaped)
    if len(frame) < HEADER_BYTES + 1:
        raise FrameError("frame too short")
    length = int.from_bytes(frame[2:4], "little")
    if length != len(frame):
        raise FrameError(f"length field {length} but frame has {len(frame)} bytes")
    stored_crc = int.from_bytes(frame[4:6], "little")
    if crc16(frame[:4] + b"\x00\x00" + frame[6:]) != stored_crc:
        raise CrcError("bad CRC")
    fields: dict[int, bytes] = {}
    body = frame[HEADER_BYTES:-1]
    i = 0
    while i < len(body):
        if i + 2 > len(body):
            raise FrameError("truncated field header")
        tag, size = body[i], body[i + 1]
        value = body[i + 2 : i + 2 + size]
        if len(value) != size:
            raise FrameError("truncated field")
        fields[tag] = value
        i += 2 + size
    return Frame(
        version=frame[1],
        flags=int.from_bytes(frame[6:8], "little"),
        record_type=int.from_bytes(frame[8:10], "little"),
        fields=fields,
    )


def encode_frame(record_type: int, fields: list[tuple[int, bytes]], *, flags: int = 0) -> bytes:
    """Build an escaped frame with a valid length and CRC (tests and the local decoder server)."""
    body = b"".join(bytes((tag, len(value))) + value for tag, value in fields)
    length = HEADER_BYTES + len(body) + 1
    head = bytes((SOF, 0x02)) + length.to_bytes(2, "little")
    rest = flags.to_bytes(2, "little") + record_type.to_bytes(2, "little") + body + bytes((EOF,))
    crc = crc16(head + b"\x00\x00" + rest)
    return escape(head + crc.to_bytes(2, "little") + rest)


def _uint(fields: dict[int, bytes], tag: int, size: int, odd: list[str]) -> int | None:
    value = fields.get(tag)
    if not value:
        return None
    if len(value) > size:
        odd.append(f"field {tag:#04x} of {len(value)} bytes, at most {size}")
        return None
    return int.from_bytes(value, "little")


def frame_event(frame: Frame, odd: list[str] | None = None) -> TimingEvent | None:
    """PASSING and STATUS become events; other record types carry nothing for standings.

    Out-of-range fields are noted in `odd`."""
    f = frame.fields
    odd = [] if odd is None else odd
    if frame.record_type == PASSING:
        transponder, time_us = _uint(f, 0x03, 4, odd), _uint(f, 0x04, 8, odd)
        if transponder is None or time_us is None:
            raise FrameError("PASSING without a readable transponder or time")
        return TransponderPassing(
            passing_no=_uint(f, 0x01, 4, odd),
            transponder=transponder,
            time_us=time_us,
            strength=_uint(f, 0x05, 2, odd),
            hits=_uint(f, 0x06, 2, odd),
            flags=_uint(f, 0x08, 2, odd),
            decoder_id=_uint(f, 0x81, 4, odd),
        )
    if frame.record_type == STATUS:
        return DecoderStatus(
            noise=_uint(f, 0x01, 2, odd),
            gps=_uint(f, 0x06, 1, odd),
            temperature_decidegrees=_uint(f, 0x07, 2, odd),
            input_voltage=_uint(f, 0x0C, 2, odd),
            decoder_id=_uint(f, 0x81, 4, odd),
        )
    return None


@dataclass
class P3Parser:
    """Stream parser for raw binary P3 (TCP or a capture file), with counters for bad input."""

    frames: int = 0
    unknown: int = 0
    bad_crc: int = 0
    garbage: int = 0
    truncated: int = 0
    oversized: int = 0
    # Number fields nulled for being wider than the protocol's, in frames still applied.
    odd_fields: int = 0
    errors: list[str] = field(default_factory=list)
    _buffer: bytearray = field(default_factory=bytearray)
    # Garbage that reaches the end of a chunk may go on in the next one: it is one run, counted
    # once, so the counters do not depend on how TCP happened to split the stream.
    _in_garbage: bool = False

    @property
    def rejected(self) -> int:
        return self.bad_crc + self.garbage + self.truncated + self.oversized

    def feed(self, data: bytes) -> list[TimingEvent]:
        self._buffer.extend(data)
        events: list[TimingEvent] = []
        while True:
            start = self._buffer.find(bytes((SOF,)))
            if start < 0:
                if self._buffer:
                    if not self._in_garbage:
                        self._reject("garbage", f"{len(self._buffer)} bytes outside any frame")
                    self._in_garbage = True
                    self._buffer.clear()
                break
            if start > 0:
                if not self._in_garbage:
                    self._reject("garbage", f"{start} bytes outside any frame")
                del self._buffer[:start]
            self._in_garbage = False
            end = self._buffer.find(bytes((EOF,)), 1)
            # A new start byte before the end byte means the earlier frame lost its tail.
            restart = self._buffer.find(bytes((SOF,)), 1)
            if restart > 0 and (end < 0 or restart < end):
                self._reject("truncated", "frame cut short by a new start byte")
                del self._buffer[:restart]
                continue
            if end < 0:
                if len(self._buffer) > MAX_FRAME_BYTES:
                    self._reject("oversized", f"no frame end within {MAX_FRAME_BYTES} bytes")
                    self._buffer.clear()
                break
            raw = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            events.extend(self.frame(raw))
        return events

    def finish(self) -> list[TimingEvent]:
        if self._buffer:
            self._reject("truncated", f"{len(self._buffer)} bytes at end of stream")
            self._buffer.clear()
        return []

    def frame(self, raw: bytes) -> list[TimingEvent]:
        """Decode one escaped frame; bad ones are counted, not raised."""
        if len(raw) > MAX_FRAME_BYTES:
            self._reject("oversized", f"frame of {len(raw)} bytes")
            return []
        odd: list[str] = []
        try:
            frame = decode_frame(raw)
            event = frame_event(frame, odd)
        except CrcError as exc:
            self._reject("bad_crc", f"{exc}: {raw.hex()[:80]}")
            return []
        except FrameError as exc:
            kind = "truncated" if "truncated" in str(exc) or "short" in str(exc) else "garbage"
            self._reject(kind, f"{exc}: {raw.hex()[:80]}")
            return []
        self.frames += 1
        if odd:
            self.odd_fields += len(odd)
            if len(self.errors) < 100:
                self.errors.append(f"{'; '.join(odd)}: {raw.hex()[:80]}")
        if event is None:
            self.unknown += frame.record_type not in (RESET, VERSION, RESEND, ERROR)
            return []
        return [event]

    def feed_hex_line(self, line: str | bytes) -> list[TimingEvent]:
        """One line of a hex-per-line capture (`p3-amb.out`): one frame."""
        text = line.decode("ascii", errors="replace") if isinstance(line, bytes) else line
        text = text.strip()
        if not text:
            return []
        if len(text) > 2 * MAX_FRAME_BYTES:
            self._reject("oversized", f"hex line of {len(text)} chars")
            return []
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            self._reject("garbage", f"not hex: {text[:40]!r}")
            return []
        return self.frame(raw)

    def abandon(self) -> None:
        """The stream broke: a half-received frame is counted as truncated."""
        if self._buffer:
            self._reject("truncated", f"{len(self._buffer)} bytes of a frame cut by a disconnect")
        self._buffer.clear()
        self._in_garbage = False

    def _reject(self, kind: str, message: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.errors) < 100:
            self.errors.append(message)


def looks_like_hex_lines(head: bytes) -> bool:
    """A capture is hex-per-line when its first bytes are hex digits, not a raw 8E frame."""
    sample = head[:64].strip()
    return bool(sample) and all(chr(b) in "0123456789abcdefABCDEF\r\n \t" for b in sample)


def parse_capture(data: bytes) -> tuple[list[TimingEvent], P3Parser]:
    parser = P3Parser()
    events: list[TimingEvent] = []
    if looks_like_hex_lines(data):
        for line in data.splitlines():
            events.extend(parser.feed_hex_line(line))
    else:
        events.extend(parser.feed(data))
        events.extend(parser.finish())
    return events, parser
