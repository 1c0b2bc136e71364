"""Reading results and laps from CSV files or typed-in rows, with an error for every bad line.

The columns are documented in docs/RESULTS_CSV.md. Typed-in results go through the same
reader (``read_result_records``), so a typed row and an uploaded line get the same checks.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from django.utils.translation import gettext as _

from config.csv_export import csv_text
from events.engine.racetime import format_gap, format_time, parse_time
from events.models import EfficiencyStatus, ResultRow, ResultStatus, RunStatus
from events.services.efficiency import EnergyLine
from events.services.results import LapLine, LineError, ResultLine
from events.services.timed_runs import RunLine

MAX_BYTES = 1_000_000
MAX_LINES = 2_000
MAX_LAP_LINES = 50_000

# Header names, English and Chinese, to our field names.
RESULT_COLUMNS = {
    "position": "position",
    "pos": "position",
    "名次": "position",
    "car": "car",
    "car_number": "car",
    "number": "car",
    "no": "car",
    "车号": "car",
    "status": "status",
    "状态": "status",
    "driver": "driver",
    "车手": "driver",
    "team": "team",
    "车队": "team",
    "class": "class",
    "组别": "class",
    "laps": "laps",
    "圈数": "laps",
    "total_time": "total_time",
    "time": "total_time",
    "总时间": "total_time",
    "best_lap": "best_lap",
    "最快圈": "best_lap",
    "best_lap_no": "best_lap_no",
    "最快圈数": "best_lap_no",
    "penalty_time": "penalty_time",
    "罚时": "penalty_time",
    "penalty_positions": "penalty_positions",
    "罚位": "penalty_positions",
    "penalty_reason": "penalty_reason",
    "处罚原因": "penalty_reason",
}
LAP_COLUMNS = {
    "car": "car",
    "car_number": "car",
    "number": "car",
    "车号": "car",
    "lap": "lap",
    "圈": "lap",
    "position": "position",
    "名次": "position",
    "lap_time": "lap_time",
    "单圈时间": "lap_time",
}
STATUSES = {
    "": ResultStatus.CLASSIFIED,
    "classified": ResultStatus.CLASSIFIED,
    "finished": ResultStatus.CLASSIFIED,
    "完赛": ResultStatus.CLASSIFIED,
    "dnf": ResultStatus.DNF,
    "ret": ResultStatus.DNF,
    "退赛": ResultStatus.DNF,
    "dns": ResultStatus.DNS,
    "未出发": ResultStatus.DNS,
    "dsq": ResultStatus.DSQ,
    "dq": ResultStatus.DSQ,
    "取消资格": ResultStatus.DSQ,
    "nc": ResultStatus.NC,
    "不计成绩": ResultStatus.NC,
}


@dataclass(frozen=True)
class CsvError:
    line: int  # 1 is the header line of a file, or the first typed row
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


Record = dict[str, str]
T = TypeVar("T")


class _LineProblems:
    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[CsvError] = []

    def add(self, message: str) -> None:
        self.errors.append(CsvError(self.line, message))

    def integer(self, record: Record, field: str, label: str) -> int | None:
        text = record.get(field, "").strip()
        if not text:
            return None
        if not text.isdigit():
            self.add(
                _("%(column)s “%(value)s” is not a whole number.")
                % {"column": label, "value": text}
            )
            return None
        return int(text)

    def status(self, record: Record, statuses: Mapping[str, str], unknown: str) -> str | None:
        """The status by its name in ``statuses``; ``unknown`` names the valid ones."""
        text = record.get("status", "").strip()
        status = statuses.get(text.casefold())
        if status is None:
            self.add(unknown % {"status": text})
        return status

    def car(self, record: Record, field: str) -> str:
        car = record.get(field, "").strip().lstrip("#")
        if len(car) > 8:
            self.add(_("The car number “%(number)s” is too long.") % {"number": car})
        return car

    def decimal(self, record: Record, field: str, label: str) -> Decimal | None:
        """A number with at most three decimals (a comma for the point is accepted)."""
        text = record.get(field, "").strip().replace(",", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        exponent = value.as_tuple().exponent
        if not value.is_finite() or value < 0 or (isinstance(exponent, int) and exponent < -3):
            self.add(
                _("%(column)s “%(value)s” is not a number with at most three decimals.")
                % {"column": label, "value": text}
            )
            return None
        return value

    def time(self, record: Record, field: str, label: str) -> int | None:
        text = record.get(field, "").strip()
        if not text:
            return None
        try:
            return parse_time(text)
        except ValueError:
            self.add(
                _(
                    "%(column)s “%(value)s” is not a time; write it as h:mm:ss.sss, m:ss.sss or s.sss."
                )
                % {"column": label, "value": text}
            )
            return None


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), or GB18030, which Excel uses for CSV on Chinese Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _records(
    text: str, columns: dict[str, str], required: Sequence[str], max_lines: int
) -> tuple[list[tuple[int, Record]], list[CsvError]]:
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return [], [CsvError(1, _("The file is empty."))]
    reader = csv.reader(lines)
    header = next(reader)
    fields: list[str | None] = []
    errors: list[CsvError] = []
    for name in header:
        key = name.strip().casefold().replace(" ", "_")
        if key in columns:
            fields.append(columns[key])
        elif key:
            errors.append(CsvError(1, _("Unknown column “%(name)s”.") % {"name": name.strip()}))
            fields.append(None)
        else:
            fields.append(None)
    missing = [column for column in required if column not in fields]
    if missing:
        errors.append(
            CsvError(1, _("Missing column(s): %(names)s.") % {"names": ", ".join(missing)})
        )
    if errors:
        return [], errors
    records: list[tuple[int, Record]] = []
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(records) >= max_lines:
            errors.append(CsvError(line, _("Too many lines (at most %(n)s).") % {"n": max_lines}))
            break
        if len(values) != len(fields):
            errors.append(
                CsvError(
                    line,
                    _("Expected %(expected)s fields, found %(found)s.")
                    % {"expected": len(fields), "found": len(values)},
                )
            )
            continue
        records.append(
            (line, {field: value for field, value in zip(fields, values, strict=True) if field})
        )
    return records, errors


def _result_line(line: int, record: Record) -> tuple[ResultLine | None, list[CsvError]]:
    problems = _LineProblems(line)
    status = problems.status(
        record, STATUSES, _("Unknown status “%(status)s”; use classified, DNF, DNS, DSQ or NC.")
    )
    car = problems.car(record, "car")
    parsed = ResultLine(
        car_number=car,
        status=status or ResultStatus.CLASSIFIED,
        position=problems.integer(record, "position", _("Position")),
        driver_name=record.get("driver", "").strip()[:200],
        team_name=record.get("team", "").strip()[:200],
        class_name=record.get("class", "").strip()[:120],
        laps=problems.integer(record, "laps", _("Laps")),
        total_ms=problems.time(record, "total_time", _("Total time")),
        best_lap_ms=problems.time(record, "best_lap", _("Best lap")),
        best_lap_no=problems.integer(record, "best_lap_no", _("Best lap number")),
        penalty_ms=problems.time(record, "penalty_time", _("Time penalty")) or 0,
        penalty_positions=problems.integer(record, "penalty_positions", _("Position penalty")) or 0,
        penalty_reason=record.get("penalty_reason", "").strip()[:300],
    )
    return (None if problems.errors else parsed), problems.errors


def _lap_line(line: int, record: Record) -> tuple[LapLine | None, list[CsvError]]:
    problems = _LineProblems(line)
    lap = problems.integer(record, "lap", _("Lap"))
    if lap is None and not problems.errors:
        problems.add(_("The lap number is missing."))
    parsed = LapLine(
        car_number=record.get("car", "").strip().lstrip("#")[:8],
        lap=lap or 0,
        position=problems.integer(record, "position", _("Position")),
        lap_time_ms=problems.time(record, "lap_time", _("Lap time")),
    )
    return (None if problems.errors else parsed), problems.errors


def _read(
    records: list[tuple[int, Record]],
    read_one: Callable[[int, Record], tuple[T | None, list[CsvError]]],
    check: Callable[[list[T]], list[LineError]],
    errors: list[CsvError],
    check_all: bool = False,
) -> tuple[list[T], list[CsvError]]:
    items: list[T] = []
    line_numbers: list[int] = []
    for line, record in records:
        item, line_errors = read_one(line, record)
        errors.extend(line_errors)
        if item is not None:
            items.append(item)
            line_numbers.append(line)
    # The cross-line checks run once every line reads; ``check_all`` (runs) runs them on the
    # lines that could be read, so one upload names every problem at once.
    if not errors or check_all:
        errors.extend(CsvError(line_numbers[e.index], e.message) for e in check(items))
    if not items and not errors:
        errors.append(CsvError(1, _("There are no result lines.")))
    errors.sort(key=lambda error: error.line)
    return items, errors


def read_result_records(
    records: list[tuple[int, Record]], check: Callable[[list[ResultLine]], list[LineError]]
) -> tuple[list[ResultLine], list[CsvError]]:
    """Results from (line number, {field: text}) records; ``check`` adds the cross-line checks."""
    return _read(records, _result_line, check, [])


def read_results_csv(
    data: bytes, check: Callable[[list[ResultLine]], list[LineError]]
) -> tuple[list[ResultLine], list[CsvError]]:
    if len(data) > MAX_BYTES:
        return [], [CsvError(1, _("The file is larger than 1 MB."))]
    records, errors = _records(decode(data), RESULT_COLUMNS, ["car"], MAX_LINES)
    return _read(records, _result_line, check, errors)


def read_laps_csv(
    data: bytes, check: Callable[[list[LapLine]], list[LineError]]
) -> tuple[list[LapLine], list[CsvError]]:
    if len(data) > MAX_BYTES * 5:
        return [], [CsvError(1, _("The file is larger than 5 MB."))]
    records, errors = _records(decode(data), LAP_COLUMNS, ["car", "lap"], MAX_LAP_LINES)
    return _read(records, _lap_line, check, errors)


EXPORT_COLUMNS = [
    "position",
    "car",
    "status",
    "driver",
    "team",
    "class",
    "laps",
    "total_time",
    "gap",
    "best_lap",
    "best_lap_no",
    "penalty_time",
    "penalty_positions",
    "penalty_reason",
]


def write_results_csv(rows: Sequence[ResultRow]) -> str:
    """The official classification (positions after penalties, times including them)."""

    def cells(row: ResultRow) -> list[object]:
        gap = format_gap(row.gap_ms) if row.gap_laps is None else f"+{row.gap_laps}L"
        return [
            row.position,
            row.car_number,
            row.status,
            row.driver_name,
            row.team_name,
            row.class_name,
            row.laps,
            format_time(row.total_ms),
            gap,
            format_time(row.best_lap_ms),
            row.best_lap_no or None,
            format_time(row.penalty_ms) if row.penalty_ms else "",
            row.penalty_positions or None,
            row.penalty_reason,
        ]

    return csv_text(EXPORT_COLUMNS, (cells(row) for row in rows))


# ----------------------------------------------------------------------------- timed runs

RUN_COLUMNS = {
    "number": "number",
    "car": "number",
    "车号": "number",
    "run": "run",
    "轮次": "run",
    "time": "time",
    "时间": "time",
    "cones": "cones",
    "桩": "cones",
    "gates": "gates",
    "门": "gates",
    "status": "status",
    "状态": "status",
}
RUN_STATUSES = {
    "": RunStatus.OK,
    "ok": RunStatus.OK,
    "dnf": RunStatus.DNF,
    "未完成": RunStatus.DNF,
    "dns": RunStatus.DNS,
    "未出发": RunStatus.DNS,
    "dsq": RunStatus.DSQ,
    "dq": RunStatus.DSQ,
    "取消资格": RunStatus.DSQ,
    "off": RunStatus.OFF_COURSE,
    "off-course": RunStatus.OFF_COURSE,
    "off_course": RunStatus.OFF_COURSE,
    "oc": RunStatus.OFF_COURSE,
    "冲出赛道": RunStatus.OFF_COURSE,
}


def _run_line(line: int, record: Record) -> tuple[RunLine | None, list[CsvError]]:
    problems = _LineProblems(line)
    status = problems.status(
        record, RUN_STATUSES, _("Unknown status “%(status)s”; use OK, DNF, DNS, DSQ or OFF.")
    )
    car = problems.car(record, "number")
    parsed = RunLine(
        car_number=car,
        run=problems.integer(record, "run", _("Run")),
        time_ms=problems.time(record, "time", _("Time")),
        cones=problems.integer(record, "cones", _("Cones")) or 0,
        gates=problems.integer(record, "gates", _("Gates")) or 0,
        status=status or RunStatus.OK,
    )
    return (None if problems.errors else parsed), problems.errors


def read_runs_csv(
    data: bytes, check: Callable[[list[RunLine]], list[LineError]]
) -> tuple[list[RunLine], list[CsvError]]:
    """Runs from a CSV with the columns number,run,time,cones,gates,status."""
    if len(data) > MAX_BYTES:
        return [], [CsvError(1, _("The file is larger than 1 MB."))]
    records, errors = _records(decode(data), RUN_COLUMNS, ["number", "run", "time"], MAX_LINES)
    return _read(records, _run_line, check, errors, check_all=not errors)


ENERGY_COLUMNS = {
    "number": "number",
    "car": "number",
    "车号": "number",
    "status": "status",
    "状态": "status",
    "laps": "laps",
    "圈数": "laps",
    "distance_km": "distance_km",
    "distance": "distance_km",
    "距离": "distance_km",
    "time": "time",
    "用时": "time",
    "energy_kwh": "energy_kwh",
    "energy": "energy_kwh",
    "能耗": "energy_kwh",
    "driver": "driver",
    "车手": "driver",
}
ENERGY_STATUSES = {
    "": EfficiencyStatus.OK,
    "ok": EfficiencyStatus.OK,
    "dnf": EfficiencyStatus.DNF,
    "未完成": EfficiencyStatus.DNF,
    "dns": EfficiencyStatus.DNS,
    "未出发": EfficiencyStatus.DNS,
    "dsq": EfficiencyStatus.DSQ,
    "dq": EfficiencyStatus.DSQ,
    "取消资格": EfficiencyStatus.DSQ,
}


def _energy_line(line: int, record: Record) -> tuple[EnergyLine | None, list[CsvError]]:
    problems = _LineProblems(line)
    status = problems.status(
        record, ENERGY_STATUSES, _("Unknown status “%(status)s”; use OK, DNF, DNS or DSQ.")
    )
    parsed = EnergyLine(
        car_number=problems.car(record, "number"),
        status=status or EfficiencyStatus.OK,
        driver_name=record.get("driver", "").strip()[:120],
        laps=problems.integer(record, "laps", _("Laps")),
        distance_km=problems.decimal(record, "distance_km", _("Distance (km)")),
        elapsed_ms=problems.time(record, "time", _("Time")),
        energy_kwh=problems.decimal(record, "energy_kwh", _("Energy (kWh)")),
    )
    return (None if problems.errors else parsed), problems.errors


def read_energy_csv(
    data: bytes, check: Callable[[list[EnergyLine]], list[LineError]]
) -> tuple[list[EnergyLine], list[CsvError]]:
    """Efficiency runs: number,status,laps,distance_km,time,energy_kwh,driver (number required)."""
    if len(data) > MAX_BYTES:
        return [], [CsvError(1, _("The file is larger than 1 MB."))]
    records, errors = _records(decode(data), ENERGY_COLUMNS, ["number"], MAX_LINES)
    return _read(records, _energy_line, check, errors, check_all=not errors)
