from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from live.models import LiveSession


class StartTimingForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"), choices=LiveSession.Mode.choices, initial=LiveSession.Mode.RACE
    )
    source = forms.ChoiceField(
        label=_("Timing system"),
        choices=[
            (LiveSession.Source.RMONITOR, LiveSession.Source.RMONITOR.label),
            (LiveSession.Source.P3, LiveSession.Source.P3.label),
        ],
        initial=LiveSession.Source.RMONITOR,
    )
    min_lap_seconds = forms.IntegerField(
        label=_("Minimum lap time (seconds)"),
        min_value=1,
        max_value=3600,
        initial=20,
        help_text=_("P3 passings closer together than this are double reads, not laps."),
    )
