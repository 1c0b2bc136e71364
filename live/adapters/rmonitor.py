"""RMonitor (Orbits / Race Monitor scoreboard protocol) parser: bytes in, timing events out.

Pure: no Django, no I/O. Feed it whatever a socket or a file gives (`RMonitorParser.feed`), in
chunks of any size; records are CR LF terminated and decoded one by one with the session's feed
text encoding (`decode_record`: "auto" by default, or an explicit "utf-8", "gb18030", "cp1252";
the spec says cp1252, Chinese Windows timing PCs send GBK and newer software UTF-8). Unknown tags and extra
trailing fields are ignored; garbage, truncated and oversized lines are counted and dropped, never
raised, because one corrupt line must not stop a live board.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from live.timing import (
    ClassInfo,
    Competitor,
    Correction,
    Heartbeat,
    LapPassing,
    LineCrossing,
    PracticeRow,
    RaceRow,
    Reset,
    RunInfo,
    Setting,
    TimingEvent,
)

# The protocol says records "may exceed 256 chars"; the longest real $A/$COMP rows are a few
# hundred bytes. Anything this long is a runaway stream without line ends, not a record.
MAX_LINE_BYTES = 4096

# Placeholders real feeds send for "no time": all zeros, and Orbits' 59:59.999 in $G/$H rows.
NO_TIME_MS = {0, 3_599_999}

# Text encodings of a feed. "auto" guesses per record (see `decode_record`).
ENCODINGS = ("auto", "utf-8", "gb18030", "cp1252")
DEFAULT_ENCODING = "auto"

# CJK ideographs (unified, extension A, compatibility, supplementary planes), CJK punctuation,
# kana and fullwidth forms: what a Chinese name, team or class in a GBK/GB18030 record reads as.
_CJK = (
    "\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003134f"
)
_HAS_CJK = re.compile(f"[{_CJK}]")
# A cp1252 accented letter read as GBK swallows the next byte as its second half: "Müller" is
# b"M\xfcller" and reads as "M黮ler", "Renée" as "Ren頴". (A word-final accent before a quote,
# comma or space is no GBK pair at all.) Chinese text seldom glues an ideograph to a lowercase
# Latin letter or wedges one inside a Latin word; such a reading is taken as cp1252.
_LATIN_MOJIBAKE = re.compile(f"[{_CJK}][a-z]|[a-z][{_CJK}]|[A-Za-z][{_CJK}][A-Za-z]")


def decode_record(raw: bytes, encoding: str = DEFAULT_ENCODING) -> str:
    """One record's bytes to text; never raises.

    An explicit encoding decodes with replacement characters for bytes it cannot read. "auto":
    strict UTF-8 if the bytes are valid UTF-8 (pure ASCII is); else strict GB18030 if that
    decodes and reads as Chinese text (has CJK characters, none glued to a lowercase Latin letter
    or wedged inside a Latin word); else cp1252 with replacement, as the spec says. Auto cannot
    tell every case apart: a record valid both as UTF-8 and GBK reads as UTF-8, a cp1252 accented
    capital opening a word ("ÁLVARO") still reads as GBK, and a GBK name glued to lowercase Latin
    ("vivo车队") reads as cp1252. An explicit encoding on the live session removes the doubt.
    """
    if encoding == "auto":
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            if _HAS_CJK.search(text) and not _LATIN_MOJIBAKE.search(text):
                return text
        encoding = "cp1252"
    elif encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}")
    # cp1252 leaves five bytes undefined; a stray one must not lose the whole record.
    return raw.decode(encoding, errors="replace")


FLAG_NAMES = {"green": "green", "yellow": "yellow", "red": "red", "finish": "finish"}


class RecordError(ValueError):
    """A line that looks like a record but cannot be read (too few fields, bad numbers)."""


def parse_time_ms(text: str) -> int | None:
    """`HH:MM:SS.ddd` (also `MM:SS.ddd`, `SS.ddd`, `HH:MM:SS`) to integer ms; blank is None.

    Zero is returned as 0 here; callers decide whether zero means "no time" for their field.
    """
    text = text.strip()
    if not text:
        return None
    parts = text.split(":")
    if len(parts) > 3:
        raise RecordError(f"bad time {text!r}")
    try:
        seconds_part = parts[-1]
        if "." in seconds_part:
            whole, fraction = seconds_part.split(".", 1)
            fraction_ms = int((fraction + "000")[:3]) if fraction else 0
        else:
            whole, fraction_ms = seconds_part, 0
        total = int(whole) * 1000 + fraction_ms
        if len(parts) >= 2:
            total += int(parts[-2]) * 60_000
        if len(parts) == 3:
            total += int(parts[-3]) * 3_600_000
    except ValueError as exc:
        raise RecordError(f"bad time {text!r}") from exc
    if total < 0:
        raise RecordError(f"negative time {text!r}")
    return total


def timing_ms(text: str) -> int | None:
    """A lap or total time where zero and the 59:59.999 placeholder mean "no time"."""
    value = parse_time_ms(text)
    if value is None or value in NO_TIME_MS:
        return None
    return value


def clock_ms(text: str) -> int | None:
    """A heartbeat clock; all zeros means "no clock" (before the start)."""
    value = parse_time_ms(text)
    return None if value == 0 else value


def parse_int(text: str, *, blank: int | None = None) -> int | None:
    text = text.strip()
    if not text:
        return blank
    try:
        return int(text)
    except ValueError as exc:
        raise RecordError(f"bad number {text!r}") from exc


def required_int(text: str) -> int:
    value = parse_int(text)
    if value is None:
        raise RecordError("missing number")
    return value


def parse_flag(text: str) -> str:
    return FLAG_NAMES.get(text.strip().lower(), "none")


def _heartbeat(f: list[str]) -> Heartbeat:
    laps_to_go = parse_int(f[0])
    return Heartbeat(
        laps_to_go=None if laps_to_go == 9999 else laps_to_go,
        time_to_go_ms=clock_ms(f[1]),
        time_of_day_ms=parse_time_ms(f[2]),
        elapsed_ms=clock_ms(f[3]),
        flag=parse_flag(f[4]),
    )


def _competitor(f: list[str]) -> Competitor:
    return Competitor(
        reg_no=f[0].strip(),
        number=f[1].strip(),
        transponder=parse_int(f[2]),
        first_name=f[3].strip(),
        last_name=f[4].strip(),
        nationality=f[5].strip(),
        class_no=parse_int(f[6]),
    )


def _comp(f: list[str]) -> Competitor:
    return Competitor(
        reg_no=f[0].strip(),
        number=f[1].strip(),
        class_no=parse_int(f[2]),
        first_name=f[3].strip(),
        last_name=f[4].strip(),
        nationality=f[5].strip(),
        additional=f[6].strip() if len(f) > 6 else "",
    )


def _race_row(f: list[str]) -> RaceRow:
    return RaceRow(
        position=required_int(f[0]),
        reg_no=f[1].strip(),
        laps=parse_int(f[2], blank=0) or 0,
        total_ms=timing_ms(f[3]),
    )


def _practice_row(f: list[str]) -> PracticeRow:
    best_ms = timing_ms(f[3])
    best_no = parse_int(f[2])
    return PracticeRow(
        position=required_int(f[0]),
        reg_no=f[1].strip(),
        best_lap_no=best_no if best_ms is not None and best_no else None,
        best_lap_ms=best_ms,
    )


def _correction(f: list[str]) -> Correction:
    return Correction(
        reg_no=f[0].strip(),
        number=f[1].strip(),
        laps=parse_int(f[2], blank=0) or 0,
        total_ms=timing_ms(f[3]),
        correction=f[4].strip(),
    )


# tag -> (minimum field count, builder). Fields past the minimum are ignored (the spec allows
# vendors to append fields).
RECORDS: dict[str, tuple[int, Callable[[list[str]], TimingEvent]]] = {
    "F": (5, _heartbeat),
    "A": (7, _competitor),
    "COMP": (6, _comp),
    "B": (2, lambda f: RunInfo(run_no=parse_int(f[0]), description=f[1].strip())),
    "C": (2, lambda f: ClassInfo(class_no=required_int(f[0]), description=f[1].strip())),
    "E": (2, lambda f: Setting(name=f[0].strip(), value=f[1].strip())),
    "G": (4, _race_row),
    "H": (4, _practice_row),
    "I": (0, lambda f: Reset(time_of_day=_at(f, 0), date=_at(f, 1))),
    "J": (
        3,
        lambda f: LapPassing(reg_no=f[0].strip(), lap_ms=timing_ms(f[1]), total_ms=timing_ms(f[2])),
    ),
    "COR": (5, _correction),
    "L": (
        3,
        lambda f: LineCrossing(
            car=f[0].strip(),
            line=f[1].strip(),
            line_name=f[2].strip(),
            date=_at(f, 3),
            time=_at(f, 4),
        ),
    ),
}


def _at(fields: list[str], index: int) -> str:
    return fields[index].strip() if len(fields) > index else ""


class UnknownRecord(Exception):
    """A well-formed record with a tag this parser does not know: ignored by design."""


def parse_line(line: str) -> TimingEvent:
    """One decoded record (without its line end) to one event.

    Raises RecordError for garbage or truncated records and UnknownRecord for unknown tags.
    """
    line = line.strip()
    if not line.startswith("$") or len(line) < 2:
        raise RecordError("not a record")
    try:
        fields = next(csv.reader([line[1:]], skipinitialspace=True))
    except csv.Error as exc:
        raise RecordError(str(exc)) from exc
    tag = fields[0].strip().upper()
    spec = RECORDS.get(tag)
    if spec is None:
        if not tag.isalnum():
            raise RecordError(f"bad tag {tag!r}")
        raise UnknownRecord(tag)
    minimum, build = spec
    values = fields[1:]
    if len(values) < minimum:
        raise RecordError(f"${tag} has {len(values)} fields, needs {minimum}")
    return build(values)


@dataclass
class RMonitorParser:
    """Stream parser keeping a partial line between chunks, with counters for bad input."""

    records: int = 0
    unknown: int = 0
    garbage: int = 0
    truncated: int = 0
    oversized: int = 0
    errors: list[str] = field(default_factory=list)
    encoding: str = DEFAULT_ENCODING
    _buffer: bytearray = field(default_factory=bytearray)
    _discarding: bool = False

    @property
    def rejected(self) -> int:
        return self.garbage + self.truncated + self.oversized

    def feed(self, data: bytes) -> list[TimingEvent]:
        events: list[TimingEvent] = []
        self._buffer.extend(data)
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                break
            raw = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            if self._discarding:
                # The tail of a line already counted as oversized.
                self._discarding = False
                continue
            events.extend(self._line(raw))
        if len(self._buffer) > MAX_LINE_BYTES:
            if not self._discarding:
                self._reject("oversized", f"line over {MAX_LINE_BYTES} bytes")
            self._buffer.clear()
            self._discarding = True
        return events

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {self.encoding!r}")

    def finish(self) -> list[TimingEvent]:
        """End of stream: a final line without CR LF is still a record if it parses."""
        raw = bytes(self._buffer)
        self._buffer.clear()
        if self._discarding:
            self._discarding = False
            return []
        return self._line(raw) if raw.strip() else []

    def _line(self, raw: bytes) -> list[TimingEvent]:
        if len(raw) > MAX_LINE_BYTES:
            self._reject("oversized", f"line over {MAX_LINE_BYTES} bytes")
            return []
        text = decode_record(raw, self.encoding).strip("\r\n\x00 \t")
        if not text:
            return []
        try:
            event = parse_line(text)
        except UnknownRecord:
            self.unknown += 1
            return []
        except RecordError as exc:
            kind = "truncated" if "fields, needs" in str(exc) else "garbage"
            self._reject(kind, f"{exc}: {text[:80]!r}")
            return []
        self.records += 1
        return [event]

    def abandon(self) -> None:
        """The stream broke: a half-received line is counted as truncated and never parsed."""
        if self._buffer and not self._discarding:
            self._reject("truncated", f"{len(self._buffer)} bytes of a line cut by a disconnect")
        self._buffer.clear()
        self._discarding = False

    def _reject(self, kind: str, message: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if len(self.errors) < 100:
            self.errors.append(message)


def parse_lines(lines: Iterable[bytes]) -> list[TimingEvent]:
    parser = RMonitorParser()
    events: list[TimingEvent] = []
    for line in lines:
        events.extend(parser.feed(line))
    events.extend(parser.finish())
    return events
