"""The efficiency-run entry form: one car's laps or distance, time and energy, on a phone."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.engine.racetime import parse_time
from events.models import EfficiencyStatus


class EnergyForm(forms.Form):
    car_number = forms.CharField(
        label=_("Car"), max_length=8, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=EfficiencyStatus.choices, initial=EfficiencyStatus.OK
    )
    laps = forms.IntegerField(
        label=_("Laps"),
        required=False,
        min_value=0,
        max_value=10_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    distance_km = forms.DecimalField(
        label=_("Distance (km)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(9999),
        max_digits=7,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )
    time = forms.CharField(
        label=_("Time"),
        required=False,
        max_length=16,
        help_text=_("For example 58:12.5 or 1:02:03"),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    energy_kwh = forms.DecimalField(
        label=_("Energy used (kWh)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(9999),
        max_digits=7,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.001", "inputmode": "decimal"}),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=1000,
        help_text=_("Needed when the results are already official."),
    )

    def clean_car_number(self) -> Any:
        return self.cleaned_data["car_number"].strip()

    def clean_time(self) -> int | None:
        text = self.cleaned_data["time"].strip()
        if not text:
            return None
        try:
            ms = parse_time(text)
        except ValueError:
            raise forms.ValidationError(
                _("“%(time)s” is not a time: use m:ss.fff or h:mm:ss."), params={"time": text}
            ) from None
        if ms <= 0:
            raise forms.ValidationError(_("A time must be longer than zero."))
        return ms
