"""The run form of the staff page at the start/finish line: one run, typed with one thumb."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.engine.racetime import format_time, parse_time
from events.models import RunStatus, TimedRun
from events.services.timed_runs import MAX_COUNT, RunLine


class RunForm(forms.Form):
    number = forms.CharField(
        label=_("Car number"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "class": "run-big"}
        ),
    )
    # Empty: the car's next run (or the run the loops are timing).
    run = forms.IntegerField(label=_("Run"), required=False, min_value=1, widget=forms.HiddenInput)
    time = forms.CharField(
        label=_("Time"),
        required=False,
        max_length=16,
        help_text=_("45.123 or 1:02.345; empty for DNF, DNS or DSQ."),
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "autocomplete": "off", "class": "run-big"}
        ),
    )
    cones = forms.IntegerField(
        label=_("Cones"),
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "run-count"}),
    )
    gates = forms.IntegerField(
        label=_("Missed gates"),
        min_value=0,
        max_value=MAX_COUNT,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "run-count"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=RunStatus.choices,
        initial=RunStatus.OK,
        widget=forms.RadioSelect(attrs={"class": "run-status"}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=300,
        help_text=_("Needed once the results are official."),
    )

    def clean_number(self) -> str:
        return str(self.cleaned_data["number"]).strip().lstrip("#")

    def clean_time(self) -> int | None:
        text = self.cleaned_data["time"].strip()
        if not text:
            return None
        try:
            return parse_time(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” is not a time; write 45.123 or 1:02.345."),
                params={"value": text},
                code="time",
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs_time = data.get("status") in (RunStatus.OK, RunStatus.OFF_COURSE)
        if needs_time and data.get("time") is None and "time" not in self.errors:
            self.add_error("time", _("Give the time, or choose DNF, DNS or DSQ."))
        return data

    def line(self) -> RunLine:
        data = self.cleaned_data
        return RunLine(
            car_number=data["number"],
            run=data["run"],
            time_ms=data["time"],
            cones=data["cones"],
            gates=data["gates"],
            status=data["status"],
        )


def initial_for(run: TimedRun) -> dict[str, Any]:
    """The form filled with a run's values, to correct it (a loop-timed run: to add cones)."""
    return {
        "number": run.car_number,
        "run": run.run,
        "time": format_time(run.time_ms),
        "cones": run.cones,
        "gates": run.gates,
        "status": run.status,
    }
