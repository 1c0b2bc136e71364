"""RMonitor (Orbits / Race Monitor scoreboard protocol) parser: bytes in, timing events out.

Pure: no Django, no I/O. Feed it whatever a socket or a file gives (`RMonitorParser.feed`), in
chunks of any size; a record ends at CR, LF or CR LF (docs/timing.md) and is decoded on its own
with the session's feed text encoding (`decode_record`: "auto" by default, or an explicit "utf-8", "gb18030", "cp1252";
the spec says cp1252, Chinese Windows timing PCs send GBK and newer software UTF-8). Unknown tags and extra
trailing fields are ignored; garbage, truncated and oversized lines are counted and dropped, never
raised, because one corrupt line must not stop a live board. Inside a record each field is read
on its own: a field that cannot be read, or is out of range, becomes null (text: cleaned of
control characters) and is counted in `odd_fields`, and the rest of the record still counts. Only
a record whose key cannot be read (the registration number, a `$G`/`$H` position, a `$C` class
number) is dropped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from live.engine.timing import (
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

# Ranges outside which a number is not a timing value but a corrupt or hostile field. Generous:
# a 24-hour race on a kart track is under 2,000 laps; a 48-hour event is 172,800,000 ms.
MAX_LAPS = 10_000
MAX_POSITION = 10_000
MAX_CLASS_NO = 1_000_000
MAX_RUN_NO = 1_000_000_000
MAX_TRANSPONDER = 10**12
MAX_SESSION_MS = 7 * 24 * 3_600_000
MAX_LAP_MS = 24 * 3_600_000
MAX_TIME_OF_DAY_MS = 24 * 3_600_000
# Longest text a board shows; longer is cut (and counted), never passed on to spectators whole.
MAX_TEXT_CHARS = 200
# Orbits' "not a lap-limited session".
NO_LAP_LIMIT = 9999

# C0 and C1 control characters, DEL, and the BOM / zero-width no-break space: never part of a
# name, and NUL is refused outright by PostgreSQL text columns.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufeff]")
# An alphanumeric transponder code (MYLAPS `NE4`, ProChip `NF-10567`).
_TRANSPONDER_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,19}")
BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(rb"[\r\n]")
_DIGITS = re.compile("[0-9]{1,15}")
# [[HH:]MM:]SS[.fraction], ASCII digits only (no sign: no board time is negative).
_TIME = re.compile(r"(?:(?:([0-9]{1,9}):)?([0-9]{1,9}):)?([0-9]{1,9})(?:\.([0-9]*))?")


class RecordError(ValueError):
    """A line that looks like a record but cannot be read (too few fields, no readable key)."""


class FieldError(ValueError):
    """One field that cannot be read; the record goes on without it."""


def clean_text(text: str) -> str:
    """Feed text without control characters, trimmed, at most MAX_TEXT_CHARS."""
    return _CONTROL.sub("", text).strip()[:MAX_TEXT_CHARS]


def parse_time_ms(text: str) -> int | None:
    """`HH:MM:SS.ddd` (also `MM:SS.ddd`, `SS.ddd`, `HH:MM:SS`) to integer ms; blank is None.

    Zero is returned as 0 here; callers decide whether zero means "no time" for their field.
    Raises FieldError for anything else, including the negative countdowns some timing PCs send
    before a start (`"00:00:-47"`, `"00:00:00.-51"`): no field of a board is a negative time.
    """
    text = text.strip()
    if not text:
        return None
    match = _TIME.fullmatch(text)
    if match is None:
        raise FieldError(f"bad time {text[:20]!r}")
    hours, minutes, seconds, fraction = match.groups()
    return (
        int(hours or 0) * 3_600_000
        + int(minutes or 0) * 60_000
        + int(seconds) * 1000
        + (int((fraction + "000")[:3]) if fraction else 0)
    )


def parse_int(text: str, *, blank: int | None = None, maximum: int = MAX_LAPS) -> int | None:
    """A bare non-negative integer up to `maximum`; blank is `blank`, anything else FieldError."""
    text = text.strip()
    if not text:
        return blank
    # Digits only, and few of them: int() of a 4,000-digit string is slow, and a number that
    # long is no timing value.
    if not _DIGITS.fullmatch(text):
        raise FieldError(f"bad number {text[:20]!r}")
    value = int(text)
    if value > maximum:
        raise FieldError(f"number out of range {text!r}")
    return value


def parse_flag(text: str) -> str:
    return FLAG_NAMES.get(text.strip().lower(), "none")


class Fields:
    """One record's fields, read one by one: an unreadable field is null and noted in `odd`."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.odd: list[str] = []

    def _raw(self, index: int) -> str:
        return self.values[index] if len(self.values) > index else ""

    def _odd(self, exc: ValueError) -> None:
        self.odd.append(str(exc))

    def text(self, index: int) -> str:
        raw = self._raw(index)
        cleaned = clean_text(raw)
        if cleaned != raw.strip():
            self.odd.append(f"text cleaned in field {index + 1}")
        return cleaned

    def key(self, index: int) -> str:
        """A registration number: without it the record applies to nobody."""
        value = self.text(index)
        if not value:
            raise RecordError(f"no registration number in field {index + 1}")
        return value

    def number(
        self, index: int, *, blank: int | None = None, maximum: int = MAX_LAPS
    ) -> int | None:
        try:
            return parse_int(self._raw(index), blank=blank, maximum=maximum)
        except FieldError as exc:
            self._odd(exc)
            return None

    def required(self, index: int, *, maximum: int, what: str) -> int:
        """A number the record means nothing without (a `$G`/`$H` position, a `$C` class)."""
        try:
            value = parse_int(self._raw(index), maximum=maximum)
        except FieldError as exc:
            raise RecordError(str(exc)) from exc
        if value is None:
            raise RecordError(f"missing {what}")
        return value

    def position(self, index: int) -> int:
        return self.required(index, maximum=MAX_POSITION, what="position")

    def time(self, index: int, *, maximum: int = MAX_SESSION_MS) -> int | None:
        """A time in ms, 0 kept as 0 (the caller decides what zero means)."""
        try:
            value = parse_time_ms(self._raw(index))
        except FieldError as exc:
            self._odd(exc)
            return None
        if value is not None and value > maximum:
            self._odd(FieldError(f"time out of range {self._raw(index)!r}"))
            return None
        return value

    def timing(self, index: int, *, maximum: int = MAX_SESSION_MS) -> int | None:
        """A lap or total time where zero and the 59:59.999 placeholder mean "no time"."""
        value = self.time(index, maximum=maximum)
        return None if value is None or value in NO_TIME_MS else value

    def clock(self, index: int) -> int | None:
        """A heartbeat clock; all zeros means "no clock" (before the start)."""
        value = self.time(index)
        return None if value == 0 else value

    def transponder(self, index: int) -> int | str | None:
        raw = self._raw(index).strip()
        if not raw:
            return None
        if raw.isdigit():
            if len(raw) <= 13 and int(raw) <= MAX_TRANSPONDER:
                return int(raw) or None
            self.odd.append(f"transponder out of range {raw[:20]!r}")
            return None
        if _TRANSPONDER_CODE.fullmatch(raw):
            return raw
        self.odd.append(f"bad transponder {raw[:20]!r}")
        return None


