"""Forms for uploading results and laps, and the typed-in results table."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from events.engine.racetime import format_time
from events.models import ResultStatus, SessionResult
from events.queries.roster import RosterEntry

MAX_TYPED_ROWS = 300
BLANK_ROWS = 5

# (field, label, input width in characters) of the typed-in table, the same fields as the CSV.
TYPED_FIELDS: list[tuple[str, Any, int]] = [
    ("position", _("Pos."), 3),
    ("car", _("Car"), 4),
    ("status", _("Status"), 0),
    ("driver", _("Driver"), 14),
    ("team", _("Team"), 10),
    ("class", _("Class"), 8),
    ("laps", _("Laps"), 3),
    ("total_time", _("Total time"), 10),
    ("best_lap", _("Best lap"), 8),
    ("best_lap_no", _("On lap"), 3),
    ("penalty_time", _("Time penalty"), 6),
    ("penalty_positions", _("Places penalty"), 3),
    ("penalty_reason", _("Penalty reason"), 14),
]


class ResultsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Results file (CSV)"),
        help_text=_(
            "Columns as described in the results CSV guide. Nothing is saved if a line is wrong."
        ),
    )
    official = forms.BooleanField(label=_("Publish as official results"), required=False)
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the results are already official."),
    )

    def __init__(self, *args: Any, result: SessionResult | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result = result

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            self.result is not None
            and self.result.is_official
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error(
                "reason", _("These results are official: give the reason for the correction.")
            )
        return cleaned


class LapsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Laps file (CSV)"),
        help_text=_("Columns car, lap, position, lap_time; it replaces the session's lap data."),
    )


def typed_table(data: QueryDict) -> list[dict[str, str]]:
    """Every row of the typed-in table as submitted, blank ones included."""
    try:
        count = max(0, min(int(data.get("row_count", "0")), MAX_TYPED_ROWS))
    except ValueError:
        count = 0
    return [
        {name: data.get(f"row-{index}-{name}", "").strip() for name, _, _ in TYPED_FIELDS}
        for index in range(count)
    ]


def typed_records(table: list[dict[str, str]]) -> list[tuple[int, dict[str, str]]]:
    """(row number, {field: text}) of the rows filled in; the status alone does not count."""
    return [
        (number, record)
        for number, record in enumerate(table, start=1)
        if any(value for name, value in record.items() if name != "status")
    ]


def typed_rows_for(
    result: SessionResult | None, roster: dict[str, RosterEntry]
) -> list[dict[str, str]]:
    """The table to start from: the current results, else the entered cars, then blank rows."""
    rows: list[dict[str, str]] = []
    if result is not None:
        for row in result.rows.all():
            on_road = None if row.total_ms is None else row.total_ms - row.penalty_ms
            rows.append(
                {
                    "position": str(row.finish_position or ""),
                    "car": row.car_number,
                    "status": row.status,
                    "driver": row.driver_name,
                    "team": row.team_name,
                    "class": row.class_name,
                    "laps": "" if row.laps is None else str(row.laps),
                    "total_time": format_time(on_road),
                    "best_lap": format_time(row.best_lap_ms),
                    "best_lap_no": str(row.best_lap_no or ""),
                    "penalty_time": format_time(row.penalty_ms) if row.penalty_ms else "",
                    "penalty_positions": str(row.penalty_positions or ""),
                    "penalty_reason": row.penalty_reason,
                }
            )
    else:
        for entry in sorted(roster.values(), key=lambda e: (len(e.car_number), e.car_number)):
            rows.append(
                {
                    "car": entry.car_number,
                    "status": ResultStatus.CLASSIFIED,
                    "driver": entry.driver_name,
                    "team": entry.team_name,
                    "class": entry.class_name,
                }
            )
    rows.extend({"status": ResultStatus.CLASSIFIED} for _ in range(BLANK_ROWS))
    return rows
