"""Forms of regularity rallies and tours: the route, its controls, corrections to stamps, and the
stamps CSV."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from events.forms.events import DateTimeLocalInput
from events.models import Control, CrewMember, Route
from events.services.regularity import ImportLine

MAX_CSV_BYTES = 2 * 1024 * 1024


class RouteForm(forms.ModelForm):
    class Meta:
        model = Route
        fields = ["mode", "standard_start", "interval_s"]
        widgets = {"standard_start": DateTimeLocalInput()}


class ControlForm(forms.ModelForm):
    class Meta:
        model = Control
        fields = ["code", "kind", "name", "distance_m", "speed_kmh", "section_s"]
        error_messages = {"speed_kmh": {"min_value": _("A speed is above zero.")}}

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not code or not code.replace("-", "").isalnum():
            raise forms.ValidationError(_("Use letters and digits (and -) for the code."))
        return code

    def clean_speed_kmh(self) -> Any:
        speed = self.cleaned_data.get("speed_kmh")
        if speed is not None and speed <= 0:
            raise forms.ValidationError(_("A speed is above zero."))
        return speed


def parse_clock(text: str, day: datetime) -> datetime | None:
    """A time typed as HH:MM, HH:MM:SS or HH:MM:SS.t on the day of ``day`` (its zone)."""
    text = text.strip()
    for pattern in ("%H:%M:%S.%f", "%H:%M:%S", "%H:%M"):
        try:
            clock = datetime.strptime(text, pattern).time()
        except ValueError:
            continue
        return datetime.combine(day.date(), clock, tzinfo=day.tzinfo)
    return None


class StampForm(forms.Form):
    """An official's stamp: a new one, or one in place of a stamp being corrected."""

    car_number = forms.IntegerField(label=_("Car number"), min_value=0, max_value=99999)
    at = forms.CharField(
        label=_("Time"), max_length=16, help_text=_("HH:MM:SS, or HH:MM:SS.t for tenths.")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, day: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.day = day

    def clean_at(self) -> datetime:
        moment = parse_clock(self.cleaned_data["at"], self.day)
        if moment is None:
            raise forms.ValidationError(_("Type the time as HH:MM:SS."))
        return moment


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class StampsCsvForm(forms.Form):
    file = forms.FileField(label=_("Stamps CSV (number,control,time)"))


def read_stamps_csv(
    data: bytes, *, day: datetime, codes: set[str]
) -> tuple[list[ImportLine], list[str]]:
    """The lines of a stamps CSV (``number,control,time``, a header line optional) and the
    errors, each naming its line; the import goes ahead only when there is none."""
    errors: list[str] = []
    lines: list[ImportLine] = []
    if len(data) > MAX_CSV_BYTES:
        return [], [gettext("The file is larger than 2 MB.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [gettext("The file is not UTF-8 text.")]
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        if number == 1 and row[0].strip().lower() == "number":
            continue
        if len(row) != 3:
            errors.append(gettext("Line %(line)s: give number,control,time.") % {"line": number})
            continue
        car, code, clock = (cell.strip() for cell in row)
        moment = parse_clock(clock, day)
        if not car.isdigit():
            errors.append(
                gettext("Line %(line)s: the car number is not a number.") % {"line": number}
            )
        elif code.upper() not in codes:
            errors.append(
                gettext("Line %(line)s: no control “%(code)s” on the route.")
                % {"line": number, "code": code}
            )
        elif moment is None:
            errors.append(gettext("Line %(line)s: type the time as HH:MM:SS.") % {"line": number})
        else:
            lines.append(ImportLine(car_number=int(car), control_code=code.upper(), at=moment))
    if not lines and not errors:
        errors.append(gettext("The file has no stamps."))
    return lines, errors


def route_day(route: Route) -> datetime:
    """Midnight of the route's day in the event's zone: typed times are read on it."""
    local = timezone.localtime(route.standard_start, route.session.event.zone)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


class CrewMemberForm(forms.ModelForm):
    class Meta:
        model = CrewMember
        fields = ["role", "name", "phone", "emergency_name", "emergency_phone"]