def _heartbeat(f: Fields) -> Heartbeat:
    # 9999 is Orbits' "no lap limit"; anything above it is no lap count at all.
    laps_to_go = f.number(0, maximum=NO_LAP_LIMIT)
    return Heartbeat(
        laps_to_go=None if laps_to_go == NO_LAP_LIMIT else laps_to_go,
        time_to_go_ms=f.clock(1),
        time_of_day_ms=f.time(2, maximum=MAX_TIME_OF_DAY_MS),
        elapsed_ms=f.clock(3),
        flag=parse_flag(f.text(4)),
    )


def _competitor(f: Fields) -> Competitor:
    return Competitor(
        reg_no=f.key(0),
        number=f.text(1),
        transponder=f.transponder(2),
        first_name=f.text(3),
        last_name=f.text(4),
        nationality=f.text(5),
        class_no=f.number(6, maximum=MAX_CLASS_NO),
    )


def _comp(f: Fields) -> Competitor:
    return Competitor(
        reg_no=f.key(0),
        number=f.text(1),
        class_no=f.number(2, maximum=MAX_CLASS_NO),
        first_name=f.text(3),
        last_name=f.text(4),
        nationality=f.text(5),
        additional=f.text(6),
    )


def _race_row(f: Fields) -> RaceRow:
    return RaceRow(
        position=f.position(0),
        reg_no=f.key(1),
        # Empty laps: a car that has not crossed yet (0). Unreadable laps: unknown (None).
        laps=f.number(2, blank=0),
        total_ms=f.timing(3),
    )


def _practice_row(f: Fields) -> PracticeRow:
    best_ms = f.timing(3, maximum=MAX_LAP_MS)
    best_no = f.number(2)
    return PracticeRow(
        position=f.position(0),
        reg_no=f.key(1),
        best_lap_no=best_no if best_ms is not None and best_no else None,
        best_lap_ms=best_ms,
    )


def _class_info(f: Fields) -> ClassInfo:
    class_no = f.required(0, maximum=MAX_CLASS_NO, what="class number")
    return ClassInfo(class_no=class_no, description=f.text(1))


def _correction(f: Fields) -> Correction:
    return Correction(
        reg_no=f.key(0),
        number=f.text(1),
        laps=f.number(2, blank=0),
        total_ms=f.timing(3),
        correction=f.text(4),
    )


