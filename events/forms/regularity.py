"""Forms of regularity rallies and tours: the route, its controls, corrections to stamps, and the
stamps CSV."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.forms.events import DateTimeLocalInput
from events.models import Control, CrewMember, Route
from events.services.regularity import parse_clock


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


class CrewMemberForm(forms.ModelForm):
    class Meta:
        model = CrewMember
        fields = ["role", "name", "phone", "emergency_name", "emergency_phone"]