# tag -> (minimum field count, builder). Fields past the minimum are ignored (the spec allows
# vendors to append fields).
RECORDS: dict[str, tuple[int, Callable[[Fields], TimingEvent]]] = {
    "F": (5, _heartbeat),
    "A": (7, _competitor),
    "COMP": (6, _comp),
    "B": (2, lambda f: RunInfo(run_no=f.number(0, maximum=MAX_RUN_NO), description=f.text(1))),
    "C": (2, _class_info),
    "E": (2, lambda f: Setting(name=f.text(0), value=f.text(1))),
    "G": (4, _race_row),
    "H": (4, _practice_row),
    "I": (0, lambda f: Reset(time_of_day=f.text(0), date=f.text(1))),
    "J": (
        3,
        lambda f: LapPassing(
            reg_no=f.key(0), lap_ms=f.timing(1, maximum=MAX_LAP_MS), total_ms=f.timing(2)
        ),
    ),
    "COR": (5, _correction),
    "L": (
        3,
        lambda f: LineCrossing(
            car=f.text(0), line=f.text(1), line_name=f.text(2), date=f.text(3), time=f.text(4)
        ),
    ),
}


class UnknownRecord(Exception):
    """A well-formed record with a tag this parser does not know: ignored by design."""


def parse_record(line: str) -> tuple[TimingEvent, list[str]]:
    """One decoded record (without its line end) to one event and the notes on its odd fields.

    Raises RecordError for garbage or truncated records and UnknownRecord for unknown tags.
    """
    line = line.strip()
    if not line.startswith("$") or len(line) < 2:
        raise RecordError("not a record")
    try:
        values = next(csv.reader([line[1:]], skipinitialspace=True))
    except csv.Error as exc:
        raise RecordError(str(exc)) from exc
    tag = values[0].strip().upper()
    spec = RECORDS.get(tag)
    if spec is None:
        if not tag.isalnum():
            raise RecordError(f"bad tag {tag[:20]!r}")
        raise UnknownRecord(tag)
    minimum, build = spec
    if len(values) - 1 < minimum:
        raise RecordError(f"${tag} has {len(values) - 1} fields, needs {minimum}")
    fields = Fields(values[1:])
    return build(fields), fields.odd


@dataclass
class RMonitorParser:
    """Stream parser keeping a partial line between chunks, with counters for bad input."""

    records: int = 0
    unknown: int = 0
    garbage: int = 0
    truncated: int = 0
    oversized: int = 0
    # Fields nulled, cleaned or cut inside records that were still applied.
    odd_fields: int = 0
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
        start = 0
        # CR LF, LF and CR all end a record (some serial-to-TCP bridges send CR only); the LF of
        # a CR LF then ends an empty line, which is skipped.
        while (end := _LINE_END.search(self._buffer, start)) is not None:
            raw = bytes(self._buffer[start : end.start()])
            start = end.end()
            if self._discarding:
                # The tail of a line already counted as oversized.
                self._discarding = False
                continue
            events.extend(self._line(raw))
        del self._buffer[:start]
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
        """End of stream: a final line without its line end is a record cut short (a connection
        dropped mid-record: `"00:00:02` of a longer time still parses, as the wrong time), so it
        is counted as truncated and never applied."""
        self.abandon()
        return []

    def _line(self, raw: bytes) -> list[TimingEvent]:
        if len(raw) > MAX_LINE_BYTES:
            self._reject("oversized", f"line over {MAX_LINE_BYTES} bytes")
            return []
        if raw.startswith(BOM):
            # A BOM opens some files and some software's first send; it is not part of the record.
            raw = raw[len(BOM) :]
        text = decode_record(raw, self.encoding).strip("\r\n\x00 \t\ufeff")
        if not text:
            return []
        try:
            event, odd = parse_record(text)
        except UnknownRecord:
            self.unknown += 1
            return []
        except RecordError as exc:
            kind = "truncated" if "fields, needs" in str(exc) else "garbage"
            self._reject(kind, f"{exc}: {text[:80]!r}")
            return []
        self.records += 1
        if odd:
            self.odd_fields += len(odd)
            self._note(f"{'; '.join(odd)[:200]}: {text[:80]!r}")
        return [event]

    def abandon(self) -> None:
        """The stream broke: a half-received line is counted as truncated and never parsed."""
        if self._buffer.strip(b"\r\n\x00 \t") and not self._discarding:
            self._reject("truncated", f"{len(self._buffer)} bytes of a line cut off at the end")
        self._buffer.clear()
        self._discarding = False

    def _reject(self, kind: str, message: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        self._note(message)

    def _note(self, message: str) -> None:
        if len(self.errors) < 100:
            self.errors.append(message)
